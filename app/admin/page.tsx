import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { AuditTable } from "@/components/admin/audit-table";
import { PendingRequest } from "@/components/admin/pending-request";
import { EnvironmentsTable } from "@/components/environments/environments-table";
import { db } from "@/lib/db/client";
import { listAuditEvents, listEnvironments, listPendingRequests } from "@/lib/environments/queries";
import { requireUser } from "@/lib/users/current-user";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const user = await requireUser("/admin");
  if (!user.isAdmin) forbidden();
  const [pending, environments, audit] = await Promise.all([
    listPendingRequests(db(), user),
    listEnvironments(db(), user),
    listAuditEvents(db(), user),
  ]);

  return (
    <div className="space-y-10">
      <h1 className="text-2xl font-semibold">Admin</h1>
      <section aria-labelledby="queue-heading" className="space-y-4">
        <h2 id="queue-heading" className="text-lg font-semibold">
          Approval queue <span className="text-sm font-normal text-slate-600">({pending.length} waiting)</span>
        </h2>
        {pending.length === 0 ? (
          <p className="text-sm text-slate-700">No requests are waiting.</p>
        ) : (
          <ul className="space-y-4">
            {pending.map((env) => (
              <li key={env.id}>
                <PendingRequest env={env} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="all-heading" className="space-y-4">
        <h2 id="all-heading" className="text-lg font-semibold">All environments</h2>
        {environments.length === 0 ? (
          <p className="text-sm text-slate-700">No environments yet.</p>
        ) : (
          <EnvironmentsTable environments={environments} caption="All environments" />
        )}
      </section>
      <section aria-labelledby="audit-heading" className="space-y-4">
        <h2 id="audit-heading" className="text-lg font-semibold">Audit log</h2>
        <AuditTable entries={audit} />
      </section>
    </div>
  );
}
