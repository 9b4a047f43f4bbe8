import type { DerivedNames } from "@/lib/environments/naming";
import { TASK_LOG_CONTAINER, type TaskLogsTarget } from "@/lib/helm/task-logs-values";

/**
 * An environment built before environments had a managed identity and task logs in Blob Storage
 * gets both with its next change (the change's steps create them; one that has them only reads
 * them). The what-if shows the values as they will be, with the ids Azure has yet to give in words.
 */
export interface SeedAdoption {
  workloadIdentity: { clientId: string };
  taskLogs: TaskLogsTarget;
  azure: { resource: string; property: string; before: string; after: string }[];
  consequence: string;
}

export function seedAdoption(spec: { names: Pick<DerivedNames, "identity" | "storageAccount">; workloadIdentity?: { clientId: string } | null }): SeedAdoption | null {
  if (spec.workloadIdentity) return null;
  const { identity, storageAccount } = spec.names;
  return {
    workloadIdentity: { clientId: `(the client id of ${identity})` },
    // Azure's address for the account; the one it reports is applied.
    taskLogs: { blobEndpoint: `https://${storageAccount}.blob.core.windows.net/`, container: TASK_LOG_CONTAINER, tenantId: "(the identity's tenant)" },
    azure: [
      { resource: "Managed identity", property: identity, before: "none", after: "created, with federated credentials for Airflow's service accounts" },
      { resource: "Storage account", property: storageAccount, before: "none", after: `created (no shared keys, TLS 1.2, nothing public), container ${TASK_LOG_CONTAINER}; the identity may write there` },
    ],
    consequence:
      "This environment was built before environments had a managed identity and task logs in Blob Storage: this change creates both, and from then on every task's log is kept in the storage account. The logs on the log disks are not copied; those disks are deleted with the change.",
  };
}
