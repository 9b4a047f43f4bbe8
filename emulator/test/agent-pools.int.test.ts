import type { AgentPool } from "@azure/arm-containerservice";
import { NetworkManagementClient } from "@azure/arm-network";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { clusterBody, provisionCluster } from "./cluster-setup.js";
import { eventually, POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

let env: TestEmulator;
let aks: ReturnType<typeof armClients>["aks"];
let resources: ReturnType<typeof armClients>["resources"];

beforeAll(async () => {
  env = await startTestEmulator();
  ({ aks, resources } = armClients(env));
});
afterAll(() => env?.close());

const userPool = (extra: AgentPool = {}): AgentPool => ({ count: 1, vmSize: "Standard_D8ds_v5", mode: "User", osType: "Linux", ...extra });

async function poolNames(group: string, cluster: string) {
  const names = [];
  for await (const pool of aks.agentPools.list(group, cluster)) names.push(pool.name);
  return names.sort();
}

describe("agent pools", () => {
  const GROUP = "rg-pools";
  const CLUSTER = "aks-pools";
  let core: CoreV1Api;
  const nodesOf = async (pool: string) => (await core.listNode({ labelSelector: `agentpool=${pool}` })).items.map((n) => n.metadata?.name).sort();

  beforeAll(async () => {
    const { kc } = await provisionCluster(env, GROUP, CLUSTER, false);
    core = kc.makeApiClient(CoreV1Api);
  });

  it("adds a pool through a long-running PUT: Creating, then Succeeded, in the cluster's profiles, with its Nodes", async () => {
    await env.control("PATCH", "latencies", { agentPool: 400 });
    const poller = await aks.agentPools.beginCreateOrUpdate(GROUP, CLUSTER, "workers", userPool({ count: 2 }), POLL);
    expect((await aks.agentPools.get(GROUP, CLUSTER, "workers")).provisioningState).toBe("Creating");
    expect(await nodesOf("workers")).toEqual([]);
    const pool = await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    expect(pool).toMatchObject({
      name: "workers",
      id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.ContainerService/managedClusters/${CLUSTER}/agentPools/workers`,
      type: "Microsoft.ContainerService/managedClusters/agentPools",
      count: 2,
      vmSize: "Standard_D8ds_v5",
      mode: "User",
      provisioningState: "Succeeded",
      powerState: { code: "Running" },
      typePropertiesType: "VirtualMachineScaleSets",
    });
    expect(await poolNames(GROUP, CLUSTER)).toEqual(["system", "workers"]);
    const cluster = await aks.managedClusters.get(GROUP, CLUSTER);
    expect(cluster.agentPoolProfiles?.map((p) => [p.name, p.count, p.provisioningState])).toEqual([
      ["system", 2, "Succeeded"],
      ["workers", 2, "Succeeded"],
    ]);
    expect(await nodesOf("workers")).toEqual([expect.stringMatching(/^aks-workers-\d{8}-vmss000000$/), expect.stringMatching(/^aks-workers-\d{8}-vmss000001$/)]);
    const node = (await core.listNode({ labelSelector: "agentpool=workers" })).items[0];
    expect(node?.metadata?.labels).toMatchObject({ "kubernetes.azure.com/mode": "user", "node.kubernetes.io/instance-type": "Standard_D8ds_v5" });
  });

  it("scales a pool (Updating, then Succeeded) and its Nodes follow; autoscaling keeps count within its bounds", async () => {
    await env.control("PATCH", "latencies", { agentPool: 400 });
    const poller = await aks.agentPools.beginCreateOrUpdate(GROUP, CLUSTER, "workers", userPool({ count: 4 }), POLL);
    expect((await aks.agentPools.get(GROUP, CLUSTER, "workers")).provisioningState).toBe("Updating");
    // AKS runs one operation at a time on a cluster and its pools.
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "other", userPool(), POLL)).rejects.toMatchObject({
      statusCode: 409,
      code: "OperationNotAllowed",
      message: expect.stringContaining("Another operation (workers - Updating) is in progress"),
    });
    await expect(aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, CLUSTER, clusterBody(), POLL)).rejects.toMatchObject({ statusCode: 409, code: "OperationNotAllowed" });
    expect(await poller.pollUntilDone()).toMatchObject({ count: 4, provisioningState: "Succeeded" });
    await env.control("PUT", "latencies", {});
    expect(await nodesOf("workers")).toHaveLength(4);

    const scaled = await aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "workers", userPool({ count: 1, enableAutoScaling: true, minCount: 1, maxCount: 5 }), POLL);
    expect(scaled).toMatchObject({ count: 1, enableAutoScaling: true, minCount: 1, maxCount: 5 });
    expect(await nodesOf("workers")).toHaveLength(1);
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "workers", userPool({ count: 6, enableAutoScaling: true, minCount: 1, maxCount: 5 }), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidParameter",
    });
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "workers", userPool({ count: 2, enableAutoScaling: true, minCount: 3, maxCount: 2 }), POLL)).rejects.toMatchObject({ statusCode: 400 });
    const manual = await aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "workers", userPool({ count: 2, enableAutoScaling: false }), POLL);
    expect(manual).toMatchObject({ count: 2, enableAutoScaling: false });
    expect(manual.minCount).toBeUndefined();
    expect(manual.maxCount).toBeUndefined();
  });

  it("refuses changes AKS cannot make to an existing pool", async () => {
    for (const [change, field] of [
      [{ vmSize: "Standard_D16ds_v5" }, "vmSize"],
      [{ osType: "Windows" }, "osType"],
      [{ maxPods: 50 }, "maxPods"],
    ] as const) {
      await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "workers", userPool(change), POLL)).rejects.toMatchObject({
        statusCode: 400,
        code: "PropertyChangeNotAllowed",
        message: `Changing property 'agentPoolProfile.${field}' is not allowed.`,
      });
    }
    expect(await aks.agentPools.get(GROUP, CLUSTER, "workers")).toMatchObject({ vmSize: "Standard_D8ds_v5", provisioningState: "Succeeded" });
  });

  it("checks pool names as AKS does", async () => {
    for (const name of ["Gpu", "1pool", "waytoolongname", "pool-a"]) {
      await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, name, userPool(), POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    }
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "wins1234", userPool({ osType: "Windows" }), POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    await expect(aks.agentPools.get(GROUP, CLUSTER, "missing")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(await poolNames(GROUP, CLUSTER)).toEqual(["system", "workers"]);
  });

  it("deletes a pool through a long-running DELETE: Deleting, then gone with its Nodes", async () => {
    await env.control("PATCH", "latencies", { delete: 400 });
    const poller = await aks.agentPools.beginDelete(GROUP, CLUSTER, "workers", POLL);
    expect((await aks.agentPools.get(GROUP, CLUSTER, "workers")).provisioningState).toBe("Deleting");
    await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    await expect(aks.agentPools.get(GROUP, CLUSTER, "workers")).rejects.toMatchObject({ statusCode: 404 });
    expect(await poolNames(GROUP, CLUSTER)).toEqual(["system"]);
    expect((await aks.managedClusters.get(GROUP, CLUSTER)).agentPoolProfiles?.map((p) => p.name)).toEqual(["system"]);
    expect(await nodesOf("workers")).toEqual([]);
    expect(await nodesOf("system")).toHaveLength(2);
    // Deleting what is gone is a no-op, as in ARM.
    await aks.agentPools.beginDeleteAndWait(GROUP, CLUSTER, "workers", POLL);
    const state = await env.control<{ counts: Record<string, { created: number; puts: number; deletes: number }> }>("GET", "state");
    expect(state.counts[`/subscriptions/${SUBSCRIPTION}/resourcegroups/${GROUP}/providers/microsoft.containerservice/managedclusters/${CLUSTER}/agentpools/workers`.toLowerCase()]).toMatchObject({ created: 1, deletes: 1 });
  });

  it("keeps one System pool: its last one can be neither deleted nor turned into a User pool", async () => {
    await expect(aks.agentPools.beginDeleteAndWait(GROUP, CLUSTER, "system", POLL)).rejects.toMatchObject({ statusCode: 400, code: "OperationNotAllowed" });
    const asUser = { count: 2, vmSize: "Standard_D4ds_v5", mode: "User", enableAutoScaling: true, minCount: 1, maxCount: 3 };
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "system", asUser, POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "MustDefineAtLeastOneSystemPool",
    });
    await aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "system2", userPool({ mode: "System", vmSize: "Standard_D4ds_v5" }), POLL);
    await aks.agentPools.beginDeleteAndWait(GROUP, CLUSTER, "system", POLL);
    expect(await poolNames(GROUP, CLUSTER)).toEqual(["system2"]);
    expect(await nodesOf("system")).toEqual([]);
    expect(await nodesOf("system2")).toHaveLength(1);
  });

  it("keeps pools across a restart, and a pool operation under way ends on schedule", async () => {
    await env.control("PATCH", "latencies", { agentPool: 500 });
    await aks.agentPools.beginCreateOrUpdate(GROUP, CLUSTER, "late", userPool(), POLL);
    await env.restart();
    ({ aks } = armClients(env));
    await eventually(async () => ((await aks.agentPools.get(GROUP, CLUSTER, "late")).provisioningState === "Succeeded" ? true : undefined), 5_000, "the pool's create to end");
    await env.control("PUT", "latencies", {});
    expect(await poolNames(GROUP, CLUSTER)).toEqual(["late", "system2"]);
    expect(await nodesOf("late")).toHaveLength(1);
  });

  it("reports a pool operation that ends Failed as the SDK's error, and the pool reads Failed until a PUT repairs it", async () => {
    await env.control("POST", "faults", { type: "operationFailed", code: "AllocationFailed", message: "Allocation failed.", match: { kind: "agentPool", name: "broken" }, count: 1 });
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "broken", userPool(), POLL)).rejects.toThrow(/AllocationFailed/);
    expect((await aks.agentPools.get(GROUP, CLUSTER, "broken")).provisioningState).toBe("Failed");
    expect(await aks.agentPools.beginCreateOrUpdateAndWait(GROUP, CLUSTER, "broken", userPool(), POLL)).toMatchObject({ provisioningState: "Succeeded" });
  });
});

describe("agent pools in a subnet of their own", () => {
  const GROUP = "rg-pools-net";
  const vnetId = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.Network/virtualNetworks/${name}`;

  it("needs a subnet for a new pool when the cluster's pools have one, in the same VNet", async () => {
    const network = new NetworkManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    await resources.resourceGroups.createOrUpdate(GROUP, { location: "westeurope" });
    const subnets = [
      { name: "system", addressPrefix: "10.1.0.0/24" },
      { name: "workers", addressPrefix: "10.1.1.0/24" },
    ];
    await network.virtualNetworks.beginCreateOrUpdateAndWait(GROUP, "vnet-a", { location: "westeurope", addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, subnets }, POLL);
    await network.virtualNetworks.beginCreateOrUpdateAndWait(GROUP, "vnet-b", { location: "westeurope", addressSpace: { addressPrefixes: ["10.2.0.0/16"] }, subnets: [{ name: "other", addressPrefix: "10.2.0.0/24" }] }, POLL);
    const body = clusterBody({
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
      agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4ds_v5", vnetSubnetID: `${vnetId("vnet-a")}/subnets/system` }],
    });
    await aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-net", body, POLL);

    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, "aks-net", "workers", userPool(), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidParameter",
      message: "All or none of the agentpools should set vnetsubnetid.",
    });
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, "aks-net", "workers", userPool({ vnetSubnetID: `${vnetId("vnet-b")}/subnets/other` }), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidParameter",
    });
    const pool = await aks.agentPools.beginCreateOrUpdateAndWait(GROUP, "aks-net", "workers", userPool({ vnetSubnetID: `${vnetId("vnet-a")}/subnets/system` }), POLL);
    expect(pool.vnetSubnetID).toBe(`${vnetId("vnet-a")}/subnets/system`);
    await expect(aks.agentPools.beginCreateOrUpdateAndWait(GROUP, "aks-net", "workers", userPool({ vnetSubnetID: `${vnetId("vnet-a")}/subnets/workers` }), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "PropertyChangeNotAllowed",
    });
    // The subnet shows each pool's scale set.
    const subnet = await network.subnets.get(GROUP, "vnet-a", "system");
    expect(subnet.ipConfigurations?.map((c) => /virtualMachineScaleSets\/aks-([a-z0-9]+)-/.exec(c.id ?? "")?.[1])).toEqual(["system", "workers"]);
  });
});
