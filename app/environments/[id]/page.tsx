import type { Metadata } from "next";
import { EnvironmentSpec } from "@/components/environments/environment-spec";
import { HelmValues } from "@/components/environments/helm-values";
import { HistoryList } from "@/components/environments/history-list";
import { StatusBadge } from "@/components/environments/status-badge";
import { db } from "@/lib/db/client";
import { getEnvironment } from "@/lib/environments/queries";
import { loadForPage } from "@/lib/page-errors";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Environment" };

export default async function EnvironmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/environments/${id}`);
  const env = await loadForPage(() => getEnvironment(db(), user, id));

  return (
    <div className="max-w-4xl space-y-8">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{env.name}</h1>
        <StatusBadge status={env.status} />
        {env.airflowUrl && env.status === "READY" ? (
          <a href={env.airflowUrl} target="_blank" rel="noreferrer" className="text-sm font-medium text-sky-800 underline">
            Open Airflow<span className="sr-only"> (opens in a new tab)</span>
          </a>
        ) : null}
      </div>
      {env.status === "PENDING_APPROVAL" ? (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm">
          Waiting for an admin to approve this request.
        </p>
      ) : null}
      {env.status === "REJECTED" ? (
        <p className="rounded-md border border-slate-300 bg-slate-100 px-4 py-3 text-sm">
          This request was rejected{env.decisionReason ? `: “${env.decisionReason}”` : "."}
        </p>
      ) : null}
      <section aria-labelledby="spec-heading" className="space-y-3">
        <h2 id="spec-heading" className="text-lg font-semibold">Specification</h2>
        <EnvironmentSpec env={env} />
      </section>
      <section aria-labelledby="values-heading" className="space-y-3">
        <h2 id="values-heading" className="text-lg font-semibold">Helm values</h2>
        <HelmValues env={env} />
      </section>
      <section aria-labelledby="history-heading" className="space-y-3">
        <h2 id="history-heading" className="text-lg font-semibold">History</h2>
        <HistoryList entries={env.history} />
      </section>
    </div>
  );
}
