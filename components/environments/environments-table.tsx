import Link from "next/link";
import type { EnvironmentSummary } from "@/lib/environments/types";
import { executorLabel, formatAge, formatDate, sizeLabel } from "./format";
import { StatusBadge } from "./status-badge";

export function EnvironmentsTable({ environments, caption }: { environments: EnvironmentSummary[]; caption: string }) {
  const now = new Date();
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">Team</th>
            <th scope="col" className="px-4 py-3">Executor</th>
            <th scope="col" className="px-4 py-3">Airflow</th>
            <th scope="col" className="px-4 py-3">Region</th>
            <th scope="col" className="px-4 py-3">Size</th>
            <th scope="col" className="px-4 py-3">Requested by</th>
            <th scope="col" className="px-4 py-3">Age</th>
            <th scope="col" className="px-4 py-3">Expires</th>
            <th scope="col" className="px-4 py-3"><span className="sr-only">Airflow UI</span></th>
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
              <td className="px-4 py-3">{env.team.name}</td>
              <td className="px-4 py-3">{executorLabel(env.executor)}</td>
              <td className="px-4 py-3">{env.airflowVersion}</td>
              <td className="px-4 py-3">{env.region}</td>
              <td className="px-4 py-3">{sizeLabel(env.size)}</td>
              <td className="px-4 py-3">{env.requestedBy.name}</td>
              <td className="px-4 py-3">
                <time dateTime={env.createdAt.toISOString()}>{formatAge(env.createdAt, now)}</time>
              </td>
              <td className="px-4 py-3">{env.expiresAt ? formatDate(env.expiresAt) : "—"}</td>
              <td className="px-4 py-3">
                {env.airflowUrl && env.status === "READY" ? (
                  <a href={env.airflowUrl} target="_blank" rel="noreferrer" className="font-medium text-sky-800 underline">
                    Open Airflow<span className="sr-only"> for {env.name} (opens in a new tab)</span>
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
