import Link from "next/link";
import { formatDateTime } from "@/components/environments/format";
import { actionLabel } from "@/components/environments/history-list";
import type { AuditEntry } from "@/lib/environments/types";

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p className="text-sm text-slate-700">Nothing recorded yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Most recent audit events</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">When</th>
            <th scope="col" className="px-4 py-2">Who</th>
            <th scope="col" className="px-4 py-2">What</th>
            <th scope="col" className="px-4 py-2">Environment</th>
            <th scope="col" className="px-4 py-2">Reason</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="px-4 py-2 whitespace-nowrap">{formatDateTime(e.createdAt)}</td>
              <td className="px-4 py-2">{e.actorName ?? "Portal"}</td>
              <td className="px-4 py-2">{actionLabel(e.action)}</td>
              <td className="px-4 py-2">
                {e.environmentId ? <Link href={`/environments/${e.environmentId}`} className="text-sky-800 hover:underline">{e.environmentName}</Link> : "—"}
              </td>
              <td className="px-4 py-2 max-w-md truncate" title={e.reason ?? undefined}>{e.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
