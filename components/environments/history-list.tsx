import type { AuditEntry } from "@/lib/environments/types";
import { STATUS_DISPLAY } from "@/lib/environments/status";
import { formatDateTime } from "./format";

const ACTION_LABELS: Record<string, string> = {
  "environment.requested": "Requested",
  "environment.approved": "Approved",
  "environment.rejected": "Rejected",
  "environment.withdrawn": "Withdrawn",
  "environment.provisioning": "Provisioning started",
  "environment.ready": "Ready",
  "environment.failed": "Failed",
  "environment.retried": "Retried",
  "environment.teardown-requested": "Teardown requested",
  "environment.change-requested": "Change asked for",
  "environment.change-approved": "Change approved",
  "environment.change-rejected": "Change rejected",
  "environment.change-cancelled": "Change cancelled",
  "environment.change-withdrawn": "Change withdrawn",
  "environment.deleted": "Deleted",
  "environment.updated": "Change applied",
  "environment.restored": "Database restored, chart from before the upgrade applied",
  "environment.stopped": "Stopped",
  "environment.started": "Started",
  "environment.restopping": "Stopped again (Azure restarted its database)",
  "environment.hibernation-scheduled": "Hibernation scheduled",
  "environment.hibernation-cleared": "Hibernation schedule removed",
  "user.sessions-revoked": "Signed out everywhere",
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

export function HistoryList({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p className="text-sm text-slate-600">Nothing has happened yet.</p>;
  return (
    // Each entry's box is styled once, on the list: fifty entries repeat no class strings.
    <ol className="space-y-3 [&>li]:rounded-md [&>li]:border [&>li]:border-slate-200 [&>li]:bg-white [&>li]:px-4 [&>li]:py-3 [&>li]:text-sm">
      {entries.map((e) => (
        <li key={e.id}>
          <p>
            <span className="font-semibold">{actionLabel(e.action)}</span>
            {e.actorName ? <> by {e.actorName}</> : null}
            {e.toStatus ? <> — now {STATUS_DISPLAY[e.toStatus].label.toLowerCase()}</> : null}
          </p>
          <p className="text-xs text-slate-600">
            <time dateTime={e.createdAt.toISOString()}>{formatDateTime(e.createdAt)}</time>
          </p>
          {e.reason ? <p className="mt-1 whitespace-pre-line text-slate-800">“{e.reason}”</p> : null}
        </li>
      ))}
    </ol>
  );
}
