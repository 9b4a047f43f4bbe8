import { NetworkManagementClient, type VirtualNetwork } from "@azure/arm-network";
import type { Server } from "@azure/arm-postgresql-flexible";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, serverBody } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

/**
 * Hub and spoke as the platform builds them: a hub VNet in the platform's group, one spoke per
 * environment in its own group, peered both ways, a private DNS zone linked to both; all through
 * the network and private DNS SDKs, answered in Azure's words.
 */
let env: TestEmulator;
let clients: ReturnType<typeof armClients>;
let network: NetworkManagementClient;
let dns: PrivateDnsManagementClient;

const HUB_GROUP = "rg-platform";
const SPOKE_GROUP = "rg-env1";
const vnetIdOf = (group: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${name}`;

const spokeBody = (prefix = "10.1", extra: VirtualNetwork["subnets"] = []): VirtualNetwork => ({
  location: "westeurope",
  addressSpace: { addressPrefixes: [`${prefix}.0.0/16`] },
  subnets: [
    { name: "aks", addressPrefix: `${prefix}.0.0/22` },
    { name: "postgres", addressPrefix: `${prefix}.4.0/24`, delegations: [{ name: "pg", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }] },
    ...extra,
  ],
});

beforeAll(async () => {
  env = await startTestEmulator();
  clients = armClients(env);
  network = new NetworkManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  dns = new PrivateDnsManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  await clients.resources.resourceGroups.createOrUpdate(HUB_GROUP, { location: "westeurope" });
  await clients.resources.resourceGroups.createOrUpdate(SPOKE_GROUP, { location: "westeurope" });
  await network.virtualNetworks.beginCreateOrUpdateAndWait(HUB_GROUP, "vnet-hub", { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ name: "shared", addressPrefix: "10.0.0.0/24" }] }, POLL);
});
afterAll(() => env?.close());

describe("virtual networks and subnets", () => {
  it("round-trips a VNet with its subnets and a delegation, as the network SDK reads them", async () => {
    const created = await network.virtualNetworks.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-spoke", spokeBody(), POLL);
    expect(created).toMatchObject({ id: vnetIdOf(SPOKE_GROUP, "vnet-spoke"), name: "vnet-spoke", location: "westeurope", provisioningState: "Succeeded", addressSpace: { addressPrefixes: ["10.1.0.0/16"] } });
    expect(created.resourceGuid).toMatch(/^[0-9a-f-]{36}$/);
    const pg = created.subnets?.find((s) => s.name === "postgres");
    expect(pg).toMatchObject({
      id: `${vnetIdOf(SPOKE_GROUP, "vnet-spoke")}/subnets/postgres`,
      addressPrefix: "10.1.4.0/24",
      provisioningState: "Succeeded",
      delegations: [{ name: "pg", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers", actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"], provisioningState: "Succeeded" }],
    });
    expect(pg?.etag).toMatch(/^W\/"/);

    const subnet = await network.subnets.get(SPOKE_GROUP, "vnet-spoke", "aks");
    expect(subnet).toMatchObject({ name: "aks", addressPrefix: "10.1.0.0/22", provisioningState: "Succeeded" });
    const names = [];
    for await (const s of network.subnets.list(SPOKE_GROUP, "vnet-spoke")) names.push(s.name);
    expect(names.sort()).toEqual(["aks", "postgres"]);
    const vnets = [];
    for await (const v of network.virtualNetworks.list(SPOKE_GROUP)) vnets.push(v.name);
    expect(vnets).toEqual(["vnet-spoke"]);

    const added = await network.subnets.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-spoke", "extra", { addressPrefix: "10.1.8.0/24" }, POLL);
    expect(added.provisioningState).toBe("Succeeded");
    await network.subnets.beginDeleteAndWait(SPOKE_GROUP, "vnet-spoke", "extra", POLL);
    await expect(network.subnets.get(SPOKE_GROUP, "vnet-spoke", "extra")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuses bad prefixes, subnets outside the address space and overlapping subnets, in Azure's words", async () => {
    const put = (body: VirtualNetwork) => network.virtualNetworks.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-bad", body, POLL);
    await expect(put({ location: "westeurope", addressSpace: { addressPrefixes: ["10.9.0.0/33"] } })).rejects.toMatchObject({ statusCode: 400, code: "InvalidAddressPrefixFormat" });
    await expect(put({ location: "westeurope", addressSpace: { addressPrefixes: ["10.9.0.1/16"] } })).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidCIDRNotation",
      message: expect.stringContaining("the address prefix should be 10.9.0.0/16"),
    });
    await expect(put({ location: "westeurope", addressSpace: { addressPrefixes: ["10.9.0.0/16"] }, subnets: [{ name: "a", addressPrefix: "10.8.0.0/24" }] })).rejects.toMatchObject({
      statusCode: 400,
      code: "NetcfgSubnetRangeOutsideVnet",
      message: "Subnet 'a' is not valid because its IP address range is outside the IP address range of virtual network 'vnet-bad'.",
    });
    const overlapping = { location: "westeurope", addressSpace: { addressPrefixes: ["10.9.0.0/16"] }, subnets: [{ name: "a", addressPrefix: "10.9.0.0/24" }, { name: "b", addressPrefix: "10.9.0.0/23" }] };
    await expect(put(overlapping)).rejects.toMatchObject({ statusCode: 400, code: "NetcfgSubnetRangesOverlap", message: expect.stringContaining("Subnet 'b' is not valid in virtual network 'vnet-bad'") });
    await expect(network.subnets.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-spoke", "clash", { addressPrefix: "10.1.4.128/25" }, POLL)).rejects.toMatchObject({ code: "NetcfgSubnetRangesOverlap" });
    await expect(network.virtualNetworks.get(SPOKE_GROUP, "vnet-bad")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });
});

describe("peerings", () => {
  const hubId = vnetIdOf(HUB_GROUP, "vnet-hub");
  const spokeId = vnetIdOf(SPOKE_GROUP, "vnet-spoke");
  const peer = (group: string, vnet: string, name: string, remote: string) =>
    network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(group, vnet, name, { remoteVirtualNetwork: { id: remote }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true }, POLL);

  it("is Initiated until the other side peers back, then Connected on both sides", async () => {
    const first = await peer(SPOKE_GROUP, "vnet-spoke", "to-hub", hubId);
    expect(first).toMatchObject({
      peeringState: "Initiated",
      peeringSyncLevel: "FullyInSync",
      provisioningState: "Succeeded",
      remoteVirtualNetwork: { id: hubId },
      remoteAddressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      allowGatewayTransit: false,
      useRemoteGateways: false,
    });
    const back = await peer(HUB_GROUP, "vnet-hub", "to-env1", spokeId);
    expect(back.peeringState).toBe("Connected");
    expect((await network.virtualNetworkPeerings.get(SPOKE_GROUP, "vnet-spoke", "to-hub")).peeringState).toBe("Connected");
    const hub = await network.virtualNetworks.get(HUB_GROUP, "vnet-hub");
    expect(hub.virtualNetworkPeerings?.map((p) => [p.name, p.peeringState])).toEqual([["to-env1", "Connected"]]);
  });

  it("refuses overlapping address spaces, a missing remote VNet and a VNet peered with itself", async () => {
    await network.virtualNetworks.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-overlap", { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.128.0/17"] } }, POLL);
    await expect(peer(SPOKE_GROUP, "vnet-overlap", "to-hub", hubId)).rejects.toMatchObject({
      statusCode: 400,
      code: "VnetAddressSpacesOverlap",
      message: `Cannot create or update peering ${vnetIdOf(SPOKE_GROUP, "vnet-overlap")}/virtualNetworkPeerings/to-hub. Virtual networks ${vnetIdOf(SPOKE_GROUP, "vnet-overlap")} and ${hubId} cannot be peered because their address spaces overlap. Overlapping address prefixes: 10.0.128.0/17`,
    });
    await expect(peer(SPOKE_GROUP, "vnet-overlap", "to-nowhere", vnetIdOf(HUB_GROUP, "vnet-missing"))).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidResourceReference",
      message: expect.stringContaining(`Resource ${vnetIdOf(HUB_GROUP, "vnet-missing")} referenced by resource`),
    });
    await expect(peer(SPOKE_GROUP, "vnet-overlap", "to-self", vnetIdOf(SPOKE_GROUP, "vnet-overlap"))).rejects.toMatchObject({ statusCode: 400 });
    await network.virtualNetworks.beginDeleteAndWait(SPOKE_GROUP, "vnet-overlap", POLL);
  });

  it("reports a changed address space as not in sync until the peering is synced", async () => {
    await network.virtualNetworks.beginCreateOrUpdateAndWait(HUB_GROUP, "vnet-hub", { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16", "10.100.0.0/16"] }, subnets: [{ name: "shared", addressPrefix: "10.0.0.0/24" }] }, POLL);
    expect((await network.virtualNetworkPeerings.get(HUB_GROUP, "vnet-hub", "to-env1")).peeringSyncLevel).toBe("RemoteNotInSync");
    expect((await network.virtualNetworkPeerings.get(SPOKE_GROUP, "vnet-spoke", "to-hub")).peeringSyncLevel).toBe("LocalNotInSync");
    await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-spoke", "to-hub", { remoteVirtualNetwork: { id: hubId }, allowForwardedTraffic: true }, POLL);
    const synced = await network.virtualNetworkPeerings.get(SPOKE_GROUP, "vnet-spoke", "to-hub");
    expect(synced).toMatchObject({ peeringState: "Connected", peeringSyncLevel: "FullyInSync", remoteAddressSpace: { addressPrefixes: ["10.0.0.0/16", "10.100.0.0/16"] } });
    expect((await network.virtualNetworkPeerings.get(HUB_GROUP, "vnet-hub", "to-env1")).peeringSyncLevel).toBe("FullyInSync");
  });

  it("leaves the surviving side Disconnected when the other side goes, until it is re-created", async () => {
    await network.virtualNetworks.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-tmp", { location: "westeurope", addressSpace: { addressPrefixes: ["10.2.0.0/16"] } }, POLL);
    await peer(SPOKE_GROUP, "vnet-tmp", "to-hub", hubId);
    await peer(HUB_GROUP, "vnet-hub", "to-tmp", vnetIdOf(SPOKE_GROUP, "vnet-tmp"));
    expect((await network.virtualNetworkPeerings.get(HUB_GROUP, "vnet-hub", "to-tmp")).peeringState).toBe("Connected");
    await network.virtualNetworks.beginDeleteAndWait(SPOKE_GROUP, "vnet-tmp", POLL);
    expect((await network.virtualNetworkPeerings.get(HUB_GROUP, "vnet-hub", "to-tmp")).peeringState).toBe("Disconnected");

    // The environment comes back: its new peering is refused while the hub's old one is Disconnected.
    await network.virtualNetworks.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-tmp", { location: "westeurope", addressSpace: { addressPrefixes: ["10.2.0.0/16"] } }, POLL);
    await expect(peer(SPOKE_GROUP, "vnet-tmp", "to-hub", hubId)).rejects.toMatchObject({
      statusCode: 400,
      code: "RemotePeeringIsDisconnected",
      message: expect.stringContaining("is in Disconnected state. Update or re-create the remote peering to get it back to Initiated state."),
    });
    await network.virtualNetworkPeerings.beginDeleteAndWait(HUB_GROUP, "vnet-hub", "to-tmp", POLL);
    expect((await peer(HUB_GROUP, "vnet-hub", "to-tmp", vnetIdOf(SPOKE_GROUP, "vnet-tmp"))).peeringState).toBe("Initiated");
    expect((await peer(SPOKE_GROUP, "vnet-tmp", "to-hub", hubId)).peeringState).toBe("Connected");

    // Deleting one peering disconnects the other; deleting the resource group takes the VNet with it.
    await network.virtualNetworkPeerings.beginDeleteAndWait(SPOKE_GROUP, "vnet-tmp", "to-hub", POLL);
    expect((await network.virtualNetworkPeerings.get(HUB_GROUP, "vnet-hub", "to-tmp")).peeringState).toBe("Disconnected");
    await network.virtualNetworkPeerings.beginDeleteAndWait(HUB_GROUP, "vnet-hub", "to-tmp", POLL);
  });
});

describe("private DNS zones and their virtual network links", () => {
  const zone = "privatelink.postgres.database.azure.com";

  it("creates a zone and links it to the hub and a spoke, refusing a second link of the same VNet", async () => {
    const created = await dns.privateZones.beginCreateOrUpdateAndWait(HUB_GROUP, zone, { location: "global" }, POLL);
    expect(created).toMatchObject({ name: zone, location: "global", provisioningState: "Succeeded", numberOfVirtualNetworkLinks: 0 });
    const link = await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(HUB_GROUP, zone, "hub", { location: "global", virtualNetwork: { id: vnetIdOf(HUB_GROUP, "vnet-hub") }, registrationEnabled: false }, POLL);
    expect(link).toMatchObject({ name: "hub", virtualNetwork: { id: vnetIdOf(HUB_GROUP, "vnet-hub") }, registrationEnabled: false, virtualNetworkLinkState: "Completed", provisioningState: "Succeeded" });
    await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(HUB_GROUP, zone, "env1", { location: "global", virtualNetwork: { id: vnetIdOf(SPOKE_GROUP, "vnet-spoke") } }, POLL);
    await expect(dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(HUB_GROUP, zone, "env1-again", { location: "global", virtualNetwork: { id: vnetIdOf(SPOKE_GROUP, "vnet-spoke") } }, POLL)).rejects.toMatchObject({ statusCode: 409 });
    await expect(dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(HUB_GROUP, zone, "ghost", { location: "global", virtualNetwork: { id: vnetIdOf(SPOKE_GROUP, "vnet-ghost") } }, POLL)).rejects.toMatchObject({ statusCode: 400 });
    const links = [];
    for await (const l of dns.virtualNetworkLinks.list(HUB_GROUP, zone)) links.push(l.name);
    expect(links.sort()).toEqual(["env1", "hub"]);
    expect((await dns.privateZones.get(HUB_GROUP, zone)).numberOfVirtualNetworkLinks).toBe(2);
    await expect(dns.privateZones.beginDeleteAndWait(HUB_GROUP, zone, POLL)).rejects.toMatchObject({ statusCode: 409, code: "CannotDeleteResource" });
  });
});

describe("AKS in a subnet of its own (vnetSubnetID)", () => {
  const subnetId = (name: string) => `${vnetIdOf(SPOKE_GROUP, "vnet-spoke")}/subnets/${name}`;
  const overlay = { networkPlugin: "azure" as const, networkPluginMode: "overlay" as const };
  const withSubnet = (id: string, pool: Record<string, unknown> = {}) =>
    clusterBody({ networkProfile: overlay, agentPoolProfiles: [{ name: "system", mode: "System", count: 2, vmSize: "Standard_D4ds_v5", enableAutoScaling: true, minCount: 1, maxCount: 3, vnetSubnetID: id, ...pool }] });

  it("puts the nodes in the subnet, makes no VNet of its own, and the subnet shows the nodes' IP configurations", async () => {
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait(SPOKE_GROUP, "aks-env1", withSubnet(subnetId("aks")), POLL);
    expect(cluster.agentPoolProfiles?.[0]?.vnetSubnetID).toBe(subnetId("aks"));
    const own = [];
    for await (const v of network.virtualNetworks.list(cluster.nodeResourceGroup!)) own.push(v);
    expect(own).toEqual([]);
    const subnet = await network.subnets.get(SPOKE_GROUP, "vnet-spoke", "aks");
    expect(subnet.ipConfigurations?.[0]?.id).toMatch(/\/virtualMachineScaleSets\/aks-system-\d{8}-vmss\//);
    await expect(network.subnets.beginDeleteAndWait(SPOKE_GROUP, "vnet-spoke", "aks", POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "InUseSubnetCannotBeDeleted",
      message: expect.stringMatching(/^Subnet aks is in use by \/subscriptions\/.* and cannot be deleted\. In order to delete the subnet, delete all the resources within the subnet\. See aka\.ms\/deletesubnet\.$/),
    });
    // A VNet PUT that leaves the subnet out would delete it: refused the same way.
    await expect(network.virtualNetworks.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-spoke", { ...spokeBody(), subnets: spokeBody().subnets!.filter((s) => s.name !== "aks") }, POLL)).rejects.toMatchObject({ code: "InUseSubnetCannotBeDeleted" });
  });

  it("makes aks-vnet-<digits> (10.224.0.0/12, aks-subnet 10.224.0.0/16) in the node resource group without a subnet", async () => {
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait(SPOKE_GROUP, "aks-managed", clusterBody(), POLL);
    const vnets = [];
    for await (const v of network.virtualNetworks.list(cluster.nodeResourceGroup!)) vnets.push(v);
    expect(vnets).toHaveLength(1);
    expect(vnets[0]).toMatchObject({ name: expect.stringMatching(/^aks-vnet-\d{8}$/), addressSpace: { addressPrefixes: ["10.224.0.0/12"] }, provisioningState: "Succeeded" });
    expect(vnets[0]?.subnets).toMatchObject([{ name: "aks-subnet", addressPrefix: "10.224.0.0/16" }]);
    await clients.aks.managedClusters.beginDeleteAndWait(SPOKE_GROUP, "aks-managed", POLL);
  });

  it("refuses a missing subnet, a delegated subnet and a subnet too small for the pool", async () => {
    await expect(clients.aks.managedClusters.beginCreateOrUpdateAndWait(SPOKE_GROUP, "aks-bad", withSubnet(subnetId("nope")), POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(clients.aks.managedClusters.beginCreateOrUpdateAndWait(SPOKE_GROUP, "aks-bad", withSubnet(subnetId("postgres")), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "SubnetIsDelegated",
      message: `AgentPoolProfile.VnetSubnetID ${subnetId("postgres")} cannot be used as it's a delegated subnet. Please check https://aka.ms/adv-network-prerequest for more details.`,
    });
    await network.subnets.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-spoke", "tiny", { addressPrefix: "10.1.9.0/29" }, POLL);
    await expect(clients.aks.managedClusters.beginCreateOrUpdateAndWait(SPOKE_GROUP, "aks-bad", withSubnet(subnetId("tiny")), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "InsufficientSubnetSize",
      message: expect.stringContaining("Pre-allocated IPs 4 exceeds IPs available 3 in Subnet Cidr 10.1.9.0/29, Subnet Name tiny."),
    });
    // Two fixed nodes and a surge node fit.
    await clients.aks.managedClusters.beginCreateOrUpdateAndWait(SPOKE_GROUP, "aks-small", withSubnet(subnetId("tiny"), { enableAutoScaling: false, minCount: undefined, maxCount: undefined, count: 2 }), POLL);
    await clients.aks.managedClusters.beginDeleteAndWait(SPOKE_GROUP, "aks-small", POLL);
    await network.subnets.beginDeleteAndWait(SPOKE_GROUP, "vnet-spoke", "tiny", POLL);
  });
});

describe("PostgreSQL flexible server with private access", () => {
  const subnetId = (name: string) => `${vnetIdOf(SPOKE_GROUP, "vnet-spoke")}/subnets/${name}`;
  const zoneId = (zone: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${HUB_GROUP}/providers/Microsoft.Network/privateDnsZones/${zone}`;
  const ZONE = "privatelink.postgres.database.azure.com";
  const privateServer = (subnet: string, zone = zoneId(ZONE)): Server => ({ ...serverBody(), network: { delegatedSubnetResourceId: subnet, privateDnsZoneArmResourceId: zone } });

  it("creates a server in the delegated subnet with public access Disabled, links the subnet, refuses firewall rules", async () => {
    const server = await clients.pg.servers.beginCreateOrUpdateAndWait(SPOKE_GROUP, "pg-env1", privateServer(subnetId("postgres")), POLL);
    expect(server.network).toEqual({ publicNetworkAccess: "Disabled", delegatedSubnetResourceId: subnetId("postgres"), privateDnsZoneArmResourceId: zoneId(ZONE) });
    expect(server.state).toBe("Ready");
    const subnet = await network.subnets.get(SPOKE_GROUP, "vnet-spoke", "postgres");
    expect(subnet.serviceAssociationLinks).toMatchObject([{ linkedResourceType: "Microsoft.DBforPostgreSQL/flexibleServers", provisioningState: "Succeeded" }]);
    await expect(network.subnets.beginDeleteAndWait(SPOKE_GROUP, "vnet-spoke", "postgres", POLL)).rejects.toMatchObject({ statusCode: 400, code: "InUseSubnetCannotBeDeleted" });
    await expect(network.subnets.beginCreateOrUpdateAndWait(SPOKE_GROUP, "vnet-spoke", "postgres", { addressPrefix: "10.1.4.0/24" }, POLL)).rejects.toMatchObject({ statusCode: 400, code: "SubnetMissingRequiredDelegation" });
    await expect(clients.pg.firewallRules.beginCreateOrUpdateAndWait(SPOKE_GROUP, "pg-env1", "allow", { startIpAddress: "1.2.3.4", endIpAddress: "1.2.3.4" }, POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(clients.pg.servers.beginUpdateAndWait(SPOKE_GROUP, "pg-env1", { network: { delegatedSubnetResourceId: subnetId("aks") } }, POLL)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("refuses a subnet that is not delegated, a zone named otherwise, and a zone not linked to the subnet's VNet", async () => {
    await expect(clients.pg.servers.beginCreateOrUpdateAndWait(SPOKE_GROUP, "pg-bad", privateServer(subnetId("aks")), POLL)).rejects.toMatchObject({ statusCode: 400 });
    await dns.privateZones.beginCreateOrUpdateAndWait(HUB_GROUP, "example.internal", { location: "global" }, POLL);
    await expect(clients.pg.servers.beginCreateOrUpdateAndWait(SPOKE_GROUP, "pg-bad", privateServer(subnetId("postgres"), zoneId("example.internal")), POLL)).rejects.toMatchObject({ statusCode: 400 });
    await dns.privateZones.beginCreateOrUpdateAndWait(HUB_GROUP, "unlinked.postgres.database.azure.com", { location: "global" }, POLL);
    await expect(clients.pg.servers.beginCreateOrUpdateAndWait(SPOKE_GROUP, "pg-bad", privateServer(subnetId("postgres"), zoneId("unlinked.postgres.database.azure.com")), POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(clients.pg.servers.get(SPOKE_GROUP, "pg-bad")).rejects.toMatchObject({ statusCode: 404 });
  });
});
