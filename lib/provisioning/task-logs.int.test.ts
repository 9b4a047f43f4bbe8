import { get } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { CoreV1Api } from "@kubernetes/client-node";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import type { ArmClients } from "@/lib/azure/clients";
import { tearDownEnvironment } from "@/lib/environments/teardown-environment";
import { emulatorAzureEnv } from "@/scripts/support/stack";
import { withTestDatabase } from "@/scripts/test-support/db";
import { requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";
import { readDeployed, type Deployed } from "./deployed";
import { kubeConfigForCluster } from "./steps/cluster-access";

/**
 * Task logs through real workers: an environment the engine built runs a task (the emulated
 * executor's pod, with the workload identity webhook's env), whose log Airflow's remote logging
 * writes to the environment's container as its managed identity, and whose UI reads it back after
 * the pod is gone. Nothing of it outlives the environment.
 */
const database = withTestDatabase();
let h: EngineHarness;
let deployed: Deployed;
let environmentId: string;
let clusterKey: string;

type Run = { state: "success" | "failed"; pod: string; logLocation: string | null; error?: string };
type State = { clusters: { key: string; armId: string }[]; airflow: { clusterKey: string; port: number }[]; resources: { id: string }[] };
type Blobs = { blobs: { container: string; name: string; content: string }[] };

const NAME = "tasklogs";
const state = () => h.emulator.control<State>("GET", "state");
const runTask = (taskId: string) => h.emulator.control<Run>("POST", `clusters/${clusterKey}/airflow/task-runs`, { dagId: "etl", taskId, runId: "manual__2026-12-08T09:00:00+00:00" });
const blobs = async () => (await h.emulator.control<Blobs>("GET", `storage/${deployed.taskLogs!.account}/blobs`)).blobs;

/** The stand-in Airflow's REST API, as the UI asks it for a task's log (Airflow 3). */
async function logOf(taskId: string): Promise<{ status: number; body: string }> {
  const port = (await state()).airflow.find((a) => a.clusterKey === clusterKey)!.port;
  const path = `/api/v2/dags/etl/dagRuns/${encodeURIComponent("manual__2026-12-08T09:00:00+00:00")}/taskInstances/${taskId}/logs/1`;
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  h.startWorker();
  environmentId = await requestAndApprove(database.prisma, h, NAME, { executor: "KubernetesExecutor" });
  await waitForStatus(database.prisma, environmentId, ["READY"], 150_000);
  deployed = readDeployed((await database.prisma.environment.findUniqueOrThrow({ where: { id: environmentId } })).deployed)!;
  clusterKey = (await state()).clusters.find((c) => c.armId.endsWith(`/aks-airflow-${NAME}`))!.key;
}, 200_000);
afterAll(() => h?.close());

describe("task logs in Blob Storage", () => {
  it("keeps a task's log, written as the environment's identity, after its pod is gone, and Airflow's UI shows it", async () => {
    const run = await runTask("extract");
    expect(run, run.error).toMatchObject({ state: "success" });
    const name = "wasb-airflow-logs/dag_id=etl/run_id=manual__2026-12-08T09:00:00+00:00/task_id=extract/attempt=1.log";
    expect(decodeURIComponent(run.logLocation ?? "")).toBe(`${deployed.taskLogs!.blobEndpoint}airflow-logs/${name}`);

    // The pod that ran it is gone…
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const aks = new ContainerServiceClient(h.emulator.credential, sub, h.emulator.clientOptions);
    const kc = await kubeConfigForCluster({ aks } as unknown as ArmClients, h.emulator.credential, `rg-airflow-${NAME}`, `aks-airflow-${NAME}`);
    const gone = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: run.pod, namespace: "airflow" }).then(() => 200, (e: { code?: number }) => e.code);
    expect(gone).toBe(404);
    // …its log is in the environment's container…
    const log = (await blobs()).find((b) => b.container === "airflow-logs" && b.name === name);
    expect(log?.content).toContain("Hello from etl.extract");
    expect(log?.content).toContain(run.pod);
    // …and the UI reads it there, as its own identity.
    const shown = await logOf("extract");
    expect(shown.status).toBe(200);
    expect(shown.body).toContain("Hello from etl.extract");
  });

  it("fails the log's write in Entra's words when the worker's federated credential names another account", async () => {
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const msi = new ManagedServiceIdentityClient(h.emulator.credential, sub, h.emulator.clientOptions);
    const rg = `rg-airflow-${NAME}`;
    const identity = `id-airflow-${NAME}`;
    const right = await msi.federatedIdentityCredentials.get(rg, identity, "airflow-worker");
    await msi.federatedIdentityCredentials.createOrUpdate(rg, identity, "airflow-worker", { ...right, subject: "system:serviceaccount:airflow:someone-else" });
    const before = (await blobs()).length;
    const run = await runTask("load");
    expect(run.state).toBe("failed");
    expect(run.error).toMatch(/AADSTS70021: No matching federated identity record found for presented assertion/);
    expect(run.error).toContain("Assertion Subject: 'system:serviceaccount:airflow:airflow-worker'");
    expect((await blobs()).length).toBe(before);
    expect((await logOf("load")).body).not.toContain("Hello from etl.load");
    await msi.federatedIdentityCredentials.createOrUpdate(rg, identity, "airflow-worker", right);
  });

  it("leaves nothing behind when the environment is torn down: no account, no blobs, no grant, no identity", async () => {
    await tearDownEnvironment(database.prisma, h.admin, { id: environmentId, confirmName: NAME });
    await waitForStatus(database.prisma, environmentId, ["DELETED"]);
    const left = (await state()).resources.filter((r) => r.id.toLowerCase().includes(`airflow-${NAME}`) || r.id.toLowerCase().includes(deployed.taskLogs!.account));
    expect(left).toEqual([]);
    const status = await h.emulator.control("GET", `storage/${deployed.taskLogs!.account}/blobs`).then(() => 200, (e: { status?: number; message?: string }) => e.status ?? e.message);
    expect(String(status)).toMatch(/404/);
  });
});
