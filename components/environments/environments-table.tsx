import type { EnvironmentSummary } from "@/lib/environments/types";
import { executorLabel, expiryWarning, formatAge, formatDate, sizeLabel } from "./format";
import { HealthStatus } from "./health-status";
import { StatusBadge } from "./status-badge";

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
      {/* Cell padding is set once on the table: fifty rows of twelve cells repeat no class strings. */}
      <table className="min-w-full divide-y divide-slate-200 text-sm [&_td]:px-4 [&_td]:py-3 [&_th]:px-4 [&_th]:py-3">
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
          {environments.map((env) => (
            <tr key={env.id}>
              <th scope="row" className="text-left font-medium">
                <a href={`/environments/${env.id}`} className="text-sky-800 underline-offset-2 hover:underline">
                  {env.name}
                </a>
              </th>
              <td><StatusBadge status={env.status} /></td>
              <td>
                {env.status === "READY" || env.health ? <HealthStatus health={env.health} checkedAt={null} /> : "—"}
              </td>
              <td>{env.team.name}</td>
              <td>{executorLabel(env.executor)}</td>
              <td>{env.airflowVersion}</td>
              <td>{env.region}</td>
              <td>{sizeLabel(env.size)}</td>
              <td>{env.requestedBy.name}</td>
              <td>
                <time dateTime={env.createdAt.toISOString()}>{formatAge(env.createdAt, now)}</time>
              </td>
              <td>
                {env.expiresAt ? formatDate(env.expiresAt) : "—"}
                <ExpiryWarning env={env} now={now} />
              </td>
              <td>
                {env.airflowUrl && env.status === "READY" ? (
                  <a href={env.airflowUrl} target="_blank" rel="noreferrer" className="font-medium text-sky-800 underline">
                    Open Airflow<span className="sr-only"> for {env.name} (opens in a new tab)</span>
                  </a>
                ) : null}
              </td>
              {manage ? (
                <td>
                  {MANAGE_LINKS[env.status] ? (
                    <a href={`/environments/${env.id}#manage-heading`} className="font-medium text-sky-800 underline">
                      {MANAGE_LINKS[env.status]}<span className="sr-only"> {env.name}</span>
                    </a>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExpiryWarning({ env, now }: { env: EnvironmentSummary; now: Date }) {
  const live = env.status !== "DELETING" && env.status !== "DELETED" && env.status !== "REJECTED";
  const warning = live ? expiryWarning(env.expiresAt, now) : null;
  if (!warning) return null;
  return (
    <span className="mt-1 block text-xs font-semibold text-amber-900">
      <span aria-hidden="true">⚠ </span>
      {warning}
    </span>
  );
}
