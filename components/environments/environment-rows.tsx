"use client";

/**
 * One environment as a list row, already worded on the server (labels, age, expiry): the page's RSC
 * payload then carries these few strings per row instead of the row's whole element tree, which is
 * most of what rendering a list of fifty costs the portal.
 */
export interface EnvironmentRow {
  id: string;
  name: string;
  status: { label: string; className: string };
  /** Null: "—" (not built, never probed). */
  health: { className: string; icon: string | null; text: string } | null;
  team: string;
  executor: string;
  airflowVersion: string;
  region: string;
  size: string;
  requestedBy: string;
  createdAt: string;
  age: string;
  expires: string;
  expiryWarning: string | null;
  /** Only when READY. */
  airflowUrl: string | null;
  /** Only in the admin's list: what may be done next, if anything. */
  manage?: string | null;
}

export function EnvironmentRows({ rows, manage }: { rows: EnvironmentRow[]; manage: boolean }) {
  return rows.map((env) => (
    <tr key={env.id}>
      <th scope="row" className="text-left font-medium">
        <a href={`/environments/${env.id}`}>{env.name}</a>
      </th>
      <td>
        <span className={env.status.className}>{env.status.label}</span>
      </td>
      <td>
        {env.health ? (
          <span className={env.health.className}>
            {env.health.icon ? <span aria-hidden="true">{env.health.icon}</span> : null}
            {env.health.text}
          </span>
        ) : (
          "—"
        )}
      </td>
      <td>{env.team}</td>
      <td>{env.executor}</td>
      <td>{env.airflowVersion}</td>
      <td>{env.region}</td>
      <td>{env.size}</td>
      <td>{env.requestedBy}</td>
      <td>
        <time dateTime={env.createdAt}>{env.age}</time>
      </td>
      <td>
        {env.expires}
        {env.expiryWarning ? (
          <span className="mt-1 block text-xs font-semibold text-amber-900">
            <span aria-hidden="true">⚠ </span>
            {env.expiryWarning}
          </span>
        ) : null}
      </td>
      <td>
        {env.airflowUrl ? (
          <a href={env.airflowUrl} target="_blank" rel="noreferrer">
            Open Airflow<span className="sr-only">{` for ${env.name} (opens in a new tab)`}</span>
          </a>
        ) : null}
      </td>
      {manage ? (
        <td>
          {env.manage ? (
            <a href={`/environments/${env.id}#manage-heading`}>
              {env.manage}
              <span className="sr-only">{` ${env.name}`}</span>
            </a>
          ) : null}
        </td>
      ) : null}
    </tr>
  ));
}
