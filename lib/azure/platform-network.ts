import { formatCidr, overlaps, parseCidr, subRange, usableAddresses, type Ipv4Range } from "./address-ranges";

/**
 * The platform's network: a hub virtual network (where the company network and, typically, the
 * portal's worker are) and a pool of addresses for environments. Each environment gets a spoke
 * VNet of SPOKE_PREFIX from the pool, peered with the hub both ways: its cluster's nodes and
 * internal load balancers, and its PostgreSQL server's private endpoint, live there.
 */
export interface PlatformNetwork {
  hubVnetId: string;
  hubSubscriptionId: string;
  hubResourceGroup: string;
  hubName: string;
  /** The pool environments' ranges come from, in CIDR notation. */
  pool: string;
}

/** Every spoke is a /24: 256 addresses, laid out by `spokeLayout`. */
export const SPOKE_PREFIX = 24;

/**
 * Addresses the clusters use inside themselves (lib/provisioning/steps/cluster.ts CLUSTER_NETWORK):
 * a spoke overlapping them would make AKS refuse the cluster, so the pool may not.
 */
const CLUSTER_INTERNAL_RANGES = ["10.244.0.0/16", "10.0.0.0/16"];

const HUB_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i;

/** The platform network from its two settings, or an error naming what is wrong. Both or neither. */
export function parsePlatformNetwork(hubVnetId: string | undefined, pool: string | undefined): PlatformNetwork | null {
  if (hubVnetId === undefined && pool === undefined) return null;
  if (hubVnetId === undefined || pool === undefined) {
    const missing = hubVnetId === undefined ? "PORTAL_HUB_VNET_ID" : "PORTAL_SPOKE_ADDRESS_POOL";
    throw new Error(`Invalid configuration: ${missing} must be set too (the platform's network needs both the hub virtual network and the address pool)`);
  }
  const id = HUB_ID.exec(hubVnetId);
  if (!id) {
    throw new Error("Invalid configuration: PORTAL_HUB_VNET_ID must be the resource id of a virtual network (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/<hub>)");
  }
  const range = parseCidr(pool);
  if (!range) throw new Error(`Invalid configuration: PORTAL_SPOKE_ADDRESS_POOL ${pool} is not an IPv4 range in CIDR notation (such as 10.64.0.0/16)`);
  if (range.prefix > SPOKE_PREFIX || range.prefix < 8) {
    throw new Error(`Invalid configuration: PORTAL_SPOKE_ADDRESS_POOL must be between a /8 and a /${SPOKE_PREFIX} (each environment takes a /${SPOKE_PREFIX})`);
  }
  for (const inside of CLUSTER_INTERNAL_RANGES) {
    if (overlaps(range, parseCidr(inside)!)) {
      throw new Error(`Invalid configuration: PORTAL_SPOKE_ADDRESS_POOL ${pool} overlaps ${inside}, which every cluster uses for its pods or services`);
    }
  }
  return { hubVnetId, hubSubscriptionId: id[1]!, hubResourceGroup: id[2]!, hubName: id[3]!, pool: formatCidr(range) };
}

/** Where the nodes and the database sit in a spoke. */
export interface SpokeLayout {
  addressPrefix: string;
  /** The cluster's nodes and its internal load balancers (Azure CNI overlay: one address per node). */
  nodes: string;
  /** Delegated to PostgreSQL flexible servers; a /28 is Azure's smallest for them. */
  database: string;
}

export const NODE_SUBNET = "nodes";
export const DATABASE_SUBNET = "postgres";

/** A /25 for the nodes (123 usable addresses), a /28 for the database, the rest kept free. */
export function spokeLayout(spoke: Ipv4Range): SpokeLayout {
  return {
    addressPrefix: formatCidr(spoke),
    nodes: formatCidr(subRange(spoke, 0, 25)),
    database: formatCidr(subRange(spoke, 128, 28)),
  };
}

/** Nodes a /25 holds, with room for one surge node during an upgrade. */
export const NODE_SUBNET_CAPACITY = usableAddresses(25) - 1;
