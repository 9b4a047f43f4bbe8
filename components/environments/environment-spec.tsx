import { SIZE_PRESETS } from "@/lib/environments/catalog";
import type { EnvironmentDetail } from "@/lib/environments/types";
import { executorLabel, formatDate, formatDateTime } from "./format";

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-4 py-2">
      <dt className="text-sm font-medium text-slate-600">{term}</dt>
      <dd className="col-span-2 text-sm break-words">{children}</dd>
    </div>
  );
}

export function EnvironmentSpec({ env }: { env: EnvironmentDetail }) {
  const size = SIZE_PRESETS[env.size];
  return (
    <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
      <Row term="Team">{env.team.name}</Row>
      <Row term="Requested by">{env.requestedBy.name}, {formatDateTime(env.createdAt)}</Row>
      <Row term="Purpose"><span className="whitespace-pre-line">{env.purpose}</span></Row>
      <Row term="Executor">{executorLabel(env.executor)}</Row>
      <Row term="Airflow version">
        {env.airflowVersion} (Helm chart {env.chartVersion})
      </Row>
      <Row term="Region">{env.region}</Row>
      <Row term="Size">
        {size.label}: {size.nodeMinCount}–{size.nodeMaxCount} × {size.nodeVmSize}; PostgreSQL {size.postgresSkuName}, {size.postgresStorageGiB} GiB
      </Row>
      <Row term="DAG source">
        {env.dagSource ? (
          <>
            {env.dagSource.repoUrl} (branch {env.dagSource.branch}
            {env.dagSource.subPath ? `, folder ${env.dagSource.subPath}` : ""})
          </>
        ) : (
          "None"
        )}
      </Row>
      <Row term="Expires">{env.expiresAt ? formatDate(env.expiresAt) : "Never"}</Row>
      {env.decidedBy ? (
        <Row term="Decided by">
          {env.decidedBy.name}
          {env.decidedAt ? `, ${formatDateTime(env.decidedAt)}` : ""}
          {env.decisionReason ? ` — “${env.decisionReason}”` : ""}
        </Row>
      ) : null}
      <Row term="Azure resources">
        <ul className="space-y-0.5 font-mono text-xs">
          <li>Resource group: {env.names.resourceGroup}</li>
          <li>AKS cluster: {env.names.cluster}</li>
          <li>PostgreSQL server: {env.names.postgresServer}</li>
        </ul>
      </Row>
    </dl>
  );
}
