import { NetworkManagementClient } from "@azure/arm-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

type Counts = { counts: Record<string, { created: number; deletes: number }>; countsByType: Record<string, { created: number }> };

let env: TestEmulator;
let clients: ReturnType<typeof armClients>;
let network: NetworkManagementClient;

beforeAll(async () => {
  env = await startTestEmulator();
  clients = armClients(env);
  network = new NetworkManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  await clients.resources.resourceGroups.createOrUpdate("rg-net", { location: "westeurope" });
});
afterAll(() => env?.close());

/** The resource group and name of a public IP from its ARM id. */
function parseIpId(id: string) {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/publicIPAddresses\/([^/]+)$/.exec(id);
  expect(m, id).not.toBeNull();
  return { sub: m?.[1], group: m?.[2] as string, name: m?.[3] as string };
}

describe("a cluster's node resource group and outbound public IP", () => {
  it("reports its outbound IP, readable through the network SDK, in AKS's default node resource group", async () => {
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-net", "aks-net", clusterBody(), POLL);
    expect(cluster.nodeResourceGroup).toBe("MC_rg-net_aks-net_westeurope");
    const outbound = cluster.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs ?? [];
    expect(outbound).toHaveLength(1);
    const { sub, group, name } = parseIpId(outbound[0]?.id ?? "");
    expect(sub).toBe(SUBSCRIPTION);
    expect(group).toBe(cluster.nodeResourceGroup);

    const ip = await network.publicIPAddresses.get(group, name);
    expect(ip).toMatchObject({ id: outbound[0]?.id, name, sku: { name: "Standard" }, publicIPAllocationMethod: "Static", provisioningState: "Succeeded" });
    expect(ip.ipAddress).toMatch(/^20\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    const listed = [];
    for await (const p of network.publicIPAddresses.list(group)) listed.push(p.ipAddress);
    expect(listed).toEqual([ip.ipAddress]);

    const nodeGroup = await clients.resources.resourceGroups.get(group);
    expect(nodeGroup).toMatchObject({ location: "westeurope", managedBy: cluster.id, properties: { provisioningState: "Succeeded" } });

    // An update keeps the same address: firewall rules that allow it stay right.
    const updated = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-net", "aks-net", clusterBody({ tags: { team: "ml" } }), POLL);
    expect(updated.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs).toEqual(outbound);
    expect((await network.publicIPAddresses.get(group, name)).ipAddress).toBe(ip.ipAddress);
    await env.restart();
    expect((await network.publicIPAddresses.get(group, name)).ipAddress).toBe(ip.ipAddress);

    const state = await env.control<Counts>("GET", "state");
    expect(state.counts[(outbound[0]?.id ?? "").toLowerCase()]).toMatchObject({ created: 1 });
    expect(state.counts[`/subscriptions/${SUBSCRIPTION}/resourcegroups/mc_rg-net_aks-net_westeurope`]).toMatchObject({ created: 1 });
    expect(state.countsByType["microsoft.network/publicipaddresses"]?.created).toBe(1);
  });

  it("honours the node resource group the PUT names, and removes it with the cluster", async () => {
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-net", "aks-named", clusterBody({ nodeResourceGroup: "rg-net-nodes" }), POLL);
    expect(cluster.nodeResourceGroup).toBe("rg-net-nodes");
    const { group, name } = parseIpId(cluster.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs?.[0]?.id ?? "");
    expect(group).toBe("rg-net-nodes");
    expect((await network.publicIPAddresses.get("rg-net-nodes", name)).ipAddress).toMatch(/^20\./);
    const other = await network.publicIPAddresses.get("MC_rg-net_aks-net_westeurope", parseIpId((await clients.aks.managedClusters.get("rg-net", "aks-net")).networkProfile?.loadBalancerProfile?.effectiveOutboundIPs?.[0]?.id ?? "").name);
    expect(other.ipAddress).not.toBe((await network.publicIPAddresses.get("rg-net-nodes", name)).ipAddress);

    await clients.aks.managedClusters.beginDeleteAndWait("rg-net", "aks-named", POLL);
    await expect(clients.resources.resourceGroups.get("rg-net-nodes")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    await expect(network.publicIPAddresses.get("rg-net-nodes", name)).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });

  it("removes the node resource group when the cluster's own resource group goes", async () => {
    await clients.resources.resourceGroups.beginDeleteAndWait("rg-net", POLL);
    await expect(clients.resources.resourceGroups.get("MC_rg-net_aks-net_westeurope")).rejects.toMatchObject({ statusCode: 404 });
    const state = await env.control<Counts>("GET", "state");
    expect(state.counts[`/subscriptions/${SUBSCRIPTION}/resourcegroups/mc_rg-net_aks-net_westeurope`]).toMatchObject({ created: 1, deletes: 1 });
  });

  it("reports every managed outbound IP AKS keeps for the cluster, and deletes those a lower count drops", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-multi", { location: "westeurope" });
    const withCount = (count: number) => {
      const body = clusterBody({ networkProfile: { loadBalancerProfile: { managedOutboundIPs: { count } } } });
      return clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-multi", "aks-multi", body, POLL);
    };
    const ipOf = (ref: { id?: string } | undefined) => {
      const { group, name } = parseIpId(ref?.id ?? "");
      return network.publicIPAddresses.get(group, name);
    };
    const [kept] = (await withCount(1)).networkProfile?.loadBalancerProfile?.effectiveOutboundIPs ?? [];
    const two = await withCount(2);
    const outbound = two.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs ?? [];
    expect(two.networkProfile?.loadBalancerProfile?.managedOutboundIPs?.count).toBe(2);
    expect(outbound.map((r) => r.id)).toEqual([kept?.id, expect.any(String)]);
    const addresses = await Promise.all(outbound.map(ipOf));
    expect(new Set(addresses.map((ip) => ip.ipAddress)).size).toBe(2);

    const one = await withCount(1);
    expect(one.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs).toEqual([kept]);
    await expect(ipOf(outbound[1])).rejects.toMatchObject({ statusCode: 404 });
    const state = await env.control<Counts>("GET", "state");
    expect(state.counts[(outbound[1]?.id ?? "").toLowerCase()]).toMatchObject({ created: 1, deletes: 1 });
    await expect(withCount(101)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
  });

  it("reports a managed NAT gateway's outbound IPs in its own profile", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-nat", { location: "westeurope" });
    const natGatewayProfile = { managedOutboundIPProfile: { count: 2 } };
    const body = clusterBody({ networkProfile: { outboundType: "managedNATGateway", natGatewayProfile } });
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-nat", "aks-nat", body, POLL);
    expect(cluster.networkProfile?.loadBalancerProfile).toBeUndefined();
    const outbound = cluster.networkProfile?.natGatewayProfile?.effectiveOutboundIPs ?? [];
    expect(outbound).toHaveLength(2);
    for (const ref of outbound) {
      const ip = await network.publicIPAddresses.get(cluster.nodeResourceGroup!, parseIpId(ref.id ?? "").name);
      expect(ip.ipAddress).toMatch(/^20\./);
    }
  });

  it("creates no outbound IP when the cluster's outbound type is not the load balancer", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-udr", { location: "westeurope" });
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-udr", "aks-udr", clusterBody({ networkProfile: { outboundType: "userDefinedRouting" } }), POLL);
    expect(cluster.networkProfile?.loadBalancerProfile?.effectiveOutboundIPs).toBeUndefined();
    const ips = [];
    for await (const p of network.publicIPAddresses.list(cluster.nodeResourceGroup as string)) ips.push(p);
    expect(ips).toEqual([]);
  });
});
