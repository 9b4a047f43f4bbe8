import { setTimeout as sleep } from "node:timers/promises";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clusterBody } from "./cluster-setup.js";
import { POLL, eventually, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

type Hold = { id: string; kind: string; name?: string; phase: string; held: number; total: number };
type State = { counts: Record<string, { created: number; puts: number }>; operations: { resourceId: string; status: string }[]; holds: Hold[] };

let env: TestEmulator;
let aks: ContainerServiceClient;
const clusterId = (group: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourcegroups/${group}/providers/microsoft.containerservice/managedclusters/${name}`;
const puts = async (id: string) => (await env.control<State>("GET", "state")).counts[id]?.puts ?? 0;
const holds = () => env.control<Hold[]>("GET", "holds");

beforeAll(async () => {
  env = await startTestEmulator();
  aks = new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions);
  const resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  for (const group of ["rg-hold-op", "rg-hold-put", "rg-hold-get"]) await resources.resourceGroups.createOrUpdate(group, { location: "westeurope" });
});
afterAll(() => env?.close());
afterEach(() => env.control("DELETE", "holds"));

describe("holds on ARM requests and operations", () => {
  it("keeps a held operation InProgress past its latency, and ends it its latency after the release", async () => {
    const hold = await env.control<Hold>("POST", "holds", { kind: "managedCluster", name: "aks-held-*", phase: "operation" });
    const poller = await aks.managedClusters.beginCreateOrUpdate("rg-hold-op", "aks-held-op", clusterBody(), POLL);
    // The PUT was answered (201 and the operation's URL) and the cluster reads Creating.
    expect(await puts(clusterId("rg-hold-op", "aks-held-op"))).toBe(1);
    expect((await aks.managedClusters.get("rg-hold-op", "aks-held-op")).provisioningState).toBe("Creating");
    expect(await holds()).toMatchObject([{ id: hold.id, phase: "operation", held: 1, total: 1 }]);
    // Far past the fast profile's 50 ms: still running.
    await sleep(500);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    expect((await env.control<State>("GET", "state")).operations.find((o) => o.resourceId.endsWith("aks-held-op"))?.status).toBe("InProgress");

    expect(await env.control("DELETE", `holds/${hold.id}`)).toEqual({ released: true });
    const cluster = await poller.pollUntilDone();
    expect(cluster.provisioningState).toBe("Succeeded");
    expect(await puts(clusterId("rg-hold-op", "aks-held-op"))).toBe(1);
    expect(await holds()).toEqual([]);
    await expect(env.control("DELETE", `holds/${hold.id}`)).rejects.toThrow(/404/);
  });

  it("keeps a held PUT unanswered, and carries it out on release although its client went away", async () => {
    await env.control("POST", "holds", { kind: "managedCluster", name: "aks-held-put", phase: "put" });
    const abort = new AbortController();
    const sent = aks.managedClusters.beginCreateOrUpdateAndWait("rg-hold-put", "aks-held-put", clusterBody(), { ...POLL, abortSignal: abort.signal });
    sent.catch(() => undefined);
    await eventually(async () => (await holds())[0]?.held === 1, 10_000, "the PUT to be held");
    // Received, not carried out: nothing written yet.
    expect(await puts(clusterId("rg-hold-put", "aks-held-put"))).toBe(0);
    abort.abort();
    await expect(sent).rejects.toThrow(/abort/i);

    await env.control("DELETE", "holds");
    // ARM completes a request it accepted: the PUT is applied once, with no client left to answer.
    await eventually(async () => (await puts(clusterId("rg-hold-put", "aks-held-put"))) === 1, 10_000, "the held PUT to be carried out");
    await eventually(async () => (await aks.managedClusters.get("rg-hold-put", "aks-held-put")).provisioningState === "Succeeded", 10_000, "the cluster to be created");
    expect(await puts(clusterId("rg-hold-put", "aks-held-put"))).toBe(1);
  });

  it("holds the GET an SDK sends after the operation ends, until released", async () => {
    await env.control("POST", "holds", { kind: "managedCluster", name: "aks-held-get", phase: "get" });
    let done = false;
    const sent = aks.managedClusters.beginCreateOrUpdateAndWait("rg-hold-get", "aks-held-get", clusterBody(), POLL).finally(() => (done = true));
    await eventually(async () => (await holds())[0]?.held === 1, 10_000, "the final GET to be held");
    expect((await env.control<State>("GET", "state")).operations.find((o) => o.resourceId.endsWith("aks-held-get"))?.status).toBe("Succeeded");
    expect(done).toBe(false);
    await env.control("DELETE", "holds");
    expect((await sent).provisioningState).toBe("Succeeded");
  });

  it("refuses a hold without a kind or a known phase; reset clears holds", async () => {
    await expect(env.control("POST", "holds", { phase: "put" })).rejects.toThrow(/400.*kind/);
    await expect(env.control("POST", "holds", { kind: "managedCluster", phase: "later" })).rejects.toThrow(/400.*phase/);
    const made = await env.control<Hold[]>("POST", "holds", [
      { kind: ["managedCluster", "postgresServer"], phase: "operation" },
      { kind: "resourceGroup", phase: "put" },
    ]);
    expect(made.map((h) => h.held)).toEqual([0, 0]);
    expect((await env.control<State>("GET", "state")).holds).toHaveLength(2);
    await env.control("POST", "reset");
    expect(await holds()).toEqual([]);
  });
});
