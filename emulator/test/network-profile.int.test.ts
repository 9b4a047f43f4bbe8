import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { clusterBody, provisionCluster } from "./cluster-setup.js";
import { POLL, startTestEmulator, type TestEmulator } from "./support.js";

let env: TestEmulator;
let aks: ReturnType<typeof armClients>["aks"];

beforeAll(async () => {
  env = await startTestEmulator();
  const clients = armClients(env);
  aks = clients.aks;
  await clients.resources.resourceGroups.createOrUpdate("rg-cni", { location: "westeurope" });
});
afterAll(() => env?.close());

/** A cluster with `networkProfile` (none: AKS's defaults) and one pool, `maxPods` if given. */
const create = (name: string, networkProfile?: object, maxPods?: number) => {
  const pool = { ...clusterBody().agentPoolProfiles![0]!, ...(maxPods ? { maxPods } : {}) };
  const body = clusterBody({ networkProfile, agentPoolProfiles: [pool] });
  return aks.managedClusters.beginCreateOrUpdateAndWait("rg-cni", name, body, POLL);
};
const OVERLAY = { networkPlugin: "azure", networkPluginMode: "overlay" };

describe("a cluster's network profile", () => {
  it("answers an overlay request as asked, with AKS's defaults for the rest and 110 pods per node", async () => {
    const asked = { ...OVERLAY, networkDataplane: "cilium", networkPolicy: "cilium", podCidr: "10.250.0.0/16" };
    const cluster = await create("aks-overlay", asked);
    expect(cluster.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      podCidr: "10.250.0.0/16",
      podCidrs: ["10.250.0.0/16"],
      serviceCidr: "10.0.0.0/16",
      serviceCidrs: ["10.0.0.0/16"],
      dnsServiceIP: "10.0.0.10",
      outboundType: "loadBalancer",
      loadBalancerSku: "standard",
      ipFamilies: ["IPv4"],
    });
    expect(cluster.agentPoolProfiles?.[0]?.maxPods).toBe(110);
    expect((await aks.agentPools.get("rg-cni", "aks-overlay", "system")).maxPods).toBe(110);
  });

  it("gives legacy Azure CNI (azure without a mode) 30 pods per node and no pod range; kubenet 110", async () => {
    const legacy = await create("aks-legacy", { networkPlugin: "azure" });
    expect(legacy.networkProfile?.networkPluginMode).toBeUndefined();
    expect(legacy.networkProfile).toMatchObject({ networkPlugin: "azure", networkDataplane: "azure" });
    expect(legacy.networkProfile?.podCidr).toBeUndefined();
    expect(legacy.agentPoolProfiles?.[0]?.maxPods).toBe(30);

    const kubenet = await create("aks-kubenet", { networkPlugin: "kubenet" });
    expect(kubenet.networkProfile).toMatchObject({ networkPlugin: "kubenet", podCidr: "10.244.0.0/16" });
    expect(kubenet.agentPoolProfiles?.[0]?.maxPods).toBe(110);
  });

  it("gives a cluster that names no plugin overlay (Kubernetes 1.30 on), and keeps a pool's own maxPods", async () => {
    const cluster = await create("aks-default", undefined, 50);
    expect(cluster.networkProfile).toMatchObject({ ...OVERLAY, podCidr: "10.244.0.0/16" });
    expect(cluster.agentPoolProfiles?.[0]?.maxPods).toBe(50);
  });

  it("gives each node the pool's max pods as its pod capacity", async () => {
    const legacy = { networkProfile: { networkPlugin: "azure" } };
    const { kc } = await provisionCluster(env, "rg-cni", "aks-nodes", false, legacy);
    const nodes = await kc.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.status?.capacity?.pods)).toEqual(["30", "30"]);
  });

  it("refuses a mode its plugin does not support and a policy its dataplane does not, in ARM's words", async () => {
    const overlayKubenet = create("aks-bad-mode", { networkPlugin: "kubenet", networkPluginMode: "overlay" });
    const code = "UnsupportedNetworkPluginModeWithNetworkPlugin";
    const message = "NetworkPluginMode overlay is not supported with NetworkPlugin kubenet.";
    await expect(overlayKubenet).rejects.toMatchObject({ statusCode: 400, code, message });
    const ciliumPolicy = create("aks-bad-policy", { ...OVERLAY, networkPolicy: "cilium" });
    await expect(ciliumPolicy).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    const tooManyPods = create("aks-bad-pods", undefined, 300);
    await expect(tooManyPods).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    await expect(aks.managedClusters.get("rg-cni", "aks-bad-mode")).rejects.toMatchObject({ statusCode: 404 });
  });
});
