import Link from "next/link";
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
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">Health</th>
            <th scope="col" className="px-4 py-3">Team</th>
            <th scope="col" className="px-4 py-3">Executor</th>
            <th scope="col" className="px-4 py-3">Airflow</th>
            <th scope="col" className="px-4 py-3">Region</th>
            <th scope="col" className="px-4 py-3">Size</th>
            <th scope="col" className="px-4 py-3">Requested by</th>
            <th scope="col" className="px-4 py-3">Age</th>
            <th scope="col" className="px-4 py-3">Expires</th>
            <th scope="col" className="px-4 py-3"><span className="sr-only">Airflow UI</span></th>
            {manage ? <th scope="col" className="px-4 py-3">Manage</th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {environments.map((env) => (
            <tr key={env.id}>
              <th scope="row" className="px-4 py-3 text-left font-medium">
                <Link href={`/environments/${env.id}`} className="text-sky-800 underline-offset-2 hover:underline">
                  {env.name}
                </Link>
              </th>
              <td className="px-4 py-3"><StatusBadge status={env.status} /></td>
              <td className="px-4 py-3">
                {env.status === "READY" || env.health ? <HealthStatus health={env.health} checkedAt={null} /> : "—"}
              </td>
              <td className="px-4 py-3">{env.team.name}</td>
              <td className="px-4 py-3">{executorLabel(env.executor)}</td>
              <td className="px-4 py-3">{env.airflowVersion}</td>
              <td className="px-4 py-3">{env.region}</td>
              <td className="px-4 py-3">{sizeLabel(env.size)}</td>
              <td className="px-4 py-3">{env.requestedBy.name}</td>
              <td className="px-4 py-3">
                <time dateTime={env.createdAt.toISOString()}>{formatAge(env.createdAt, now)}</time>
              </td>
              <td className="px-4 py-3">
                {env.expiresAt ? formatDate(env.expiresAt) : "—"}
                <ExpiryWarning env={env} now={now} />
              </td>
              <td className="px-4 py-3">
                {env.airflowUrl && env.status === "READY" ? (
                  <a href={env.airflowUrl} target="_blank" rel="noreferrer" className="font-medium text-sky-800 underline">
                    Open Airflow<span className="sr-only"> for {env.name} (opens in a new tab)</span>
                  </a>
                ) : null}
              </td>
              {manage ? (
                <td className="px-4 py-3">
                  {MANAGE_LINKS[env.status] ? (
                    <Link href={`/environments/${env.id}#manage-heading`} className="font-medium text-sky-800 underline">
                      {MANAGE_LINKS[env.status]}<span className="sr-only"> {env.name}</span>
                    </Link>
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
