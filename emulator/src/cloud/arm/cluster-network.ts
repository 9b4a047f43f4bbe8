import { createHash } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { uuidFrom } from "../util.js";
import { MANAGED_CLUSTER_TYPE } from "./cluster-ids.js";
import { badRequest, notFound } from "./errors.js";
import { groupId, listBody, props, removeTree, reply, requireGroup, route, type ArmRoute } from "./resources.js";
import { RESOURCE_GROUP_TYPE } from "./resource-groups.js";
import { delegationsOf, parentVnetId, subnetAt, subnetPrefixOf, usableAddresses } from "./virtual-network-views.js";
import { ensureManagedVnet } from "./virtual-network-writes.js";

export const PUBLIC_IP_TYPE = "Microsoft.Network/publicIPAddresses";

/** AKS's node resource group: the one the PUT names, else MC_<group>_<cluster>_<location>; fixed once the cluster exists. */
export function nodeResourceGroupFor(input: Json, previous: Json, group: string, name: string, location: string): string {
  return (previous.nodeResourceGroup as string | undefined) ?? (input.nodeResourceGroup as string | undefined) ?? `MC_${group}_${name}_${location}`;
}

/**
 * A plausible Azure public IPv4 (20.x.x.x), the same for the same cluster id and index, so it can be
 * allow-listed and stays put. The first keeps the seed it always had, so stored clusters keep their address.
 */
function outboundAddress(clusterId: string, index: number) {
  const seed = `${clusterId.toLowerCase()}#outbound${index === 0 ? "" : `-${index}`}`;
  const [a, b, c] = createHash("sha256").update(seed).digest();
  return `20.${40 + ((a as number) % 200)}.${b as number}.${1 + ((c as number) % 254)}`;
}

const nodeGroupId = (cluster: ArmResource) => groupId(cluster.id.split("/")[2] as string, props(cluster).nodeResourceGroup as string);

type Egress = { profile: "loadBalancerProfile" | "natGatewayProfile"; count: number; tag: string; defaults: Json };

/** Where the cluster's egress leaves from, and how many public IPs AKS manages for it; null: none of AKS's own. */
function egressOf(network: Json): Egress | null {
  const type = network.outboundType ?? "loadBalancer";
  if (type === "loadBalancer" && String(network.loadBalancerSku ?? "standard").toLowerCase() === "standard") {
    const count = (((network.loadBalancerProfile ?? {}) as Json).managedOutboundIPs as Json | undefined)?.count;
    const defaults = { managedOutboundIPs: { count: 1 }, backendPoolType: "NodeIPConfiguration" };
    const tag = "aks-slb-managed-outbound-ip";
    return { profile: "loadBalancerProfile", count: (count as number | undefined) ?? 1, tag, defaults };
  }
  if (type === "managedNATGateway") {
    const count = (((network.natGatewayProfile ?? {}) as Json).managedOutboundIPProfile as Json | undefined)?.count;
    const defaults = { managedOutboundIPProfile: { count: 1 }, idleTimeoutInMinutes: 4 };
    const tag = "aks-natgw-managed-outbound-ip";
    return { profile: "natGatewayProfile", count: (count as number | undefined) ?? 1, tag, defaults };
  }
  return null;
}

function outboundIpBody(cluster: ArmResource, egress: Egress, index: number, tags: Record<string, string>) {
  const rgId = nodeGroupId(cluster);
  const ipName = uuidFrom(`${cluster.id.toLowerCase()}#outbound-ip${index === 0 ? "" : `-${index}`}`);
  const ipId = `${rgId}/providers/${PUBLIC_IP_TYPE}/${ipName}`;
  const frontend = `loadBalancers/kubernetes/frontendIPConfigurations/${uuidFrom(`${ipId}#frontend`)}`;
  const attachment =
    egress.profile === "loadBalancerProfile"
      ? { ipConfiguration: { id: `${rgId}/providers/Microsoft.Network/${frontend}` } }
      : { natGateway: { id: `${rgId}/providers/Microsoft.Network/natGateways/aks-nat-gateway` } };
  return {
    id: ipId,
    name: ipName,
    type: PUBLIC_IP_TYPE,
    location: cluster.body.location as string,
    etag: `W/"${uuidFrom(`${ipId}#etag`)}"`,
    tags: { ...tags, "aks-managed-type": egress.tag },
    sku: { name: "Standard", tier: "Regional" },
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: uuidFrom(`${ipId}#guid`),
      ipAddress: outboundAddress(cluster.id, index),
      publicIPAddressVersion: "IPv4",
      publicIPAllocationMethod: "Static",
      idleTimeoutInMinutes: 4,
      ipTags: [],
      ...attachment,
    },
  };
}

/**
 * What AKS creates beside a cluster: the node resource group (managed by the cluster) and, for
 * outbound type loadBalancer (standard SKU) or managedNATGateway, the managed outbound public IPs —
 * `managedOutboundIPs.count` (or the NAT gateway's `managedOutboundIPProfile.count`) of them, 1 by
 * default — reported in the profile's `effectiveOutboundIPs`. Lowering the count deletes the extra ones.
 */
export function ensureClusterNetwork(ctx: CloudContext, cluster: ArmResource, group: string) {
  const p = props(cluster);
  const name = cluster.body.name as string;
  const tags = { "aks-managed-cluster-name": name, "aks-managed-cluster-rg": group };
  const rgId = nodeGroupId(cluster);
  if (!ctx.store.getResource(rgId)) {
    const location = cluster.body.location as string;
    const body = { id: rgId, name: p.nodeResourceGroup, type: RESOURCE_GROUP_TYPE, location, managedBy: cluster.id, tags, properties: { provisioningState: "Succeeded" } };
    ctx.store.putResource({ id: rgId, type: RESOURCE_GROUP_TYPE, body });
    ctx.store.count(rgId, "created");
    ctx.store.count(rgId, "puts");
  }
  // Without a subnet of its own, AKS puts the nodes in a VNet it makes in the node resource group.
  const pools = (p.agentPoolProfiles ?? []) as Json[];
  if (!pools.some((pool) => typeof pool.vnetSubnetID === "string" && pool.vnetSubnetID !== "")) ensureManagedVnet(ctx, cluster, tags);
  const network = (p.networkProfile ?? {}) as Json;
  const egress = egressOf(network);
  const effective: string[] = [];
  for (let index = 0; index < (egress?.count ?? 0); index++) {
    const body = outboundIpBody(cluster, egress!, index, tags);
    effective.push(body.id);
    if (ctx.store.getResource(body.id)) continue;
    ctx.store.putResource({ id: body.id, type: PUBLIC_IP_TYPE, body });
    ctx.store.count(body.id, "created");
    ctx.store.count(body.id, "puts");
  }
  const wanted = new Set(effective.map((id) => id.toLowerCase()));
  for (const ip of ctx.store.listResources(`${rgId}/`, PUBLIC_IP_TYPE)) {
    const managedType = String((ip.body.tags as Json | undefined)?.["aks-managed-type"] ?? "");
    if (managedType.endsWith("-managed-outbound-ip") && !wanted.has(ip.id.toLowerCase())) removeTree(ctx, ip.id);
  }
  if (!egress) return;
  const profile = (network[egress.profile] ?? {}) as Json;
  network[egress.profile] = { ...egress.defaults, ...profile, effectiveOutboundIPs: effective.map((id) => ({ id })) };
  p.networkProfile = network;
}

export function registerClusterNetwork(ctx: CloudContext) {
  // The node resource group lives and dies with its cluster.
  ctx.onRemoved.push((r) => {
    if (r.type.toLowerCase() === MANAGED_CLUSTER_TYPE.toLowerCase() && props(r).nodeResourceGroup) removeTree(ctx, nodeGroupId(r));
  });
}

const base = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Network/publicIPAddresses";

/** Read-only: the portal reads the outbound IPs that AKS made; it creates none of its own. */
export const publicIpRoutes: ArmRoute[] = [
  {
    pattern: route(base),
    kind: "publicIpAddress",
    methods: {
      GET: (ctx, ar) => {
        const [sub, group] = ar.params as [string, string];
        requireGroup(ctx, sub, group);
        reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`${groupId(sub, group)}/`, PUBLIC_IP_TYPE)));
      },
    },
  },
  {
    pattern: route(`${base}/{}`),
    kind: "publicIpAddress",
    methods: {
      GET: (ctx, ar) => {
        const [sub, group, name] = ar.params as [string, string, string];
        requireGroup(ctx, sub, group);
        const ip = ctx.store.getResource(`${groupId(sub, group)}/providers/${PUBLIC_IP_TYPE}/${name}`);
        if (!ip) throw notFound(PUBLIC_IP_TYPE, name, group);
        reply(ar, 200, ip.body);
      },
    },
  },
];

const poolNodes = (pool: Json) => Number((pool.enableAutoScaling === true ? pool.maxCount : pool.count) ?? 1);
const same = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

/**
 * AKS's checks of the pools' `vnetSubnetID` (bring your own subnet): all pools or none name one, in
 * one VNet; each subnet exists, is not delegated, and holds the addresses the pools may take — one
 * per node (the autoscaler's maxCount) plus one surge node per pool; on legacy Azure CNI each node
 * also pre-allocates maxPods addresses for its pods. Azure reserves five addresses of every subnet.
 */
export function validateNodeSubnets(ctx: CloudContext, body: Json, existing: ArmResource | undefined, network: Json) {
  const pools = (((body.properties ?? {}) as Json).agentPoolProfiles ?? []) as Json[];
  const named = pools.filter((pool) => typeof pool.vnetSubnetID === "string" && pool.vnetSubnetID !== "");
  const before = (existing ? ((props(existing).agentPoolProfiles ?? []) as Json[]) : []).filter((pool) => pools.some((p) => p.name === pool.name));
  for (const old of before) {
    const now = pools.find((p) => p.name === old.name);
    if (now && (old.vnetSubnetID ?? "") !== "" && !same(old.vnetSubnetID, now.vnetSubnetID ?? "")) {
      throw badRequest("PropertyChangeNotAllowed", `Changing property 'agentPoolProfile.vnetSubnetID' of agent pool '${String(old.name)}' is not allowed.`);
    }
  }
  if (named.length === 0) return;
  if (named.length !== pools.length) throw badRequest("InvalidParameter", "All or none of the agentpools should set vnetsubnetid.");
  const vnets = new Set(named.map((pool) => parentVnetId(String(pool.vnetSubnetID)).toLowerCase()));
  if (vnets.size > 1) throw badRequest("InvalidParameter", "The value of parameter agentPoolProfile.vnetSubnetID is invalid. All agent pools must use subnets of the same virtual network.");
  const legacyCni = network.networkPlugin === "azure" && network.networkPluginMode !== "overlay";
  const bySubnet = new Map<string, { subnet: ArmResource; needed: number }>();
  for (const pool of named) {
    const id = String(pool.vnetSubnetID);
    const subnet = subnetAt(ctx, id);
    if (!subnet) {
      throw badRequest("InvalidParameter", `The value of parameter agentPoolProfile.vnetSubnetID is invalid. Subnet '${id}' of agent pool '${String(pool.name)}' could not be found.`);
    }
    if (delegationsOf(subnet).length > 0) {
      throw badRequest("SubnetIsDelegated", `AgentPoolProfile.VnetSubnetID ${id} cannot be used as it's a delegated subnet. Please check https://aka.ms/adv-network-prerequest for more details.`);
    }
    const nodes = poolNodes(pool) + 1;
    const perNode = legacyCni ? Number(pool.maxPods ?? 30) + 1 : 1;
    const entry = bySubnet.get(subnet.id.toLowerCase()) ?? { subnet, needed: 0 };
    entry.needed += nodes * perNode;
    bySubnet.set(subnet.id.toLowerCase(), entry);
  }
  for (const { subnet, needed } of bySubnet.values()) {
    const available = usableAddresses(subnet);
    if (needed > available) {
      throw badRequest(
        "InsufficientSubnetSize",
        `Pre-allocated IPs ${needed} exceeds IPs available ${available} in Subnet Cidr ${subnetPrefixOf(subnet)}, Subnet Name ${String(subnet.body.name)}. If Autoscaler is enabled, the max-count from each nodepool is counted towards this total (which means that pre-allocated IPs count represents a theoretical max value, not the actual number of IPs requested). http://aka.ms/aks/insufficientsubnetsize`,
      );
    }
  }
}
