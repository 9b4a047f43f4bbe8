import { setTimeout as sleep } from "node:timers/promises";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { NetworkManagementClient, type VirtualNetwork, type VirtualNetworkPeering } from "@azure/arm-network";
import { parseCidr } from "@/lib/azure/address-ranges";
import { ensureArmResource } from "@/lib/azure/ensure";
import { CloudError } from "@/lib/azure/errors";
import { grantRole } from "@/lib/azure/role-assignments";
import { DATABASE_SUBNET, NODE_SUBNET, spokeLayout, type PlatformNetwork } from "@/lib/azure/platform-network";
import { claimSpokeRange, findSpokeRange, releaseSpokeRange } from "../spoke-ranges";
import type { StepContext, StepRun } from "../context";
import { environmentTags } from "./resource-group";

/** The service a delegated subnet is handed to: PostgreSQL flexible servers put their private endpoint there. */
export const POSTGRES_DELEGATION = "Microsoft.DBforPostgreSQL/flexibleServers";

/** The spoke's side of the peering, in the environment's VNet. */
export const SPOKE_TO_HUB_PEERING = "to-hub";

/** How long both sides of the peering may take to report Connected. */
const PEERING_TIMEOUT_MS = 10 * 60_000;

function platformNetwork(ctx: StepContext): PlatformNetwork {
  const network = ctx.config.platformNetwork;
  if (!network) throw new CloudError("NoPlatformNetwork", "No platform network is configured (PORTAL_HUB_VNET_ID and PORTAL_SPOKE_ADDRESS_POOL)", false);
  return network;
}

/** The hub's network client: the hub may be in another subscription than the environments. */
function hubClient(ctx: StepContext, hubSubscriptionId: string): NetworkManagementClient {
  return hubSubscriptionId === ctx.config.azure.subscriptionId ? ctx.arm.network : new NetworkManagementClient(ctx.credential, hubSubscriptionId, ctx.arm.options);
}

const hubParts = (hubVnetId: string) => {
  const [, , subscriptionId, , resourceGroup, , , , name] = hubVnetId.split("/");
  return { subscriptionId: subscriptionId!, resourceGroup: resourceGroup!, name: name! };
};

export function spokeSpec(ctx: StepContext, cidr: string): VirtualNetwork {
  const layout = spokeLayout(parseCidr(cidr)!);
  return {
    location: ctx.env.region,
    tags: environmentTags(ctx.env),
    addressSpace: { addressPrefixes: [layout.addressPrefix] },
    subnets: [
      { name: NODE_SUBNET, addressPrefix: layout.nodes },
      { name: DATABASE_SUBNET, addressPrefix: layout.database, delegations: [{ name: "postgres", serviceName: POSTGRES_DELEGATION }] },
    ],
  };
}

/**
 * The environment's spoke: a range from the platform's pool (a database row, so no two
 * environments share one), and a VNet with a subnet for the nodes and one delegated to PostgreSQL.
 */
export const createSpokeNetwork: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const network = platformNetwork(ctx);
  const { cidr, claimed } = await claimSpokeRange(ctx.db, env.id, network);
  await ctx.log(claimed ? `Address range ${cidr} taken from the pool ${network.pool}` : `Address range ${cidr} is this environment's`);
  const rg = env.names.resourceGroup;
  const name = env.names.virtualNetwork;
  const { resource, created } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.network.virtualNetworks.get(rg, name, { abortSignal: ctx.signal }),
      put: async () => {
        await ctx.log(`Creating virtual network ${name} (${cidr})`);
        return arm.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, name, spokeSpec(ctx, cidr), { ...arm.poll, abortSignal: ctx.signal });
      },
      state: (v) => v.provisioningState,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
    }),
  );
  const prefixes = resource.addressSpace?.addressPrefixes ?? [];
  if (!prefixes.includes(cidr)) {
    throw new CloudError("SpokeRangeMismatch", `Virtual network ${name} has ${prefixes.join(", ") || "no address space"}, not the range ${cidr} the portal holds for it`, false);
  }
  const subnet = (n: string) => resource.subnets?.find((s) => s.name === n)?.id;
  const nodeSubnetId = subnet(NODE_SUBNET);
  const databaseSubnetId = subnet(DATABASE_SUBNET);
  if (!nodeSubnetId || !databaseSubnetId) {
    throw new CloudError("SpokeSubnetMissing", `Virtual network ${name} lacks its ${nodeSubnetId ? DATABASE_SUBNET : NODE_SUBNET} subnet`, false);
  }
  await ctx.log(created ? `Virtual network ${name} is ready` : `Virtual network ${name} already exists`);
  return { id: resource.id, addressPrefix: cidr, nodeSubnetId, databaseSubnetId };
};

/** A peering's state, or null when it does not exist. */
async function peeringState(client: NetworkManagementClient, rg: string, vnet: string, name: string, signal: AbortSignal): Promise<VirtualNetworkPeering | null> {
  try {
    return await client.virtualNetworkPeerings.get(rg, vnet, name, { abortSignal: signal });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

/**
 * One side of a peering, written unless it is there and not Disconnected: a Disconnected peering
 * (the other side was deleted) cannot be revived, Azure wants it deleted and made again.
 */
async function ensurePeering(ctx: StepContext, client: NetworkManagementClient, at: { rg: string; vnet: string; name: string }, body: VirtualNetworkPeering, what: string) {
  const options = { ...ctx.arm.poll, abortSignal: ctx.signal };
  const existing = await ctx.retry(() => peeringState(client, at.rg, at.vnet, at.name, ctx.signal));
  if (existing && existing.peeringState !== "Disconnected" && existing.provisioningState !== "Failed") return;
  if (existing) {
    await ctx.log(`${what} is ${existing.peeringState ?? existing.provisioningState}; making it again`);
    await ctx.retry(() => client.virtualNetworkPeerings.beginDeleteAndWait(at.rg, at.vnet, at.name, options));
  }
  await ctx.log(`Creating ${what}`);
  await ctx.retry(() => client.virtualNetworkPeerings.beginCreateOrUpdateAndWait(at.rg, at.vnet, at.name, body, options));
}

/** Whether the hub has a VPN or ExpressRoute gateway the spoke should reach the company network through. */
async function hubHasGateway(ctx: StepContext, hub: NetworkManagementClient, rg: string, name: string): Promise<boolean> {
  const vnet = await ctx.retry(() => hub.virtualNetworks.get(rg, name, { abortSignal: ctx.signal }));
  const gatewaySubnet = vnet.subnets?.find((s) => s.name === "GatewaySubnet");
  return (gatewaySubnet?.ipConfigurations ?? []).some((c) => /\/virtualNetworkGateways\//i.test(c.id ?? ""));
}

/**
 * Peering both ways between the spoke and the hub, then waiting until both sides say Connected:
 * only then do the hub (and the networks it routes for, through its gateway if it has one) reach
 * the cluster's internal load balancer and the spoke resolve names through the hub.
 */
export const peerWithHub: StepRun = async (ctx) => {
  const network = platformNetwork(ctx);
  const hub = hubParts(network.hubVnetId);
  const hubNetwork = hubClient(ctx, hub.subscriptionId);
  const spokeId = ctx.outputs["spoke-network"]?.id as string;
  const rg = ctx.env.names.resourceGroup;
  const vnet = ctx.env.names.virtualNetwork;
  const gateway = await hubHasGateway(ctx, hubNetwork, hub.resourceGroup, hub.name);
  const common = { allowVirtualNetworkAccess: true, allowForwardedTraffic: true };
  // The hub's side first: a spoke may use the hub's gateway only once the hub's peering allows transit.
  await ensurePeering(ctx, hubNetwork, { rg: hub.resourceGroup, vnet: hub.name, name: ctx.env.names.hubPeering }, { ...common, remoteVirtualNetwork: { id: spokeId }, allowGatewayTransit: gateway }, `the hub's peering ${ctx.env.names.hubPeering} to ${vnet}`);
  await ensurePeering(ctx, ctx.arm.network, { rg, vnet, name: SPOKE_TO_HUB_PEERING }, { ...common, remoteVirtualNetwork: { id: network.hubVnetId }, useRemoteGateways: gateway }, `the peering from ${vnet} to the hub ${hub.name}`);
  const deadline = Date.now() + PEERING_TIMEOUT_MS;
  let last = "";
  for (;;) {
    const [spokeSide, hubSide] = await Promise.all([
      ctx.retry(() => peeringState(ctx.arm.network, rg, vnet, SPOKE_TO_HUB_PEERING, ctx.signal)),
      ctx.retry(() => peeringState(hubNetwork, hub.resourceGroup, hub.name, ctx.env.names.hubPeering, ctx.signal)),
    ]);
    const states = `${spokeSide?.peeringState ?? "missing"} from the spoke, ${hubSide?.peeringState ?? "missing"} from the hub`;
    if (spokeSide?.peeringState === "Connected" && hubSide?.peeringState === "Connected") {
      await ctx.log(`Peered with the hub ${hub.name}: Connected both ways${gateway ? ", through the hub's gateway" : ""}`);
      return { id: spokeSide.id, hubPeeringId: hubSide.id, hub: hub.name, gatewayTransit: gateway };
    }
    if (!spokeSide || !hubSide || spokeSide.peeringState === "Disconnected" || hubSide.peeringState === "Disconnected") {
      throw new CloudError("PeeringNotConnected", `The peering with the hub ${hub.name} broke while it was being made (${states}); retry to make it again`, false);
    }
    if (states !== last) await ctx.log(`Waiting for the peering: ${states}`);
    last = states;
    if (Date.now() > deadline) throw new CloudError("PeeringNotConnected", `The peering with the hub ${hub.name} did not connect in time (${states})`, false);
    await sleep(ctx.arm.poll.updateIntervalInMs, undefined, { signal: ctx.signal });
  }
};

/**
 * The cluster's own identity may manage the node subnet: AKS puts the internal load balancer's
 * frontend there and joins the nodes to it. In a VNet AKS made itself it has that right already;
 * in the spoke it needs Network Contributor on the subnet, or the UI's Service never gets an address.
 */
export const grantSubnetAccess: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const subnetId = ctx.outputs["spoke-network"]?.nodeSubnetId as string;
  const cluster = await ctx.retry(() => arm.aks.managedClusters.get(env.names.resourceGroup, env.names.cluster, { abortSignal: ctx.signal }));
  const principalId = cluster.identity?.principalId;
  if (!principalId) throw new CloudError("ClusterIdentityMissing", `AKS reported no identity for cluster ${env.names.cluster}`, false);
  const client = new AuthorizationManagementClient(ctx.credential, ctx.config.azure.subscriptionId, arm.options);
  const granted = await ctx.retry(() => grantRole(client, subnetId, "networkContributor", principalId, ctx.signal));
  await ctx.log(`${granted ? "Granted" : "Already granted"}: Network Contributor on the node subnet to the cluster's identity`);
  return { principalId };
};

/**
 * The zone PostgreSQL private access resolves the server's name in, linked to the spoke (where the
 * cluster connects from) and to the hub (so people and tools there resolve it too).
 */
export const createDatabaseDnsZone: StepRun = async (ctx) => {
  const network = platformNetwork(ctx);
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const zone = env.names.databaseDnsZone;
  const options = { ...arm.poll, abortSignal: ctx.signal };
  const { resource } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.privateDns.privateZones.get(rg, zone, { abortSignal: ctx.signal }),
      put: () => arm.privateDns.privateZones.beginCreateOrUpdateAndWait(rg, zone, { location: "global", tags: environmentTags(env) }, options),
      state: (z) => z.provisioningState,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
    }),
  );
  const links: Record<string, string> = {};
  for (const [link, vnetId] of [
    ["spoke", ctx.outputs["spoke-network"]?.id as string],
    ["hub", network.hubVnetId],
  ] as const) {
    const made = await ctx.retry(() =>
      ensureArmResource({
        get: () => arm.privateDns.virtualNetworkLinks.get(rg, zone, link, { abortSignal: ctx.signal }),
        put: () =>
          arm.privateDns.virtualNetworkLinks.beginCreateOrUpdateAndWait(rg, zone, link, { location: "global", tags: environmentTags(env), virtualNetwork: { id: vnetId }, registrationEnabled: false }, options),
        state: (l) => l.provisioningState,
        pollMs: arm.poll.updateIntervalInMs,
        signal: ctx.signal,
      }),
    );
    links[link] = made.resource.id!;
  }
  await ctx.log(`Private DNS zone ${zone}, linked to ${env.names.virtualNetwork} and the hub ${hubParts(network.hubVnetId).name}`);
  return { id: resource.id, zone, links };
};

/**
 * Teardown: the hub's side of the peering sits in the platform's resource group, which deleting
 * the environment's group leaves alone. The hub comes from the environment's range record, so it
 * is found even after the configuration changed.
 */
export const deleteHubPeering: StepRun = async (ctx) => {
  const range = await findSpokeRange(ctx.db, ctx.env.id);
  if (!range) {
    await ctx.log("The environment has no network of the platform's; no hub peering to remove");
    return { deleted: false };
  }
  const hub = hubParts(range.hubVnetId);
  const client = hubClient(ctx, hub.subscriptionId);
  const name = ctx.env.names.hubPeering;
  await ctx.retry(async () => {
    try {
      await client.virtualNetworkPeerings.beginDeleteAndWait(hub.resourceGroup, hub.name, name, { ...ctx.arm.poll, abortSignal: ctx.signal });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404) throw error;
    }
  });
  await ctx.log(`The hub ${hub.name} no longer peers with ${ctx.env.names.virtualNetwork} (${name})`);
  return { deleted: true };
};

/** Teardown, once the spoke is gone: its range goes back to the pool. */
export const releaseAddressRange: StepRun = async (ctx) => {
  const cidr = await releaseSpokeRange(ctx.db, ctx.env.id);
  await ctx.log(cidr ? `Address range ${cidr} returned to the pool` : "The environment held no address range");
  return { released: cidr };
};
