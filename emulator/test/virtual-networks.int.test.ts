import { NetworkManagementClient, type VirtualNetwork } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
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
