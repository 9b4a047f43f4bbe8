import { describe, expect, it } from "vitest";
import {
  AIRFLOW_SECRET_NAMES,
  airflowHelmValues,
  environmentHelmValues,
  type AirflowReleaseSettings,
  type AirflowValuesInput,
  type EnvironmentValuesSpec,
} from "./airflow-values";

const base: AirflowValuesInput = { executor: "KubernetesExecutor", airflowVersion: "3.2.2", size: "small", dagSource: null };

describe("Airflow Helm values", () => {
  it("use the external metadata database directly, without the chart's PgBouncer, with every secret pinned by name", () => {
    const values = airflowHelmValues(base);
    expect(values).toMatchObject({
      executor: "KubernetesExecutor",
      airflowVersion: "3.2.2",
      defaultAirflowTag: "3.2.2",
      postgresql: { enabled: false },
      pgbouncer: { enabled: false },
      data: { metadataSecretName: AIRFLOW_SECRET_NAMES.metadata },
      fernetKeySecretName: AIRFLOW_SECRET_NAMES.fernetKey,
      apiSecretKeySecretName: AIRFLOW_SECRET_NAMES.apiSecretKey,
      jwtSecretName: AIRFLOW_SECRET_NAMES.jwt,
    });
    expect(JSON.stringify(values)).not.toMatch(/password|connection"|fernetKey"/i);
  });

  it("serve the UI from the API server on Airflow 3 and from the webserver on Airflow 2", () => {
    const three = airflowHelmValues(base);
    expect(three).toMatchObject({ apiServer: { service: { type: "LoadBalancer" } } });
    expect(three).not.toHaveProperty("webserver");
    const two = airflowHelmValues({ ...base, airflowVersion: "2.11.2" });
    expect(two).toMatchObject({ webserver: { service: { type: "LoadBalancer" } }, webserverSecretKeySecretName: AIRFLOW_SECRET_NAMES.webserverSecretKey });
    expect(two).not.toHaveProperty("apiServer");
    expect(two).not.toHaveProperty("jwtSecretName");
  });

  it("run the migration and user jobs as plain Jobs, not Helm hooks Flux's wait would never reach", () => {
    for (const executor of ["KubernetesExecutor", "CeleryExecutor", "LocalExecutor"] as const) {
      for (const airflowVersion of ["3.2.2", "2.11.2", "3.0.6", "2.10.5"]) {
        const values = airflowHelmValues({ ...base, executor, airflowVersion });
        expect(values.migrateDatabaseJob).toEqual({ useHelmHooks: false, applyCustomEnv: false });
        expect(values.createUserJob).toMatchObject({ useHelmHooks: false, applyCustomEnv: false });
      }
    }
  });

  it("never create the chart's admin/admin user, in the words of each chart version", () => {
    for (const airflowVersion of ["3.2.2", "2.11.2"]) {
      const values = airflowHelmValues({ ...base, airflowVersion });
      expect(values).toMatchObject({ createUserJob: { enabled: false } });
      expect(JSON.stringify(values)).not.toContain("defaultUser");
    }
    for (const airflowVersion of ["3.0.6", "2.10.5"]) {
      expect(airflowHelmValues({ ...base, airflowVersion })).toMatchObject({ webserver: { defaultUser: { enabled: false } } });
    }
  });

  it("put the UI behind an internal load balancer unless configured public", () => {
    const internal = airflowHelmValues(base) as { apiServer: { service: { annotations?: Record<string, string> } } };
    expect(internal.apiServer.service.annotations).toEqual({ "service.beta.kubernetes.io/azure-load-balancer-internal": "true" });
    const open = airflowHelmValues({ ...base, exposure: "public" }) as { apiServer: { service: object } };
    expect(open.apiServer.service).not.toHaveProperty("annotations");
  });

  it("mount the Entra sign-in config where each Airflow major reads it, with the OAuth client from a Secret", () => {
    const signIn = { authorityHost: "https://login.microsoftonline.com", tenantId: "t-1", roleMapping: { "0b7a6c3e-2f1d-4e5a-9c8b-7d6e5f4a3b21": "Op" as const } };
    const three = airflowHelmValues({ ...base, signIn }) as { apiServer: { apiServerConfig?: string }; extraEnvFrom?: string };
    expect(three.apiServer.apiServerConfig).toMatch(/AUTH_TYPE = AUTH_OAUTH/);
    expect(three.extraEnvFrom).toBe("- secretRef:\n    name: airflow-entra-oauth\n");
    const two = airflowHelmValues({ ...base, airflowVersion: "2.11.2", signIn }) as { webserver: { webserverConfig?: string } };
    expect(two.webserver.webserverConfig).toMatch(/AUTH_TYPE = AUTH_OAUTH/);
    expect(airflowHelmValues(base)).not.toHaveProperty("extraEnvFrom");
  });

  it("run Celery workers and their Redis only for the Celery executor, more of them for larger sizes", () => {
    expect(airflowHelmValues(base)).toMatchObject({ redis: { enabled: false } });
    expect(airflowHelmValues(base)).not.toHaveProperty("workers");
    const small = airflowHelmValues({ ...base, executor: "CeleryExecutor" });
    const large = airflowHelmValues({ ...base, executor: "CeleryExecutor", size: "large" });
    expect(small).toMatchObject({ redis: { enabled: true }, workers: { celery: { replicas: 1 } } });
    expect((large.workers as { celery: { replicas: number } }).celery.replicas).toBeGreaterThan(1);
    // Chart 1.18 knows these settings only directly under `workers`.
    const older = airflowHelmValues({ ...base, executor: "CeleryExecutor", airflowVersion: "3.0.6" });
    expect(older).toMatchObject({ workers: { replicas: 1, persistence: { size: "16Gi" } } });
    expect(older.workers).not.toHaveProperty("celery");
    expect(airflowHelmValues({ ...base, executor: "CeleryExecutor", chartVersion: "1.16.0" }).workers).not.toHaveProperty("celery");
  });

  it("size every disk from the size preset on AKS's managed-csi class", () => {
    const celery = airflowHelmValues({ ...base, executor: "CeleryExecutor", size: "medium" });
    const onDisk = { size: "32Gi", storageClassName: "managed-csi" };
    expect(celery).toMatchObject({
      triggerer: { persistence: onDisk },
      workers: { celery: { persistence: onDisk } },
      redis: { persistence: { size: "4Gi", storageClassName: "managed-csi" } },
    });
    // The Local executor's scheduler keeps task logs on a disk sized by the workers' settings.
    const local = airflowHelmValues({ ...base, executor: "LocalExecutor", size: "large" });
    expect(local).toMatchObject({ triggerer: { persistence: { size: "64Gi" } }, workers: { celery: { persistence: { size: "64Gi" } } } });
    expect((local.workers as { celery: object }).celery).not.toHaveProperty("replicas");
    expect(airflowHelmValues(base)).toMatchObject({ triggerer: { persistence: { size: "16Gi", storageClassName: "managed-csi" } } });
  });

  it("wire git-sync to the DAG repository when there is one", () => {
    expect(airflowHelmValues(base)).toMatchObject({ dags: { gitSync: { enabled: false } } });
    const synced = airflowHelmValues({ ...base, dagSource: { repoUrl: "https://github.com/org/dags.git", branch: "prod", subPath: "dags" } });
    expect(synced).toMatchObject({ dags: { gitSync: { enabled: true, repo: "https://github.com/org/dags.git", branch: "prod", subPath: "dags" } } });
    const root = airflowHelmValues({ ...base, dagSource: { repoUrl: "https://github.com/org/dags.git", branch: "main", subPath: null } });
    expect((root.dags as { gitSync: object }).gitSync).not.toHaveProperty("subPath");
  });

  it("put the managed identity's client id on the federated components' service accounts and the webhook's label on the pods", () => {
    expect(airflowHelmValues(base)).not.toHaveProperty("labels");
    const clientId = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    const values = airflowHelmValues({ ...base, executor: "CeleryExecutor", workloadIdentity: { clientId } });
    expect(values.labels).toEqual({ "azure.workload.identity/use": "true" });
    for (const component of ["scheduler", "triggerer", "dagProcessor", "workers", "apiServer"]) {
      expect(values[component], component).toMatchObject({ serviceAccount: { annotations: { "azure.workload.identity/client-id": clientId } } });
    }
    // Airflow 2's UI is the webserver; it has no standalone DAG processor of the chart's.
    const two = airflowHelmValues({ ...base, airflowVersion: "2.11.2", workloadIdentity: { clientId } });
    expect(two.webserver).toMatchObject({ serviceAccount: { annotations: { "azure.workload.identity/client-id": clientId } } });
    expect(two).not.toHaveProperty("dagProcessor");
    expect(values).not.toHaveProperty("webserver");
    // What the components had stays: the scheduler's resources, the Celery workers' settings, the UI's service.
    const without = airflowHelmValues({ ...base, executor: "CeleryExecutor" });
    expect(values.scheduler).toMatchObject(without.scheduler as object);
    expect(values.workers).toMatchObject(without.workers as object);
    expect(values.apiServer).toMatchObject(without.apiServer as object);
  });

  it("send task logs to the environment's blob container through the managed identity, with no key anywhere", () => {
    const clientId = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    const taskLogs = { blobEndpoint: "https://stsalesetl0a1b2c.blob.core.windows.net/", container: "airflow-logs", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" };
    const values = airflowHelmValues({ ...base, workloadIdentity: { clientId }, taskLogs });
    expect(values.config).toEqual({
      logging: { remote_logging: "True", remote_base_log_folder: "wasb-airflow-logs", remote_log_conn_id: "wasb_task_logs" },
      azure_remote_logging: { remote_wasb_log_container: "airflow-logs" },
    });
    const env = values.env as { name: string; value: string }[];
    expect(env.map((e) => e.name)).toEqual(["AIRFLOW_CONN_WASB_TASK_LOGS"]);
    expect(JSON.parse(env[0]!.value)).toEqual({
      conn_type: "wasb",
      host: taskLogs.blobEndpoint,
      extra: { managed_identity_client_id: clientId, workload_identity_tenant_id: taskLogs.tenantId },
    });
    expect(JSON.stringify(values)).not.toMatch(/AccountKey|password|sas_token|shared_access_key/i);
    // No component keeps logs on a disk then: the chart's log volumes go (Redis keeps its own).
    const celery = airflowHelmValues({ ...base, executor: "CeleryExecutor", chartVersion: "1.22.0", workloadIdentity: { clientId }, taskLogs });
    expect(celery.workers).toMatchObject({ celery: { persistence: { enabled: false } } });
    expect(celery.triggerer).toMatchObject({ persistence: { enabled: false } });
    expect(celery.redis).toMatchObject({ enabled: true, persistence: { size: "4Gi" } });
    const local = airflowHelmValues({ ...base, executor: "LocalExecutor", chartVersion: "1.18.0", workloadIdentity: { clientId }, taskLogs });
    expect(local.workers).toMatchObject({ persistence: { enabled: false } });
    expect(local.workers).not.toHaveProperty("celery");
    // Without the identity there is nothing to write as, so the logs stay where Airflow keeps them by default.
    expect(airflowHelmValues({ ...base, taskLogs })).not.toHaveProperty("config");
    expect(airflowHelmValues({ ...base, workloadIdentity: { clientId } })).not.toHaveProperty("env");
  });
});

describe("an environment's Helm values", () => {
  const spec: EnvironmentValuesSpec = { ...base, chartVersion: "1.22.0", team: { name: "Analytics", entraGroupId: "6F1C2A4E-1D5B-4C3E-9A7F-0D2B3C4D5E02" } };
  const plain: AirflowReleaseSettings = { helmRepositoryUrl: "https://airflow.apache.org", airflowExposure: "internal", airflowAccess: null };
  const https: AirflowReleaseSettings = {
    ...plain,
    airflowAccess: {
      adminGroupId: "3f7c9a2e-6b1d-4c8e-9f2a-7d5e4b3c2a10",
      teamRole: "Op",
      app: { authorityHost: "https://login.microsoftonline.com", tenantId: "contoso.onmicrosoft.com" },
    },
  };

  it("are the request's values behind the configured load balancer when no Airflow domain is set", () => {
    expect(environmentHelmValues(spec, plain)).toEqual(airflowHelmValues({ ...base, exposure: "internal" }));
    expect(environmentHelmValues(spec, { ...plain, airflowExposure: "public" })).toEqual(airflowHelmValues({ ...base, exposure: "public" }));
  });

  it("publish the UI through the ingress with Entra sign-in, the team and the platform admins mapped to their roles", () => {
    const values = environmentHelmValues(spec, https) as { apiServer: { service: object; apiServerConfig: string }; extraEnvFrom?: string };
    expect(values.apiServer.service).toEqual({ type: "ClusterIP" });
    expect(values.apiServer.apiServerConfig).toContain('"6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02": ["Op"]');
    expect(values.apiServer.apiServerConfig).toContain('"3f7c9a2e-6b1d-4c8e-9f2a-7d5e4b3c2a10": ["Admin"]');
    expect(values.apiServer.apiServerConfig).toContain("contoso.onmicrosoft.com");
    expect(values.extraEnvFrom).toMatch(/airflow-entra-oauth/);
  });

  it("follow the configured team role, and give a team that is the platform admins Admin only", () => {
    const users = environmentHelmValues(spec, { ...https, airflowAccess: { ...https.airflowAccess!, teamRole: "User" } }) as { apiServer: { apiServerConfig: string } };
    expect(users.apiServer.apiServerConfig).toContain('"6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02": ["User"]');
    const admins = { ...spec, team: { name: "Data Platform", entraGroupId: https.airflowAccess!.adminGroupId } };
    const config = (environmentHelmValues(admins, https) as { apiServer: { apiServerConfig: string } }).apiServer.apiServerConfig;
    expect(config.match(/\["(Admin|Op|User|Viewer)"\]/g)).toEqual(['["Admin"]']);
  });
});
