import type { StepRun } from "../context";
import { allowSignInRedirect, deleteDnsRecords, grantRoutingAccess, publishIngress, removeSignInRedirect, revokeRoutingAccess, waitForDnsRecord } from "./airflow-access";
import { checkAirflowHealth } from "./airflow-health";
import { createCluster } from "./cluster";
import { createClusterSecrets, createVersionSecrets } from "./cluster-secrets";
import { createAirflowDatabase, createDatabaseServer } from "./database";
import { openDatabaseToCluster } from "./database-firewall";
import { installFluxExtension } from "./flux-extension";
import { applyHelmRelease, waitForHelmRelease } from "./helm";
import { deleteFinishedJobs, deleteLeftBehindDisks } from "./disks";
import { resumeRelease, startCluster, startDatabaseServer, stopCluster, stopDatabaseServer, suspendRelease } from "./power";
import { createResourceGroup } from "./resource-group";
import { repointMetadataConnection, restoreDatabaseServer } from "./restore";
import { backUpBeforeUpgrade, resizeDatabaseServer, resizeNodePool } from "./scale";
import { createDatabaseDnsZone, createSpokeNetwork, deleteHubPeering, grantSubnetAccess, peerWithHub, releaseAddressRange } from "./spoke-network";
import { createTaskLogStorage, grantTaskLogAccess } from "./task-logs";
import { deleteResourceGroup } from "./teardown";
import { createWorkloadIdentity, federateServiceAccounts } from "./workload-identity";

/** The code behind each step key of lib/provisioning/plan.ts. */
export const STEP_RUNS: Record<string, StepRun> = {
  "resource-group": createResourceGroup,
  "spoke-network": createSpokeNetwork,
  "hub-peering": peerWithHub,
  "database-dns": createDatabaseDnsZone,
  "subnet-access": grantSubnetAccess,
  "delete-hub-peering": deleteHubPeering,
  "release-address-range": releaseAddressRange,
  cluster: createCluster,
  "database-server": createDatabaseServer,
  database: createAirflowDatabase,
  "flux-extension": installFluxExtension,
  "database-firewall": openDatabaseToCluster,
  "cluster-secrets": createClusterSecrets,
  "helm-release": applyHelmRelease,
  "helm-ready": waitForHelmRelease,
  "routing-access": grantRoutingAccess,
  "airflow-ingress": publishIngress,
  "dns-record": waitForDnsRecord,
  "airflow-health": checkAirflowHealth,
  "sign-in-redirect": allowSignInRedirect,
  "remove-sign-in-redirect": removeSignInRedirect,
  "delete-role-assignments": revokeRoutingAccess,
  "delete-resource-group": deleteResourceGroup,
  "delete-dns-records": deleteDnsRecords,
  "node-pool": resizeNodePool,
  "database-size": resizeDatabaseServer,
  "database-backup": backUpBeforeUpgrade,
  "delete-disks": deleteLeftBehindDisks,
  "finished-jobs": deleteFinishedJobs,
  "version-secrets": createVersionSecrets,
  "suspend-release": suspendRelease,
  "stop-cluster": stopCluster,
  "stop-database": stopDatabaseServer,
  "start-database": startDatabaseServer,
  "start-cluster": startCluster,
  "resume-release": resumeRelease,
  "restore-database": restoreDatabaseServer,
  "metadata-connection": repointMetadataConnection,
  "workload-identity": createWorkloadIdentity,
  "federated-credentials": federateServiceAccounts,
  "task-log-storage": createTaskLogStorage,
  "task-log-access": grantTaskLogAccess,
};
