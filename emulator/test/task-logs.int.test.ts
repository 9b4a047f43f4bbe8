import { randomUUID } from "node:crypto";
import http from "node:http";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { StorageManagementClient } from "@azure/arm-storage";
import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowHelmValues } from "@/lib/helm/airflow-values";
import { airflowSecrets, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { msiClient, type Identity } from "./msi-client.js";
import { airflowCharts, eventually, needs, POLL, SUBSCRIPTION, startTestEmulator, type TestEmulator } from "./support.js";

/**
 * Task logs through the environment's managed identity: the stand-in Airflow runs a task in a pod
 * of the official chart's rendering, the workload identity webhook gives it the identity, the log
 * goes to Blob Storage, and the UI reads it back after the pod is gone. Real SDK clients throughout.
 */
let env: TestEmulator;
let core: CoreV1Api;
let identity: Identity;
let issuer: string;
let clusterKey: string;
let blobEndpoint: string;
let accountId: string;
let airflowPort: number;
const assignment = randomUUID();

const GROUP = "rg-logs";
const ACCOUNT = "stairflowlogs";
const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const SERVICE_ACCOUNTS = ["scheduler", "triggerer", "dag-processor", "worker", "api-server", "webserver"];

type Run = { state: string; pod: string; logLocation: string | null; error?: string; runId: string; tryNumber: number };
const runTask = (body: Record<string, unknown>) => env.control<Run>("POST", `clusters/${clusterKey}/airflow/task-runs`, body);
const blobs = async () => (await env.control<{ blobs: { container: string; name: string; content: string }[] }>("GET", `storage/${ACCOUNT}/blobs`)).blobs;
const federate = (sa: string, subject = `system:serviceaccount:airflow:airflow-${sa}`) =>
  msiClient(env).federatedIdentityCredentials.createOrUpdate(GROUP, "id-airflow", `airflow-${sa}`, { properties: { issuer, subject, audiences: ["api://AzureADTokenExchange"] } });
const grant = () =>
  new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions).roleAssignments.create(accountId, assignment, {
    principalId: identity.properties!.principalId!,
    roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
    principalType: "ServicePrincipal",
  });

type LogLine = { event: string; sources?: string[] };
/** The stand-in Airflow 3's log route (plain HTTP, its own port): status and JSON. */
const readLog = (dagId: string, runId: string, taskId: string, tryNumber: number) =>
  new Promise<{ status: number; body: { content?: LogLine[]; continuation_token?: string; detail?: string } }>((resolve, reject) => {
    const path = `/api/v2/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${encodeURIComponent(taskId)}/logs/${tryNumber}`;
    http.get({ host: "127.0.0.1", port: airflowPort, path, agent: false, timeout: 10_000 }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }));
    }).on("error", reject);
  });
const RUN = "manual__2025-06-01T10:00:00+00:00";

beforeAll(async () => {
  env = await startTestEmulator();
  if (!airflowCharts.ok) return;
  const cluster = await provisionCluster(env, GROUP, "aks-logs");
  await provisionDatabase(env, GROUP, "aks-logs");
  core = cluster.kc.makeApiClient(CoreV1Api);
  const state = await env.control<{ clusters: { key: string; armId: string }[] }>("GET", "state");
  clusterKey = state.clusters.find((c) => c.armId.endsWith("/aks-logs"))!.key;
  issuer = (await new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions).managedClusters.get(GROUP, "aks-logs")).oidcIssuerProfile!.issuerURL!;
  identity = await msiClient(env).userAssignedIdentities.createOrUpdate(GROUP, "id-airflow", { location: "westeurope" });
  for (const sa of SERVICE_ACCOUNTS) await federate(sa);
  const storage = new StorageManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  const account = await storage.storageAccounts.beginCreateAndWait(GROUP, ACCOUNT, { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" }, allowSharedKeyAccess: false }, POLL);
  accountId = account.id!;
  blobEndpoint = account.primaryEndpoints!.blob!;
  await storage.blobContainers.create(GROUP, ACCOUNT, "airflow-logs", {});
  await grant();

  const values = airflowHelmValues({
    executor: "KubernetesExecutor",
    airflowVersion: "3.0.2",
    size: "small",
    dagSource: null,
    workloadIdentity: { clientId: identity.properties!.clientId! },
    taskLogs: { blobEndpoint, container: "airflow-logs", tenantId: TENANT_ID },
  });
  const objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  await core.createNamespace({ body: { metadata: { name: "airflow" } } });
  for (const secret of airflowSecrets("airflow")) await objects.create(secret);
  const apply = (obj: object) => objects.patch(obj as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
  await apply(helmRepository("airflow"));
  await apply(helmRelease(values, "airflow", "airflow"));
  const site = await eventually(async () => {
    const s = await env.control<{ airflow: { clusterKey: string; port: number }[]; clusters: unknown[] }>("GET", "state");
    const hr = await objects.read<KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } }>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
    const ready = hr.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    return ready ? s.airflow.find((a) => a.clusterKey === clusterKey) : undefined;
  }, 60_000, "the release to be installed");
  airflowPort = site.port;
}, 120_000);
afterAll(() => env?.close());

describe("a task run by the stand-in Airflow", () => {
  it("runs in a pod the webhook gave the identity, writes its log to Blob Storage, and its pod is gone", async (ctx) => {
    needs(airflowCharts, ctx);
    const run = await runTask({ dagId: "example_dag", taskId: "hello", runId: RUN });
    expect(run).toMatchObject({ state: "success", tryNumber: 1 });
    expect(run.error).toBeUndefined();
    expect(run.pod).toMatch(/^example-dag-hello-[0-9a-f]{8}$/);
    const path = "wasb-airflow-logs/dag_id=example_dag/run_id=manual__2025-06-01T10:00:00+00:00/task_id=hello/attempt=1.log";
    expect(decodeURIComponent(run.logLocation ?? "")).toBe(`${blobEndpoint}airflow-logs/${path}`);
    const gone = await core.readNamespacedPod({ name: run.pod, namespace: "airflow" }).then(() => 200, (e: ApiException<unknown>) => e.code);
    expect(gone).toBe(404);
    const stored = (await blobs()).find((b) => b.name === path);
    expect(stored?.container).toBe("airflow-logs");
    expect(stored?.content).toContain("Hello from example_dag.hello");
    expect(stored?.content).toContain(run.pod);

    // A second run of the same task instance is its next try.
    const again = await runTask({ dagId: "example_dag", taskId: "hello", runId: RUN });
    expect(again).toMatchObject({ state: "success", tryNumber: 2 });
    expect((await blobs()).map((b) => b.name)).toContain(path.replace("attempt=1", "attempt=2"));
  });

  it("serves the log from Blob Storage after the pod is gone, through the API server's own identity; an unknown task instance is 404", async (ctx) => {
    needs(airflowCharts, ctx);
    const run = await runTask({ dagId: "example_dag", taskId: "served", runId: RUN });
    expect(run.state).toBe("success");
    // The UI reads as its own pod: the webhook gave the API server the identity too.
    const ui = (await core.listNamespacedPod({ namespace: "airflow", labelSelector: "component=api-server" })).items[0];
    expect(ui?.spec?.containers[0]?.env?.find((e) => e.name === "AZURE_CLIENT_ID")?.value).toBe(identity.properties!.clientId);

    const log = await readLog("example_dag", RUN, "served", 1);
    expect(log.status).toBe(200);
    const [group, end, ...lines] = log.body.content ?? [];
    expect(group?.event).toBe("::group::Log message source details");
    expect(group?.sources).toEqual(["Found remote logs:", `  * https://airflow-logs.blob.core.windows.net/wasb-airflow-logs/dag_id=example_dag/run_id=${RUN}/task_id=served/attempt=1.log`]);
    expect(end?.event).toBe("::endgroup::");
    expect(lines.map((l) => l.event)).toContain("Hello from example_dag.served");
    expect(lines.map((l) => l.event)).toContain(`Task instance is in running state on host ${run.pod}`);
    expect(typeof log.body.continuation_token).toBe("string");

    // Another try of it was never run: nothing in the store for it.
    const missingTry = await readLog("example_dag", RUN, "served", 7);
    expect(missingTry.status).toBe(200);
    expect(missingTry.body.content?.[0]?.sources?.at(-1)).toMatch(/^No logs found in WASB/);
    const unknown = await readLog("example_dag", RUN, "never_ran", 1);
    expect(unknown).toEqual({ status: 404, body: { detail: "TaskInstance not found" } });
  });

  it("fails with Entra's AADSTS70021 when the worker's federated credential names another subject, and writes nothing", async (ctx) => {
    needs(airflowCharts, ctx);
    await federate("worker", "system:serviceaccount:airflow:someone-else");
    try {
      const before = (await blobs()).length;
      const run = await runTask({ dagId: "example_dag", taskId: "federation" });
      expect(run.state).toBe("failed");
      expect(run.logLocation).toBeNull();
      expect(run.error).toContain("AADSTS70021: No matching federated identity record found for presented assertion.");
      expect(run.error).toContain("Assertion Subject: 'system:serviceaccount:airflow:airflow-worker'");
      expect((await blobs()).length).toBe(before);
      const gone = await core.readNamespacedPod({ name: run.pod, namespace: "airflow" }).then(() => 200, (e: ApiException<unknown>) => e.code);
      expect(gone).toBe(404);
    } finally {
      await federate("worker");
    }
  });

  it("fails with AuthorizationPermissionMismatch when the identity holds no data role on the account", async (ctx) => {
    needs(airflowCharts, ctx);
    await new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions).roleAssignments.delete(accountId, assignment);
    try {
      const run = await runTask({ dagId: "example_dag", taskId: "no_role" });
      expect(run.state).toBe("failed");
      expect(run.error).toContain("AuthorizationPermissionMismatch");
      expect((await blobs()).some((b) => b.name.includes("task_id=no_role"))).toBe(false);
      // The UI reads as the same identity: the log written before cannot be read now, and Airflow says why.
      const log = await readLog("example_dag", RUN, "hello", 1);
      expect(log.status).toBe(200);
      const sources = log.body.content?.[0]?.sources ?? [];
      expect(sources[0]).toBe(`tried listing blobs with prefix=wasb-airflow-logs/dag_id=example_dag/run_id=${RUN}/task_id=hello/attempt=1.log and container=airflow-logs`);
      expect(sources[1]).toContain("could not list blobs");
      expect(sources[1]).toContain("AuthorizationPermissionMismatch");
      expect(log.body.content?.map((l) => l.event)).not.toContain("Hello from example_dag.hello");
    } finally {
      await grant();
    }
  });
});
