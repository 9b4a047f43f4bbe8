import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { AuditTable } from "@/components/admin/audit-table";
import { PendingRequest } from "@/components/admin/pending-request";
import { SignedInUsers } from "@/components/admin/signed-in-users";
import { EnvironmentsTable } from "@/components/environments/environments-table";
import { StatusFilter } from "@/components/environments/status-filter";
import { Pagination } from "@/components/ui/pagination";
import { auditChainStatus } from "@/lib/audit-chain";
import { listSignedInUsers } from "@/lib/auth/sessions";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { listNavigation, readListParams, type ListParams } from "@/lib/environments/list-page";
import { decodeCursor } from "@/lib/environments/paging";
import { listPendingChanges } from "@/lib/environments/changes/queries";
import { listAuditEvents, listEnvironments, listPendingRequests } from "@/lib/environments/queries";
import { withParams } from "@/lib/url";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Admin" };

const NAME = /^[a-z][a-z0-9-]{1,23}$/;
/** The admin page shows several lists; the dashboard has the long one. */
const ENVIRONMENTS_PAGE_SIZE = 25;

type AdminParams = ListParams & {
  approved?: string;
  rejected?: string;
  signedOut?: string;
  /** The approval queue's page: requests after this one, oldest first. */
  queueAfter?: string;
  /** The audit log's page: events older or newer than this id. */
  auditBefore?: string;
  auditAfter?: string;
};

export default async function AdminPage({ searchParams }: { searchParams: Promise<AdminParams> }) {
  const user = await requireUser("/admin");
  if (!user.isAdmin) forbidden();
  const params = await searchParams;
  const { status, cursor } = readListParams(params);
  const [queue, changes, listing, audit, signedIn, chain] = await Promise.all([
    listPendingRequests(db(), user, { after: decodeCursor(params.queueAfter) ?? undefined }),
    listPendingChanges(db(), user),
    listEnvironments(db(), user, { status, cursor, pageSize: ENVIRONMENTS_PAGE_SIZE }),
    listAuditEvents(db(), user, { before: params.auditBefore, after: params.auditAfter }),
    listSignedInUsers(db(), user, config().sessionIdleMinutes),
    auditChainStatus(db()),
  ]);
  const navigation = listNavigation("/admin", params, listing);

  const { approved, rejected, signedOut } = params;
  const decided =
    approved && NAME.test(approved)
      ? `Approved ${approved}. Provisioning is queued.`
      : rejected && NAME.test(rejected)
        ? `Rejected ${rejected}. The requester sees your reason.`
        : signedOut === "1"
          ? "Signed out everywhere: their next request asks them to sign in again."
          : null;
  const waiting = `${queue.total.toLocaleString("en-US")}${queue.totalIsLowerBound ? "+" : ""} waiting`;

  return (
    <div className="space-y-10">
      <h1 className="text-2xl font-semibold">Admin</h1>
      {decided ? <Alert tone="success">{decided}</Alert> : null}
      <section aria-labelledby="queue-heading" className="space-y-4">
        <h2 id="queue-heading" className="text-lg font-semibold">
          Approval queue <span className="text-sm font-normal text-slate-600">({waiting})</span>
        </h2>
        {queue.items.length === 0 ? (
          <p className="text-sm text-slate-700">{params.queueAfter ? "No later requests are waiting." : "No requests are waiting."}</p>
        ) : (
          <ul className="space-y-4">
            {queue.items.map((env) => (
              <li key={env.id}>
                <PendingRequest env={env} viewerId={user.id} />
              </li>
            ))}
          </ul>
        )}
        {queue.next || params.queueAfter ? (
          <nav aria-label="Approval queue pages" className="flex gap-4 text-sm">
            {params.queueAfter ? (
              <Link href="/admin" className="font-medium text-sky-800 underline">
                Oldest requests
              </Link>
            ) : null}
            {queue.next ? (
              <Link href={withParams("/admin", { queueAfter: queue.next })} className="font-medium text-sky-800 underline">
                Later requests
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
      <section aria-labelledby="changes-heading" className="space-y-4">
        <h2 id="changes-heading" className="text-lg font-semibold">
          Changes waiting <span className="text-sm font-normal text-slate-600">({changes.length})</span>
        </h2>
        {changes.length === 0 ? (
          <p className="text-sm text-slate-700">No changes are waiting.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {changes.map((c) => (
              <li key={c.operationId} className="rounded-md border border-slate-200 bg-white px-4 py-3">
                <Link href={`/environments/${c.environmentId}`} className="font-medium text-sky-800 underline">
                  {c.environment}
                </Link>{" "}
                ({c.team}): {c.summary}, asked for by {c.requestedBy}
                {c.reason ? `: “${c.reason}”` : ""}. Its what-if and the decision are on its page.
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="all-heading" className="space-y-4">
        <h2 id="all-heading" className="text-lg font-semibold">All environments</h2>
        <StatusFilter current={status} path="/admin" />
        {listing.items.length === 0 ? (
          <p className="text-sm text-slate-700">{status ? "No environments with this status." : "No environments yet."}</p>
        ) : (
          <EnvironmentsTable environments={listing.items} caption="All environments" manage />
        )}
        <Pagination
          label="All environments pages"
          {...navigation}
          itemCount={listing.items.length}
          total={listing.total}
          totalIsLowerBound={listing.totalIsLowerBound}
          pageSize={ENVIRONMENTS_PAGE_SIZE}
        />
      </section>
      <section aria-labelledby="sessions-heading" className="space-y-4">
        <h2 id="sessions-heading" className="text-lg font-semibold">Signed in</h2>
        <SignedInUsers users={signedIn} currentUserId={user.id} />
      </section>
      <section aria-labelledby="audit-heading" className="space-y-4">
        <h2 id="audit-heading" className="text-lg font-semibold">Audit log</h2>
        {chain.ok ? (
          <p className="text-sm text-slate-700" data-testid="audit-chain">
            Audit trail verified: all {chain.events} events are intact and in order.
          </p>
        ) : (
          <Alert tone="error">
            <span data-testid="audit-chain">
              Audit trail broken at event {chain.brokenAt}: {chain.problem}. The {chain.events} events before it verify.
            </span>
          </Alert>
        )}
        <AuditTable entries={audit.items} />
        {audit.newer || audit.older ? (
          <nav aria-label="Audit log pages" className="flex gap-4 text-sm">
            {audit.newer ? (
              <Link href={withParams("/admin", { auditAfter: audit.newer })} className="font-medium text-sky-800 underline">
                Newer events
              </Link>
            ) : null}
            {audit.older ? (
              <Link href={withParams("/admin", { auditBefore: audit.older })} className="font-medium text-sky-800 underline">
                Older events
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
