import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { clusterBody, provisionCluster } from "./cluster-setup.js";
import { eventually, POLL, startTestEmulator, type TestEmulator } from "./support.js";

let env: TestEmulator;
let aks: ReturnType<typeof armClients>["aks"];

beforeAll(async () => {
  env = await startTestEmulator();
  ({ aks } = armClients(env));
});
afterAll(() => env?.close());

const GROUP = "rg-aks-power";
const CLUSTER = "aks-power";

describe("stopping and starting a managed cluster", () => {
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let nodesBefore: string[];
  const nodeNames = async () => (await core.listNode()).items.map((n) => n.metadata?.name ?? "").sort();

  beforeAll(async () => {
    const { kc } = await provisionCluster(env, GROUP, CLUSTER, false);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: "work" } } });
    const labels = { app: "web" };
    const container = { name: "main", image: "nginx:1.27" };
    await apps.createNamespacedDeployment({
      namespace: "work",
      body: { metadata: { name: "web" }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } } } },
    });
    // A pod no controller owns, as the KubernetesExecutor starts for each task.
    await core.createNamespacedPod({ namespace: "work", body: { metadata: { name: "task-run-1" }, spec: { containers: [container] } } });
    await eventually(async () => ((await core.listNamespacedPod({ namespace: "work" })).items.length === 2 ? true : undefined), 10_000, "the pods");
    nodesBefore = await nodeNames();
  });

  it("stops: Stopping, then powerState Stopped on the cluster and its pools, and the API server is unreachable", async () => {
    await env.control("PATCH", "latencies", { managedClusterPower: 400 });
    const poller = await aks.managedClusters.beginStop(GROUP, CLUSTER, POLL);
    expect(await aks.managedClusters.get(GROUP, CLUSTER)).toMatchObject({ provisioningState: "Stopping", powerState: { code: "Running" } });
    // One operation at a time: a pool change waits for the stop.
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "late", { count: 1, vmSize: "Standard_D4ds_v5", mode: "User" }, POLL)).rejects.toMatchObject({
      statusCode: 409,
      code: "OperationNotAllowed",
    });
    await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    const cluster = await aks.managedClusters.get(GROUP, CLUSTER);
    expect(cluster).toMatchObject({ provisioningState: "Succeeded", powerState: { code: "Stopped" } });
    expect(cluster.agentPoolProfiles?.map((p) => p.powerState?.code)).toEqual(["Stopped"]);
    expect((await aks.agentPools.get(GROUP, CLUSTER, "system")).powerState?.code).toBe("Stopped");

    // Nothing answers: the client sees a dropped connection, not an HTTP status.
    const refused = await core.listNode().then(
      () => undefined,
      (err: unknown) => err as { code?: unknown; message?: string },
    );
    expect(refused).toBeDefined();
    expect(typeof refused?.code).not.toBe("number");
    expect(refused?.message).toMatch(/socket hang up|ECONNRESET|fetch failed|other side closed/i);
    // A stopped cluster is still read, and its credentials still handed out.
    expect((await aks.managedClusters.listClusterUserCredentials(GROUP, CLUSTER)).kubeconfigs).toHaveLength(1);
  });

  it("refuses other changes while stopped: a cluster PUT, a pool added, changed or deleted", async () => {
    const notRunning = { statusCode: 409, code: "OperationNotAllowed", message: expect.stringContaining("not in the Running power state") };
    await expect(aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, CLUSTER, clusterBody({ tags: { changed: "yes" } }), POLL)).rejects.toMatchObject(notRunning);
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "extra", { count: 1, vmSize: "Standard_D4ds_v5", mode: "User" }, POLL)).rejects.toMatchObject(notRunning);
    const system = { count: 3, vmSize: "Standard_D4ds_v5", mode: "System", enableAutoScaling: true, minCount: 1, maxCount: 3 };
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "system", system, POLL)).rejects.toMatchObject(notRunning);
    await expect(aks.agentPools.beginDeleteAndWait(GROUP, CLUSTER, "system", POLL)).rejects.toMatchObject(notRunning);
    // Stopping what is stopped is a no-op, as on AKS.
    await aks.managedClusters.beginStopAndWait(GROUP, CLUSTER, POLL);
    // Restarting the emulator keeps the cluster stopped.
    await env.restart();
    ({ aks } = armClients(env));
    expect((await aks.managedClusters.get(GROUP, CLUSTER)).powerState?.code).toBe("Stopped");
    await expect(core.listNode()).rejects.toBeDefined();
  });

  it("starts: Running again, the same Nodes back and Ready, controllers' pods kept, standalone pods gone", async () => {
    await env.control("PATCH", "latencies", { managedClusterPower: 400 });
    const poller = await aks.managedClusters.beginStart(GROUP, CLUSTER, POLL);
    expect((await aks.managedClusters.get(GROUP, CLUSTER)).provisioningState).toBe("Starting");
    await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    expect(await aks.managedClusters.get(GROUP, CLUSTER)).toMatchObject({ provisioningState: "Succeeded", powerState: { code: "Running" } });
    expect(await nodeNames()).toEqual(nodesBefore);
    const ready = (await core.listNode()).items.map((n) => n.status?.conditions?.find((c) => c.type === "Ready")?.status);
    expect(ready.every((s) => s === "True")).toBe(true);
    const pods = (await core.listNamespacedPod({ namespace: "work" })).items.map((p) => p.metadata?.name ?? "");
    expect(pods).toEqual([expect.stringMatching(/^web-/)]);
    // Changes are taken again.
    const pool = await aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "extra", { count: 1, vmSize: "Standard_D4ds_v5", mode: "User" }, POLL);
    expect(pool.provisioningState).toBe("Succeeded");
    expect((await nodeNames()).filter((n) => n.startsWith("aks-extra-"))).toHaveLength(1);
  });
});
