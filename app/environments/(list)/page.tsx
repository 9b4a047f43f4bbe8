import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/environments/auto-refresh";
import { EnvironmentsTable } from "@/components/environments/environments-table";
import { StatusFilter } from "@/components/environments/status-filter";
import { Pagination } from "@/components/ui/pagination";
import { db } from "@/lib/db/client";
import { listNavigation, readListParams, type ListParams } from "@/lib/environments/list-page";
import { hibernationSummary, listEnvironments, PAGE_SIZE } from "@/lib/environments/queries";
import { isTransitional } from "@/lib/environments/progress-types";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Environments" };

export default async function EnvironmentsPage({ searchParams }: { searchParams: Promise<ListParams> }) {
  const user = await requireUser("/environments");
  const params = await searchParams;
  const { status, cursor } = readListParams(params);
  const [listing, savings] = await Promise.all([listEnvironments(db(), user, { status, cursor }), hibernationSummary(db(), user)]);
  const navigation = listNavigation("/environments", params, listing);
  const environments = listing.items;
  const scope = user.isAdmin ? "All teams" : user.teams.map((t) => t.name).join(", ") || "No team";

  return (
    <div className="space-y-6">
      <AutoRefresh active={environments.some((e) => isTransitional(e.status))} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Environments</h1>
          <p className="text-sm text-slate-600">{scope}</p>
        </div>
        <Link href="/environments/new" className="rounded-md bg-sky-700 px-3 py-2 text-sm font-semibold text-white hover:bg-sky-800">
          Request an environment
        </Link>
      </div>
      {user.teams.length === 0 && !user.isAdmin ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm">
          You are not in any team the portal knows. Ask your platform team to add your Entra ID group.
        </p>
      ) : null}
      {savings.stopped + savings.scheduled > 0 ? (
        <p className="rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm" data-testid="hibernation-savings">
          {savings.stopped} stopped now{savings.scheduled > 0 ? `, ${savings.scheduled} on a hibernation schedule` : ""}: saving about $
          {savings.monthlyUsd.toLocaleString("en-US")} a month at list prices.
        </p>
      ) : null}
      <StatusFilter current={status} path="/environments" />
      {environments.length === 0 ? (
        <p className="text-sm text-slate-700">
          {status ? "No environments with this status." : "No environments yet. Request one to get started."}
        </p>
      ) : (
        <EnvironmentsTable environments={environments} caption="Airflow environments" />
      )}
      <Pagination
        label="Environment pages"
        {...navigation}
        itemCount={environments.length}
        total={listing.total}
        totalIsLowerBound={listing.totalIsLowerBound}
        pageSize={PAGE_SIZE}
      />
    </div>
  );
}
