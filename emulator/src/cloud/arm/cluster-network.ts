import { createHash } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { uuidFrom } from "../util.js";
import { MANAGED_CLUSTER_TYPE } from "./cluster-ids.js";
import { notFound } from "./errors.js";
import { groupId, listBody, props, removeTree, reply, requireGroup, route, type ArmRoute } from "./resources.js";
import { RESOURCE_GROUP_TYPE } from "./resource-groups.js";

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
