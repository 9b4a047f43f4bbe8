import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { AuditTable } from "@/components/admin/audit-table";
import { PendingRequest } from "@/components/admin/pending-request";
import { SignedInUsers } from "@/components/admin/signed-in-users";
import { verifyAuditChain } from "@/lib/audit-chain";
import { listSignedInUsers } from "@/lib/auth/sessions";
import { config } from "@/lib/config";
import { EnvironmentsTable } from "@/components/environments/environments-table";
import { db } from "@/lib/db/client";
import { listAuditEvents, listEnvironments, listPendingRequests } from "@/lib/environments/queries";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Admin" };

const NAME = /^[a-z][a-z0-9-]{1,23}$/;

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ approved?: string; rejected?: string; signedOut?: string }> }) {
  const user = await requireUser("/admin");
  if (!user.isAdmin) forbidden();
  const [queue, listing, audit, signedIn, chain] = await Promise.all([
    listPendingRequests(db(), user),
    listEnvironments(db(), user),
    listAuditEvents(db(), user),
    listSignedInUsers(db(), user, config().sessionIdleMinutes),
    verifyAuditChain(db()),
  ]);

  const { approved, rejected, signedOut } = await searchParams;
  const decided =
    approved && NAME.test(approved)
      ? `Approved ${approved}. Provisioning is queued.`
      : rejected && NAME.test(rejected)
        ? `Rejected ${rejected}. The requester sees your reason.`
        : signedOut === "1"
          ? "Signed out everywhere: their next request asks them to sign in again."
          : null;

  return (
    <div className="space-y-10">
      <h1 className="text-2xl font-semibold">Admin</h1>
      {decided ? <Alert tone="success">{decided}</Alert> : null}
      <section aria-labelledby="queue-heading" className="space-y-4">
        <h2 id="queue-heading" className="text-lg font-semibold">
          Approval queue <span className="text-sm font-normal text-slate-600">({queue.total} waiting)</span>
        </h2>
        {queue.total > queue.items.length ? (
          <p className="text-sm text-slate-700">
            The {queue.items.length} oldest are shown; the others appear here as these are decided.
          </p>
        ) : null}
        {queue.total === 0 ? (
          <p className="text-sm text-slate-700">No requests are waiting.</p>
        ) : (
          <ul className="space-y-4">
            {queue.items.map((env) => (
              <li key={env.id}>
                <PendingRequest env={env} viewerId={user.id} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="all-heading" className="space-y-4">
        <h2 id="all-heading" className="text-lg font-semibold">All environments</h2>
        {listing.total === 0 ? (
          <p className="text-sm text-slate-700">No environments yet.</p>
        ) : (
          <EnvironmentsTable environments={listing.items} caption="All environments" manage />
        )}
        {listing.pageCount > 1 ? (
          <p className="text-sm">
            The {listing.items.length} most recent of {listing.total}.{" "}
            <Link href="/environments" className="font-medium text-sky-800 underline">
              See them all on the dashboard
            </Link>
          </p>
        ) : null}
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
        <AuditTable entries={audit} />
      </section>
    </div>
  );
}
