import type { Deployed } from "@/lib/provisioning/deployed";
import { formatDateTime } from "./format";

const RESOURCE_LABELS: Record<string, string> = {
  resourceGroup: "Resource group",
  cluster: "AKS cluster",
  postgresServer: "PostgreSQL server",
  database: "Database",
  fluxExtension: "Flux extension",
  firewallRule: "Firewall rule",
  virtualNetwork: "Virtual network",
  hubPeering: "Peering with the hub",
  privateDnsZone: "Database's private DNS zone",
  identity: "Managed identity (workload identity)",
  storageAccount: "Storage account (task logs)",
};

/** The container's page in the Azure portal (its blobs: each task's log, by DAG, run and task). */
export function containerPortalUrl(accountId: string, container: string): string {
  return `https://portal.azure.com/#view/Microsoft_Azure_Storage/ContainerMenuBlade/~/overview/storageAccountId/${encodeURIComponent(accountId)}/path/${encodeURIComponent(container)}`;
}

/** From where people reach the UI, honestly: an internal address is only as reachable as its network. */
export function reachabilityText(deployed: Pick<Deployed, "exposure" | "network">): string {
  switch (deployed.exposure) {
    case "public":
      return "public";
    case "ingress":
      return "https, through the cluster's ingress, with Entra sign-in";
    case "internal":
      return deployed.network?.hub
        ? `reachable from networks peered with ${deployed.network.hub}`
        : "inside the cluster's own virtual network, which no other network is peered with";
  }
}

/** What the worker applied, as it stored it: Azure resource ids, the chart and how Airflow is reached. */
export function DeployedResources({ deployed }: { deployed: Deployed }) {
  return (
    <dl className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm">
      <div className="grid grid-cols-3 gap-4 px-4 py-2">
        <dt className="font-medium text-slate-600">Applied</dt>
        <dd className="col-span-2">
          {Number.isNaN(Date.parse(deployed.appliedAt)) ? deployed.appliedAt : formatDateTime(new Date(deployed.appliedAt))}
        </dd>
      </div>
      <div className="grid grid-cols-3 gap-4 px-4 py-2">
        <dt className="font-medium text-slate-600">Helm chart</dt>
        <dd className="col-span-2">apache-airflow/airflow {deployed.chartVersion}</dd>
      </div>
      <div className="grid grid-cols-3 gap-4 px-4 py-2">
        <dt className="font-medium text-slate-600">Airflow UI</dt>
        <dd className="col-span-2 break-all">
          {deployed.airflowUrl ?? "No address yet"} ({reachabilityText(deployed)})
        </dd>
      </div>
      {deployed.network ? (
        <div className="grid grid-cols-3 gap-4 px-4 py-2">
          <dt className="font-medium text-slate-600">Network</dt>
          <dd className="col-span-2">
            {deployed.network.addressPrefix}, peered with the hub {deployed.network.hub}
          </dd>
        </div>
      ) : null}
      {deployed.taskLogs ? (
        <div className="grid grid-cols-3 gap-4 px-4 py-2">
          <dt className="font-medium text-slate-600">Task logs</dt>
          <dd className="col-span-2 break-all">
            {deployed.resources.storageAccount ? (
              <a className="font-medium text-sky-800 underline" href={containerPortalUrl(deployed.resources.storageAccount, deployed.taskLogs.container)} target="_blank" rel="noreferrer">
                Container {deployed.taskLogs.container} in {deployed.taskLogs.account}
                <span className="sr-only"> (opens the Azure portal in a new tab)</span>
              </a>
            ) : (
              `Container ${deployed.taskLogs.container} in ${deployed.taskLogs.account}`
            )}
            , kept after the task&apos;s pod is gone
          </dd>
        </div>
      ) : null}
      {Object.entries(deployed.resources).map(([kind, id]) => (
        <div key={kind} className="grid grid-cols-3 gap-4 px-4 py-2">
          <dt className="font-medium text-slate-600">{RESOURCE_LABELS[kind] ?? kind}</dt>
          <dd className="col-span-2 break-all font-mono text-xs">{id}</dd>
        </div>
      ))}
    </dl>
  );
}
