import {
  AIRFLOW_VERSIONS,
  airflowMajor,
  DISK_STORAGE_CLASS,
  releaseDisks,
  SIZE_PRESETS,
  type DiskComponent,
  type ExecutorName,
  type SizeName,
} from "@/lib/environments/catalog";
import { compare, newVersion } from "./engine/sprig/semver";
import { OAUTH_SECRET_NAME, webserverConfigPy, type AirflowRole, type AirflowSignIn } from "./airflow-sign-in";
import { taskLogsValues, type TaskLogsTarget } from "./task-logs-values";

/**
 * The values the portal gives the official Apache Airflow Helm chart for one environment. Secrets
 * are never values: the chart is given the names of Kubernetes Secrets the portal creates once in
 * the cluster, so these values can be shown, stored and diffed freely.
 */
export const AIRFLOW_SECRET_NAMES = {
  /** `connection`: the metadata database URL, with `sslmode=require`. */
  metadata: "airflow-metadata",
  /** `fernet-key`: encrypts connections and variables; rotating it makes them unreadable. */
  fernetKey: "airflow-fernet-key",
  /** Airflow 3: the API server's secret key and the JWT signing secret. */
  apiSecretKey: "airflow-api-secret-key",
  jwt: "airflow-jwt-secret",
  /** Airflow 2: the webserver's Flask secret key. */
  webserverSecretKey: "airflow-webserver-secret-key",
} as const;

export interface AirflowValuesInput {
  executor: ExecutorName;
  airflowVersion: string;
  /**
   * The chart version the values are for (an environment records its own); by default the one the
   * catalog maps the Airflow version to. Chart 1.22 moved the Celery worker settings under
   * `workers.celery` and reports the old keys as deprecated.
   */
  chartVersion?: string;
  size: SizeName;
  dagSource: { repoUrl: string; branch: string; subPath: string | null } | null;
  /**
   * How the Airflow UI is reached: an internal Azure load balancer (the default), a public one, or
   * only through the cluster's ingress (the application routing add-on) at an https address.
   */
  exposure?: "internal" | "public" | "ingress";
  /** Sign-in with Entra ID (FAB OAuth); without it the UI keeps Airflow's own login, with no user created. */
  signIn?: AirflowSignIn;
  /** The environment's managed identity, which the service accounts of Azure-facing components sign in as. */
  workloadIdentity?: { clientId: string } | null;
  /** Where task logs go (with the identity above); without it they stay on the pods' and disks' own files. */
  taskLogs?: TaskLogsTarget | null;
}

/** The label Azure Workload Identity's webhook acts on, and the annotation naming the identity a service account signs in as. */
export const WORKLOAD_IDENTITY_LABEL = "azure.workload.identity/use";
export const WORKLOAD_IDENTITY_CLIENT_ID = "azure.workload.identity/client-id";

/**
 * The chart's components whose service accounts are federated with the identity
 * (lib/provisioning/steps/workload-identity.ts), as each Airflow major runs them: Airflow 3's DAG
 * processor and API server, Airflow 2's webserver.
 */
const azureComponents = (airflowVersion: string) =>
  ["scheduler", "triggerer", "workers", ...(airflowMajor(airflowVersion) >= 3 ? ["dagProcessor", "apiServer"] : ["webserver"])];

/**
 * Workload identity in the values: the federated components' service accounts carry the identity's
 * client id, and the release's pods the label the webhook acts on (it projects the token and sets
 * AZURE_CLIENT_ID; a pod whose account is not federated gets a token nothing trusts). The label is
 * the chart's global one: chart 1.18 has no labels of the DAG processor's own.
 */
function withWorkloadIdentity(values: Record<string, unknown>, airflowVersion: string, clientId: string, taskLogs: TaskLogsTarget | null): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values, labels: { [WORKLOAD_IDENTITY_LABEL]: "true" }, ...(taskLogs ? taskLogsValues(taskLogs, clientId) : {}) };
  for (const component of azureComponents(airflowVersion)) {
    const current = (out[component] ?? {}) as Record<string, unknown>;
    out[component] = { ...current, serviceAccount: { annotations: { [WORKLOAD_IDENTITY_CLIENT_ID]: clientId } } };
  }
  return out;
}

/** Azure's cloud provider puts a LoadBalancer Service with this annotation on the cluster's VNet only. */
export const INTERNAL_LOAD_BALANCER_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal";

interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Per size: what the always-on components ask for (how many Celery workers run is the size preset's). */
const SIZE_RESOURCES: Record<SizeName, { scheduler: Resources; ui: Resources; worker: Resources }> = {
  small: {
    scheduler: resources("500m", "1Gi", "1", "2Gi"),
    ui: resources("250m", "1Gi", "1", "2Gi"),
    worker: resources("500m", "1Gi", "1", "2Gi"),
  },
  medium: {
    scheduler: resources("1", "2Gi", "2", "4Gi"),
    ui: resources("500m", "1Gi", "1", "2Gi"),
    worker: resources("1", "2Gi", "2", "4Gi"),
  },
  large: {
    scheduler: resources("2", "4Gi", "4", "8Gi"),
    ui: resources("1", "2Gi", "2", "4Gi"),
    worker: resources("2", "4Gi", "4", "8Gi"),
  },
};

/** The chart version whose keys the values use: the given one, else the catalog's for the Airflow version. */
function targetChartVersion(input: AirflowValuesInput): string | null {
  return input.chartVersion ?? AIRFLOW_VERSIONS.find((v) => v.version === input.airflowVersion)?.chartVersion ?? null;
}

/**
 * The chart's persistence settings for each disk `releaseDisks` lists, and nothing else: the sizes
 * the cost estimate counts are the sizes the chart is given. The scheduler's log disk (Local
 * executor) takes its size and class from the Celery workers' persistence settings, as the chart
 * reads them for both.
 */
function diskValues(input: AirflowValuesInput, celeryKeys: boolean) {
  // Logs go to Blob Storage only through the identity: without it, they stay on the disks.
  const taskLogs = Boolean(input.workloadIdentity && input.taskLogs);
  const disks = new Map<DiskComponent, number>(releaseDisks({ ...input, taskLogs }).map((d) => [d.component, d.sizeGiB]));
  const persistence = (sizeGiB: number) => ({ size: `${sizeGiB}Gi`, storageClassName: DISK_STORAGE_CLASS });
  const triggerer = disks.get("triggerer");
  const redis = disks.get("redis");
  const logs = disks.get("workers") ?? disks.get("scheduler");
  // The chart gives Celery workers (and the Local executor's scheduler) a log disk unless told not to.
  const keepsLogs = input.executor === "CeleryExecutor" || input.executor === "LocalExecutor";
  const workerPersistence = logs !== undefined ? persistence(logs) : keepsLogs ? { enabled: false } : undefined;
  return {
    triggerer: triggerer === undefined ? { persistence: { enabled: false } } : { persistence: persistence(triggerer) },
    redisPersistence: redis === undefined ? undefined : persistence(redis),
    workers: workerPersistence === undefined ? {} : celeryKeys ? { celery: { persistence: workerPersistence } } : { persistence: workerPersistence },
  };
}

export function airflowHelmValues(input: AirflowValuesInput): Record<string, unknown> {
  const values = releaseValues(input);
  return input.workloadIdentity ? withWorkloadIdentity(values, input.airflowVersion, input.workloadIdentity.clientId, input.taskLogs ?? null) : values;
}

function releaseValues(input: AirflowValuesInput): Record<string, unknown> {
  const size = SIZE_RESOURCES[input.size];
  const chartVersion = targetChartVersion(input);
  // Chart 1.22 renamed keys the portal sets (Celery worker settings under `workers.celery`, the
  // default user under `createUserJob`) and prints a deprecation warning for each old one.
  const renamedKeys = chartVersion !== null && compare(newVersion(chartVersion), newVersion("1.22.0")) >= 0;
  const celeryKeys = renamedKeys;
  const disks = diskValues(input, celeryKeys);
  const airflow3 = airflowMajor(input.airflowVersion) >= 3;
  // Airflow 3 serves the UI from the API server; Airflow 2 from the webserver.
  const exposure = input.exposure ?? "internal";
  const ui = {
    service:
      exposure === "ingress"
        ? { type: "ClusterIP" }
        : { type: "LoadBalancer", ...(exposure === "internal" ? { annotations: { [INTERNAL_LOAD_BALANCER_ANNOTATION]: "true" } } : {}) },
    resources: size.ui,
  };
  // The chart's admin/admin user is never created: people sign in with their own accounts.
  const noDefaultUser = renamedKeys ? {} : { defaultUser: { enabled: false } };
  const signInConfig = input.signIn ? webserverConfigPy(input.signIn) : undefined;
  const celery = input.executor === "CeleryExecutor";

  return {
    executor: input.executor,
    airflowVersion: input.airflowVersion,
    defaultAirflowTag: input.airflowVersion,
    // The metadata database is the Azure PostgreSQL flexible server, reached directly. The chart's
    // PgBouncer would not carry these connections: its pgbouncer.ini is generated from
    // `data.metadataConnection` (the chart's own PostgreSQL), not from the Secret named below. Each
    // size's server allows far more connections than Airflow's pools open (see the README).
    postgresql: { enabled: false },
    pgbouncer: { enabled: false },
    data: { metadataSecretName: AIRFLOW_SECRET_NAMES.metadata },
    // Pinned, so an upgrade or reinstall never generates a new key over encrypted data.
    fernetKeySecretName: AIRFLOW_SECRET_NAMES.fernetKey,
    ...(airflow3
      ? {
          apiSecretKeySecretName: AIRFLOW_SECRET_NAMES.apiSecretKey,
          jwtSecretName: AIRFLOW_SECRET_NAMES.jwt,
          apiServer: { ...ui, ...(signInConfig ? { apiServerConfig: signInConfig } : {}) },
          ...(renamedKeys ? {} : { webserver: noDefaultUser }),
        }
      : {
          webserverSecretKeySecretName: AIRFLOW_SECRET_NAMES.webserverSecretKey,
          webserver: { ...ui, ...noDefaultUser, ...(signInConfig ? { webserverConfig: signInConfig } : {}) },
        }),
    // The OAuth client's id and secret, from a Secret the portal writes in the cluster.
    ...(signInConfig ? { extraEnvFrom: `- secretRef:\n    name: ${OAUTH_SECRET_NAME}\n` } : {}),
    // Flux waits for the release's pods before it runs post-install hooks, while those pods wait
    // in an init container for the migrations: as hooks, the two jobs would never run and every
    // install would time out. As plain Jobs they run beside the Deployments, as the chart's docs
    // require for Flux, Argo CD and `helm --wait`; without custom env they need no hook ordering.
    migrateDatabaseJob: { useHelmHooks: false, applyCustomEnv: false },
    createUserJob: { ...(renamedKeys ? { enabled: false } : {}), useHelmHooks: false, applyCustomEnv: false },
    scheduler: { resources: size.scheduler },
    triggerer: disks.triggerer,
    // Redis is the Celery broker; the other executors have no use for it.
    redis: { enabled: celery, ...(disks.redisPersistence ? { persistence: disks.redisPersistence } : {}) },
    ...workerValues(celery, celeryKeys, SIZE_PRESETS[input.size].celeryWorkers, size.worker, disks.workers),
    dags: {
      gitSync: input.dagSource
        ? {
            enabled: true,
            repo: input.dagSource.repoUrl,
            branch: input.dagSource.branch,
            ...(input.dagSource.subPath ? { subPath: input.dagSource.subPath } : {}),
          }
        : { enabled: false },
    },
  };
}

/**
 * `workers`: the Celery workers' count and resources, and the log disk settings the Celery workers
 * and the Local executor's scheduler share; nothing for the Kubernetes executor.
 */
function workerValues(
  celery: boolean,
  celeryKeys: boolean,
  replicas: number,
  resources: Resources,
  disks: { celery?: { persistence: object }; persistence?: object },
): { workers?: Record<string, unknown> } {
  const workers: Record<string, unknown> = { ...disks };
  if (celery && celeryKeys) workers.celery = { ...(disks.celery ?? {}), replicas, resources };
  else if (celery) Object.assign(workers, { replicas, resources });
  return Object.keys(workers).length > 0 ? { workers } : {};
}

/** Airflow sign-in with Entra ID, as configured for the platform (the non-secret part). */
export interface AirflowSignInSettings {
  /** Members of this group are Admin in every Airflow. */
  adminGroupId: string;
  /** The Airflow role of the environment's own team. */
  teamRole: AirflowRole;
  app: { authorityHost: string; tenantId: string };
}

/**
 * What decides an environment's release besides its request: where the chart comes from, how the
 * UI is exposed, and sign-in. The portal and the worker read the same settings (lib/config), so
 * the values a page shows, the ones a request is checked with and the ones applied are the same.
 */
export interface AirflowReleaseSettings {
  helmRepositoryUrl: string;
  airflowExposure: "internal" | "public";
  /** Null: the UI stays behind its load balancer, with no sign-in configured. */
  airflowAccess: AirflowSignInSettings | null;
}

/** What an environment's values are made of: its request, the chart version it records, and its team. */
export interface EnvironmentValuesSpec {
  executor: ExecutorName;
  airflowVersion: string;
  chartVersion: string;
  size: SizeName;
  dagSource: AirflowValuesInput["dagSource"];
  team: { name: string; entraGroupId: string };
  /** Absent for an environment built before it had one, and in a what-if of a request. */
  workloadIdentity?: { clientId: string } | null;
  /** Where its task logs go: absent like the identity, and for an environment built before its storage account. */
  taskLogs?: TaskLogsTarget | null;
}

/** Who gets which Airflow role: the team its configured role, the platform admins Admin (Admin wins). */
export function airflowRoles(
  a: Pick<AirflowSignInSettings, "adminGroupId" | "teamRole">,
  team: { name: string; entraGroupId: string },
): Array<{ groupId: string; who: string; role: AirflowRole }> {
  const group = team.entraGroupId.toLowerCase();
  if (group === a.adminGroupId) return [{ groupId: group, who: `Team ${team.name} (platform admins)`, role: "Admin" }];
  return [
    { groupId: group, who: `Team ${team.name}`, role: a.teamRole },
    { groupId: a.adminGroupId, who: "Platform admins", role: "Admin" },
  ];
}

/** The Helm values of one environment under the platform's settings: what is shown, checked and applied. */
export function environmentHelmValues(spec: EnvironmentValuesSpec, settings: AirflowReleaseSettings): Record<string, unknown> {
  const access = settings.airflowAccess;
  return airflowHelmValues({
    executor: spec.executor,
    airflowVersion: spec.airflowVersion,
    chartVersion: spec.chartVersion,
    size: spec.size,
    dagSource: spec.dagSource,
    workloadIdentity: spec.workloadIdentity ?? null,
    taskLogs: spec.taskLogs ?? null,
    exposure: access ? "ingress" : settings.airflowExposure,
    signIn: access
      ? {
          authorityHost: access.app.authorityHost,
          tenantId: access.app.tenantId,
          roleMapping: Object.fromEntries(airflowRoles(access, spec.team).map((r) => [r.groupId, r.role])),
        }
      : undefined,
  });
}
