import { formatDateTime } from "@/components/environments/format";
import { actionLabel } from "@/components/environments/history-list";
import type { AuditEntry } from "@/lib/environments/types";

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p className="text-sm text-slate-700">Nothing recorded yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      {/* The rows' look is set once, on the table: fifty events repeat no class strings. */}
      <table className="min-w-full divide-y divide-slate-200 text-sm [&_td]:px-4 [&_td]:py-2 [&_th]:px-4 [&_th]:py-2 [&_td:first-child]:whitespace-nowrap [&_td_a:hover]:underline [&_td_a]:text-sky-800">
        <caption className="sr-only">Most recent audit events</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Environment</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.createdAt)}</td>
              <td>{e.actorName ?? "Portal"}</td>
              <td>{actionLabel(e.action)}</td>
              <td>
                {e.environmentId ? <a href={`/environments/${e.environmentId}`}>{e.environmentName}</a> : "—"}
              </td>
              <td className="max-w-md truncate" title={e.reason ?? undefined}>{e.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
