import { executorLabel, formatDateTime, sizeLabel } from "@/components/environments/format";
import type { PendingRequestSummary } from "@/lib/environments/queries";
import { DecisionForm } from "./decision-form";

export function PendingRequest({ env, viewerId }: { env: PendingRequestSummary; viewerId: string }) {
  const headingId = `request-${env.id}`;
  return (
    <article aria-labelledby={headingId} className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2">
      <div className="space-y-1 text-sm">
        <h3 id={headingId} className="text-base font-semibold">
          <a href={`/environments/${env.id}`} className="text-sky-800 hover:underline">{env.name}</a>
        </h3>
        <p>
          {env.team.name} · requested by {env.requestedBy.name} · {formatDateTime(env.createdAt)}
        </p>
        <p>
          {executorLabel(env.executor)} · Airflow {env.airflowVersion} · {env.region} · {sizeLabel(env.size)}
        </p>
        <p className="whitespace-pre-line text-slate-700">{env.purpose}</p>
      </div>
      <DecisionForm id={env.id} name={env.name} ownRequest={env.requestedBy.id === viewerId} />
    </article>
  );
}
