import type { EnvironmentSummary } from "@/lib/environments/types";
import { executorLabel, expiryWarning, formatAge, formatDate, sizeLabel } from "./format";
import { EnvironmentRows, type EnvironmentRow } from "./environment-rows";
import { healthText } from "./health-status";
import { badgeClass } from "@/components/ui/badge";
import { STATUS_DISPLAY } from "@/lib/environments/status";

/** What an admin may do next from the list, by status: it links to the detail page's controls. */
const MANAGE_LINKS: Partial<Record<EnvironmentSummary["status"], string>> = {
  FAILED: "Retry or tear down",
  READY: "Tear down",
  STOPPED: "Tear down",
};

/**
 * Rows link with plain anchors: a client-side Link per row would be rendered, serialised and
 * hydrated a hundred times per page, and would prefetch fifty dynamic pages from the server as
 * soon as the table scrolled into view.
 */
export function EnvironmentsTable({
  environments,
  caption,
  manage = false,
}: {
  environments: EnvironmentSummary[];
  caption: string;
  /** Adds a column of links to each environment's admin controls. */
  manage?: boolean;
}) {
  const now = new Date();
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      {/*
        Cell padding and the look of the rows' links are set once on the table: fifty rows of twelve
        cells repeat no class strings, in the HTML nor in the RSC payload that follows it.
      */}
      <table className="min-w-full divide-y divide-slate-200 text-sm [&_td]:px-4 [&_td]:py-3 [&_th]:px-4 [&_th]:py-3 [&_tbody_a]:text-sky-800 [&_tbody_td_a]:font-medium [&_tbody_td_a]:underline [&_tbody_th_a:hover]:underline [&_tbody_th_a]:underline-offset-2">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Health</th>
            <th scope="col">Team</th>
            <th scope="col">Executor</th>
            <th scope="col">Airflow</th>
            <th scope="col">Region</th>
            <th scope="col">Size</th>
            <th scope="col">Requested by</th>
            <th scope="col">Age</th>
            <th scope="col">Expires</th>
            <th scope="col"><span className="sr-only">Airflow UI</span></th>
            {manage ? <th scope="col">Manage</th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          <EnvironmentRows rows={environments.map((env) => toRow(env, now, manage))} manage={manage} />
        </tbody>
      </table>
    </div>
  );
}

/** A row's words, formatted here once, so the RSC payload carries strings rather than a tree of elements. */
export function toRow(env: EnvironmentSummary, now: Date, manage: boolean): EnvironmentRow {
  const live = env.status !== "DELETING" && env.status !== "DELETED" && env.status !== "REJECTED";
  const { label, tone } = STATUS_DISPLAY[env.status];
  return {
    id: env.id,
    name: env.name,
    status: { label, className: badgeClass(tone) },
    health: env.status === "READY" || env.health ? healthText(env.health) : null,
    team: env.team.name,
    executor: executorLabel(env.executor),
    airflowVersion: env.airflowVersion,
    region: env.region,
    size: sizeLabel(env.size),
    requestedBy: env.requestedBy.name,
    createdAt: env.createdAt.toISOString(),
    age: formatAge(env.createdAt, now),
    expires: env.expiresAt ? formatDate(env.expiresAt) : "—",
    expiryWarning: live ? expiryWarning(env.expiresAt, now) : null,
    airflowUrl: env.airflowUrl && env.status === "READY" ? env.airflowUrl : null,
    manage: manage ? (MANAGE_LINKS[env.status] ?? null) : undefined,
  };
}
