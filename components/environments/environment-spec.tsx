import { estimateMonthlyCost, postgresUserConnections, SIZE_PRESETS } from "@/lib/environments/catalog";
import type { EnvironmentDetail } from "@/lib/environments/types";
import { taskLogsInBlob } from "@/lib/provisioning/deployed";
import { DiskBreakdown } from "./cost-estimate";
import { executorLabel, formatDate, formatDateTime } from "./format";

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

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
  const taskLogs = taskLogsInBlob(env.deployed);
  const cost = estimateMonthlyCost({ executor: env.executor, size: env.size, taskLogs });
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
        {size.label}: {size.nodeMinCount}–{size.nodeMaxCount} × {size.nodeVmSize}; PostgreSQL {size.postgresSkuName}, {size.postgresStorageGiB} GiB,{" "}
        {postgresUserConnections(env.size)} connections
      </Row>
      <Row term="Estimated cost">
        <p>
          {usd.format(cost.totalUsd)} per month, up to {usd.format(cost.maxTotalUsd)} at {size.nodeMaxCount} nodes (list prices, an estimate)
        </p>
        <DiskBreakdown executor={env.executor} size={env.size} taskLogs={taskLogs} />
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
