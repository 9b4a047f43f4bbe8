/**
 * What each kind of operation does, step by step: a stable key per step (stored in
 * `operation_steps.key`, so never rename one), the words a person reads, and the steps it waits
 * for. Steps whose dependencies have all succeeded run in parallel. Shared by the worker and the
 * pages (no server-only imports here).
 */
export type OperationKindName = "PROVISION" | "UPDATE" | "STOP" | "START" | "TEARDOWN" | "RESTORE";

export interface PlannedStep {
  key: string;
  label: string;
  /** Steps that must have succeeded (or been skipped) first. */
  dependsOn: readonly string[];
  /**
   * "https": only when the portal publishes Airflow at https://<name>.<domain> with Entra sign-in
   * (PORTAL_AIRFLOW_DOMAIN and the rest); "platform-network": only when environments are spokes of
   * the platform's hub (PORTAL_HUB_VNET_ID); "public-database": only when they are not (the
   * database then has public access limited by firewall rules). Otherwise the step is recorded as skipped.
   */
  only?: "https" | "platform-network" | "public-database";
  /**
   * Run again on every run of the operation (a retry, a takeover), even when it succeeded before:
   * for a step that holds cloud state to what the cloud is now (the database firewall to the
   * cluster's outbound addresses, which AKS may change), comparing and writing only what differs.
   * Steps naming it in `dependsOn` that have not succeeded yet wait for the new run.
   */
  recheck?: true;
}

export const PROVISION_PLAN: readonly PlannedStep[] = [
  { key: "resource-group", label: "Create the resource group", dependsOn: [] },
  { key: "spoke-network", label: "Create the environment's virtual network", dependsOn: ["resource-group"], only: "platform-network" },
  { key: "hub-peering", label: "Peer the virtual network with the platform's hub", dependsOn: ["spoke-network"], only: "platform-network" },
  { key: "database-dns", label: "Create the database's private DNS zone", dependsOn: ["spoke-network"], only: "platform-network" },
  { key: "cluster", label: "Create the AKS cluster", dependsOn: ["resource-group", "spoke-network"] },
  { key: "database-server", label: "Create the PostgreSQL server", dependsOn: ["resource-group", "database-dns"] },
  { key: "database", label: "Create the Airflow database", dependsOn: ["database-server"] },
  { key: "flux-extension", label: "Install Flux on the cluster", dependsOn: ["cluster"] },
  { key: "workload-identity", label: "Create the environment's managed identity", dependsOn: ["resource-group"] },
  { key: "federated-credentials", label: "Let Airflow's service accounts sign in as the identity", dependsOn: ["cluster", "workload-identity"] },
  { key: "task-log-storage", label: "Create the storage account for task logs", dependsOn: ["resource-group"] },
  { key: "task-log-access", label: "Let the identity write task logs", dependsOn: ["task-log-storage", "workload-identity"] },
  { key: "subnet-access", label: "Let the cluster put its load balancers in its subnet", dependsOn: ["cluster"], only: "platform-network" },
  { key: "routing-access", label: "Let the cluster's ingress use the DNS zone and certificate", dependsOn: ["cluster"], only: "https" },
  { key: "database-firewall", label: "Open the database to the cluster only", dependsOn: ["cluster", "database-server"], recheck: true, only: "public-database" },
  { key: "cluster-secrets", label: "Create the namespace and Airflow's secrets", dependsOn: ["cluster", "database", "database-firewall"] },
  { key: "helm-release", label: "Install the Airflow Helm chart", dependsOn: ["cluster-secrets", "flux-extension", "subnet-access", "federated-credentials", "task-log-access"] },
  { key: "helm-ready", label: "Wait for the Helm release", dependsOn: ["helm-release"] },
  { key: "airflow-ingress", label: "Publish the Airflow UI at its https address", dependsOn: ["cluster-secrets", "routing-access"], only: "https" },
  { key: "dns-record", label: "Wait for the address to be in DNS", dependsOn: ["airflow-ingress"], only: "https" },
  { key: "airflow-health", label: "Check that Airflow is healthy", dependsOn: ["helm-ready", "dns-record", "hub-peering"] },
  { key: "sign-in-redirect", label: "Allow sign-in to Airflow with Entra ID", dependsOn: ["airflow-health"], only: "https" },
];

export const TEARDOWN_PLAN: readonly PlannedStep[] = [
  { key: "remove-sign-in-redirect", label: "Stop sign-in to Airflow with Entra ID", dependsOn: [], only: "https" },
  // Read from the cluster before it goes; also stops its external-dns from writing the record again.
  { key: "delete-role-assignments", label: "Remove the ingress's access to the DNS zone and certificate", dependsOn: [], only: "https" },
  // The hub's side lives in the platform's resource group, which the environment's deletion leaves alone.
  { key: "delete-hub-peering", label: "Remove the hub's peering with the environment's network", dependsOn: [] },
  { key: "delete-resource-group", label: "Delete the resource group and everything in it", dependsOn: ["delete-role-assignments"] },
  { key: "delete-dns-records", label: "Delete the address from DNS", dependsOn: ["delete-resource-group"], only: "https" },
  { key: "release-address-range", label: "Return the network's address range to the pool", dependsOn: ["delete-resource-group", "delete-hub-peering"] },
];

/**
 * A change to a running environment (executor, size), as approved with its what-if: the Azure
 * sizes first, then the release with the new values, then the disks the release stopped using.
 * Every step compares with what is there and writes only what differs: an environment built before
 * environments had a managed identity and task logs in Blob Storage gets them here; one that has
 * them is only read.
 */
export const UPDATE_PLAN: readonly PlannedStep[] = [
  { key: "workload-identity", label: "Create the environment's managed identity", dependsOn: [] },
  { key: "federated-credentials", label: "Let Airflow's service accounts sign in as the identity", dependsOn: ["workload-identity"] },
  { key: "task-log-storage", label: "Create the storage account for task logs", dependsOn: [] },
  { key: "task-log-access", label: "Let the identity write task logs", dependsOn: ["task-log-storage", "workload-identity"] },
  { key: "node-pool", label: "Resize the cluster's nodes", dependsOn: [] },
  { key: "database-size", label: "Resize the PostgreSQL server", dependsOn: [] },
  // Before anything migrates the metadata: a restore point to come back to.
  { key: "database-backup", label: "Back up the database before an upgrade", dependsOn: ["database-size"] },
  { key: "finished-jobs", label: "Clear the release's finished Jobs", dependsOn: [] },
  { key: "version-secrets", label: "Create the secrets the Airflow version needs", dependsOn: [] },
  { key: "helm-release", label: "Apply the changed Helm values", dependsOn: ["node-pool", "database-backup", "finished-jobs", "version-secrets", "federated-credentials", "task-log-access"] },
  { key: "helm-ready", label: "Wait for the Helm release", dependsOn: ["helm-release"] },
  { key: "delete-disks", label: "Delete the disks the change leaves behind", dependsOn: ["helm-ready"] },
  { key: "airflow-health", label: "Check that Airflow is healthy", dependsOn: ["helm-ready"] },
];

/** Hibernating: Flux leaves the release alone first, then the cluster stops, then the database. */
export const STOP_PLAN: readonly PlannedStep[] = [
  { key: "suspend-release", label: "Suspend the Helm release", dependsOn: [] },
  { key: "stop-cluster", label: "Stop the AKS cluster", dependsOn: ["suspend-release"] },
  { key: "stop-database", label: "Stop the PostgreSQL server", dependsOn: ["stop-cluster"] },
];

/**
 * Waking up: the database first, then the cluster, whose outbound addresses the database's firewall
 * is checked against again (a started cluster may have new ones), then Flux resumes the release.
 */
export const START_PLAN: readonly PlannedStep[] = [
  { key: "start-database", label: "Start the PostgreSQL server", dependsOn: [] },
  { key: "start-cluster", label: "Start the AKS cluster", dependsOn: ["start-database"] },
  { key: "database-firewall", label: "Open the database to the cluster only", dependsOn: ["start-cluster"], recheck: true, only: "public-database" },
  { key: "resume-release", label: "Resume the Helm release", dependsOn: ["database-firewall"] },
  { key: "helm-ready", label: "Wait for the Helm release", dependsOn: ["resume-release"] },
  { key: "airflow-health", label: "Check that Airflow is healthy", dependsOn: ["helm-ready"] },
];

/**
 * After a failed upgrade: the metadata database as it was before the upgrade, restored to a new
 * server (Azure restores only to a new one), opened to the cluster, Airflow's connection pointed at
 * it, and the chart and values from before the upgrade applied again. The failed server stays.
 */
export const RESTORE_PLAN: readonly PlannedStep[] = [
  { key: "restore-database", label: "Restore the database to a new server from before the upgrade", dependsOn: [] },
  { key: "database-firewall", label: "Open the restored database to the cluster only", dependsOn: ["restore-database"], recheck: true, only: "public-database" },
  { key: "metadata-connection", label: "Point Airflow's metadata connection at the restored server", dependsOn: ["restore-database", "database-firewall"] },
  { key: "node-pool", label: "Size the cluster's nodes as before the upgrade", dependsOn: [] },
  { key: "finished-jobs", label: "Clear the release's finished and failed Jobs", dependsOn: [] },
  { key: "helm-release", label: "Apply the chart and values from before the upgrade", dependsOn: ["metadata-connection", "node-pool", "finished-jobs"] },
  { key: "helm-ready", label: "Wait for the Helm release", dependsOn: ["helm-release"] },
  { key: "airflow-health", label: "Check that Airflow is healthy", dependsOn: ["helm-ready"] },
];

export const PLANS: Partial<Record<OperationKindName, readonly PlannedStep[]>> = {
  PROVISION: PROVISION_PLAN,
  UPDATE: UPDATE_PLAN,
  STOP: STOP_PLAN,
  START: START_PLAN,
  TEARDOWN: TEARDOWN_PLAN,
  RESTORE: RESTORE_PLAN,
};

export function planFor(kind: OperationKindName): readonly PlannedStep[] {
  const plan = PLANS[kind];
  if (!plan) throw new Error(`No plan for ${kind} operations yet`);
  return plan;
}

/** The label of a step key, for pages and logs; an unknown key reads as itself. */
export function stepLabel(kind: OperationKindName, key: string): string {
  return PLANS[kind]?.find((s) => s.key === key)?.label ?? key;
}
