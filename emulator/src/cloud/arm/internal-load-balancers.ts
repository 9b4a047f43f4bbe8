import type { CloudContext } from "../context.js";
import type { ClusterState } from "../store.js";
import { ipText, parseCidr } from "./cidr.js";
import { nodeSubnetIdOf, subnetAt, subnetPrefixOf } from "./virtual-network-views.js";

const same = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** The cluster's node subnet prefix: its pools' subnet, else AKS's aks-subnet 10.224.0.0/16. */
export function nodePrefixOf(ctx: CloudContext, cluster: ClusterState) {
  const resource = ctx.store.getResource(cluster.armId);
  const subnetId = resource ? nodeSubnetIdOf(resource) : undefined;
  const subnet = subnetAt(ctx, subnetId);
  return { subnetId, prefix: parseCidr(subnet ? subnetPrefixOf(subnet) : "10.224.0.0/16")! };
}

/**
 * An internal load balancer's frontend address: the first free host address of the node subnet
 * from .4 up (Azure keeps .0–.3 and the last), free among the internal load balancers of every
 * cluster in that subnet; once given, kept (persisted with the cluster) until the Service goes.
 */
export function internalAddress(ctx: CloudContext, cluster: ClusterState, serviceKey: string): string | undefined {
  const { subnetId, prefix } = nodePrefixOf(ctx, cluster);
  const table = (cluster.internalAddresses ??= {});
  const current = table[serviceKey];
  const inside = (ip: string) => {
    const n = parseCidr(`${ip}/32`)!.start;
    return n >= prefix.start + 4 && n < prefix.start + prefix.size - 1;
  };
  if (current && inside(current)) return current;
  const used = new Set<string>();
  for (const other of Object.values(ctx.store.state.clusters)) {
    if (other !== cluster && !same(nodePrefixOf(ctx, other).subnetId, subnetId)) continue;
    for (const [key, ip] of Object.entries(other.internalAddresses ?? {})) if (!(other === cluster && key === serviceKey)) used.add(ip);
  }
  for (let n = prefix.start + 4; n < prefix.start + prefix.size - 1; n++) {
    const ip = ipText(n);
    if (used.has(ip)) continue;
    table[serviceKey] = ip;
    ctx.store.changed();
    return ip;
  }
  return undefined;
}
