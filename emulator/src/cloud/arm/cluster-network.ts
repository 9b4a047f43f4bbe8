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

/** A plausible Azure public IPv4 (20.x.x.x), the same for the same cluster id, so it can be allow-listed and stays put. */
function outboundAddress(clusterId: string) {
  const [a, b, c] = createHash("sha256").update(`${clusterId.toLowerCase()}#outbound`).digest();
  return `20.${40 + ((a as number) % 200)}.${b as number}.${1 + ((c as number) % 254)}`;
}

const nodeGroupId = (cluster: ArmResource) => groupId(cluster.id.split("/")[2] as string, props(cluster).nodeResourceGroup as string);

/**
 * What AKS creates beside a cluster on a standard load balancer with outbound type loadBalancer:
 * the node resource group (managed by the cluster) and the load balancer's outbound public IP,
 * reported in `networkProfile.loadBalancerProfile.effectiveOutboundIPs`.
 */
export function ensureClusterNetwork(ctx: CloudContext, cluster: ArmResource, group: string) {
  const p = props(cluster);
  const location = cluster.body.location as string;
  const name = cluster.body.name as string;
  const tags = { "aks-managed-cluster-name": name, "aks-managed-cluster-rg": group };
  const rgId = nodeGroupId(cluster);
  if (!ctx.store.getResource(rgId)) {
    const body = { id: rgId, name: p.nodeResourceGroup, type: RESOURCE_GROUP_TYPE, location, managedBy: cluster.id, tags, properties: { provisioningState: "Succeeded" } };
    ctx.store.putResource({ id: rgId, type: RESOURCE_GROUP_TYPE, body });
    ctx.store.count(rgId, "created");
    ctx.store.count(rgId, "puts");
  }
  const network = (p.networkProfile ?? {}) as Json;
  if ((network.outboundType ?? "loadBalancer") !== "loadBalancer" || String(network.loadBalancerSku ?? "standard").toLowerCase() !== "standard") return;
  const ipName = uuidFrom(`${cluster.id.toLowerCase()}#outbound-ip`);
  const ipId = `${rgId}/providers/${PUBLIC_IP_TYPE}/${ipName}`;
  if (!ctx.store.getResource(ipId)) {
    const body = {
      id: ipId,
      name: ipName,
      type: PUBLIC_IP_TYPE,
      location,
      etag: `W/"${uuidFrom(`${ipId}#etag`)}"`,
      tags: { ...tags, "aks-managed-type": "aks-slb-managed-outbound-ip" },
      sku: { name: "Standard", tier: "Regional" },
      properties: {
        provisioningState: "Succeeded",
        resourceGuid: uuidFrom(`${ipId}#guid`),
        ipAddress: outboundAddress(cluster.id),
        publicIPAddressVersion: "IPv4",
        publicIPAllocationMethod: "Static",
        idleTimeoutInMinutes: 4,
        ipTags: [],
        ipConfiguration: { id: `${rgId}/providers/Microsoft.Network/loadBalancers/kubernetes/frontendIPConfigurations/${uuidFrom(`${ipId}#frontend`)}` },
      },
    };
    ctx.store.putResource({ id: ipId, type: PUBLIC_IP_TYPE, body });
    ctx.store.count(ipId, "created");
    ctx.store.count(ipId, "puts");
  }
  const lb = (network.loadBalancerProfile ?? {}) as Json;
  network.loadBalancerProfile = { managedOutboundIPs: { count: 1 }, backendPoolType: "NodeIPConfiguration", ...lb, effectiveOutboundIPs: [{ id: ipId }] };
  p.networkProfile = network;
}

export function registerClusterNetwork(ctx: CloudContext) {
  // The node resource group lives and dies with its cluster.
  ctx.onRemoved.push((r) => {
    if (r.type.toLowerCase() === MANAGED_CLUSTER_TYPE.toLowerCase() && props(r).nodeResourceGroup) removeTree(ctx, nodeGroupId(r));
  });
}

const base = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Network/publicIPAddresses";

/** Read-only: the portal reads the outbound IP that AKS made; it creates none of its own. */
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
