/**
 * Microsoft.Network virtual networks as the rest of the emulator reads them: their types and ids,
 * lookups, who uses a subnet (AKS node pools, PostgreSQL flexible servers), the bodies Azure
 * serves (with what it computes: subnet users, peering sync), and whether two VNets talk.
 */
import { randomUUID } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { shortHash, uuidFrom } from "../util.js";
import { parseCidr } from "./cidr.js";
import { MANAGED_CLUSTER_TYPE } from "./cluster-ids.js";
import { ArmError, notFound } from "./errors.js";
import { groupId, props, requireGroup, type ArmRequest } from "./resources.js";

export const VNET_TYPE = "Microsoft.Network/virtualNetworks";
export const SUBNET_TYPE = `${VNET_TYPE}/subnets`;
export const PEERING_TYPE = `${VNET_TYPE}/virtualNetworkPeerings`;
const SAL_TYPE = `${SUBNET_TYPE}/serviceAssociationLinks`;
const SERVER_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
export const POSTGRES_DELEGATION = "Microsoft.DBforPostgreSQL/flexibleServers";

export const vnetId = (sub: string, group: string, name: string) => `${groupId(sub, group)}/providers/${VNET_TYPE}/${name}`;
export const etag = () => `W/"${randomUUID()}"`;
export const same = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
export const isType = (r: ArmResource | undefined, type: string): r is ArmResource => Boolean(r && r.type.toLowerCase() === type.toLowerCase());

/** The VNet that holds a subnet or peering id. */
export const parentVnetId = (childId: string) => childId.replace(/\/(subnets|virtualNetworkPeerings)\/[^/]+$/i, "");

export function vnetAt(ctx: CloudContext, id: unknown): ArmResource | undefined {
  if (typeof id !== "string") return undefined;
  const found = ctx.store.getResource(id);
  return isType(found, VNET_TYPE) ? found : undefined;
}

export function subnetAt(ctx: CloudContext, id: unknown): ArmResource | undefined {
  if (typeof id !== "string") return undefined;
  const found = ctx.store.getResource(id);
  return isType(found, SUBNET_TYPE) ? found : undefined;
}

export const addressSpaceOf = (vnet: ArmResource) => (((props(vnet).addressSpace as Json | undefined)?.addressPrefixes ?? []) as string[]);
export const subnetPrefixOf = (subnet: ArmResource) => String(props(subnet).addressPrefix ?? "");
export const delegationsOf = (subnet: ArmResource) => ((props(subnet).delegations ?? []) as Json[]).map((d) => String((d.properties as Json | undefined)?.serviceName ?? ""));
export const subnetsOf = (ctx: CloudContext, vnet: ArmResource) => ctx.store.listResources(`${vnet.id}/subnets/`, SUBNET_TYPE);
export const peeringsOf = (ctx: CloudContext, vnet: ArmResource) => ctx.store.listResources(`${vnet.id}/virtualNetworkPeerings/`, PEERING_TYPE);
/** The VNet a peering points at. */
export const remoteIdOf = (peering: ArmResource) => ((props(peering).remoteVirtualNetwork ?? {}) as Json).id;

/** A VNet route's path segments: subscription, group, VNet and, under it, a child's name. */
export function vnetParams(ar: ArmRequest) {
  const [sub, group, name, child] = ar.params as [string, string, string, string?];
  return { sub, group, name, child };
}

/** The VNet a request names, or ARM's 404. */
export function requireVnet(ctx: CloudContext, ar: ArmRequest): ArmResource {
  const { sub, group, name } = vnetParams(ar);
  requireGroup(ctx, sub, group);
  const vnet = ctx.store.getResource(vnetId(sub, group, name));
  if (!isType(vnet, VNET_TYPE)) throw notFound(VNET_TYPE, name, group);
  return vnet;
}

// ---------------------------------------------------------------------------------------------
// Who uses a subnet: AKS node pools (ipConfigurations of their scale sets) and PostgreSQL flexible
// servers (a service association link on their delegated subnet).

/** The pools' subnet of a cluster: the one its pools name, else the VNet AKS made in the node resource group. */
export function nodeSubnetIdOf(cluster: ArmResource): string | undefined {
  const p = props(cluster);
  const pools = (p.agentPoolProfiles ?? []) as Json[];
  const given = pools.find((pool) => typeof pool.vnetSubnetID === "string")?.vnetSubnetID as string | undefined;
  if (given) return given;
  if (!p.nodeResourceGroup) return undefined;
  return `${managedVnetId(cluster)}/subnets/aks-subnet`;
}

/** AKS's own VNet for a cluster without vnetSubnetID: aks-vnet-<8 digits> in the node resource group. */
export function managedVnetId(cluster: ArmResource) {
  const digits = String(parseInt(shortHash(`${cluster.id.toLowerCase()}#vnet`, 8), 16) % 100_000_000).padStart(8, "0");
  return `${groupId(cluster.id.split("/")[2] as string, String(props(cluster).nodeResourceGroup))}/providers/${VNET_TYPE}/aks-vnet-${digits}`;
}

export function clustersOnSubnet(ctx: CloudContext, subnetId: string) {
  return Object.values(ctx.store.state.resources).filter((r) => isType(r, MANAGED_CLUSTER_TYPE) && same(nodeSubnetIdOf(r), subnetId));
}

export function serversOnSubnet(ctx: CloudContext, subnetId: string) {
  return Object.values(ctx.store.state.resources).filter(
    (r) => isType(r, SERVER_TYPE) && same(((props(r).network ?? {}) as Json).delegatedSubnetResourceId, subnetId),
  );
}

function ipConfigurations(ctx: CloudContext, subnetId: string) {
  return clustersOnSubnet(ctx, subnetId).flatMap((cluster) => {
    const nodeGroup = groupId(cluster.id.split("/")[2] as string, String(props(cluster).nodeResourceGroup));
    return ((props(cluster).agentPoolProfiles ?? []) as Json[]).map((pool) => {
      const digits = String(parseInt(shortHash(`${cluster.id}/${String(pool.name)}`, 8), 16) % 100_000_000).padStart(8, "0");
      const vmss = `aks-${String(pool.name)}-${digits}-vmss`;
      return { id: `${nodeGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/0/networkInterfaces/${vmss}/ipConfigurations/ipconfig1` };
    });
  });
}

export function serviceAssociationLinks(ctx: CloudContext, subnetId: string) {
  if (serversOnSubnet(ctx, subnetId).length === 0) return [];
  const name = uuidFrom(`${subnetId.toLowerCase()}#sal`);
  return [
    {
      id: `${subnetId}/serviceAssociationLinks/${name}`,
      name,
      type: SAL_TYPE,
      etag: `W/"${uuidFrom(`${subnetId.toLowerCase()}#sal-etag`)}"`,
      properties: { provisioningState: "Succeeded", linkedResourceType: POSTGRES_DELEGATION, enabledForArmDeployments: false, allowDelete: false, locations: [] },
    },
  ];
}

/** What holds the subnet, as the refusals name it: the first ipConfiguration or service association link. */
export function userOf(ctx: CloudContext, subnetId: string): string | undefined {
  return ipConfigurations(ctx, subnetId)[0]?.id ?? serviceAssociationLinks(ctx, subnetId)[0]?.id;
}

// ---------------------------------------------------------------------------------------------
// Rendering: the stored resources plus what Azure computes (usage, peering sync).

export function renderSubnet(ctx: CloudContext, subnet: ArmResource): Json {
  const ipConfigs = ipConfigurations(ctx, subnet.id);
  const links = serviceAssociationLinks(ctx, subnet.id);
  return {
    ...subnet.body,
    properties: { ...props(subnet), ...(ipConfigs.length > 0 ? { ipConfigurations: ipConfigs } : {}), ...(links.length > 0 ? { serviceAssociationLinks: links } : {}) },
  };
}

export const prefixesEqual = (a: unknown, b: unknown) => JSON.stringify([...((a ?? []) as string[])].sort()) === JSON.stringify([...((b ?? []) as string[])].sort());

/** The peering on `remote` that points back at `local`'s VNet. */
export function reverseOf(ctx: CloudContext, localVnetId: string, remoteVnetId: string): ArmResource | undefined {
  const remote = vnetAt(ctx, remoteVnetId);
  if (!remote) return undefined;
  return peeringsOf(ctx, remote).find((p) => same(remoteIdOf(p), localVnetId));
}

export function renderPeering(ctx: CloudContext, peering: ArmResource): Json {
  const p = props(peering);
  const localId = parentVnetId(peering.id);
  const remoteId = String(remoteIdOf(peering) ?? "");
  let level = "FullyInSync";
  if (p.peeringState !== "Disconnected") {
    const remote = vnetAt(ctx, remoteId);
    const local = vnetAt(ctx, localId);
    const reverse = reverseOf(ctx, localId, remoteId);
    const localStale = remote && !prefixesEqual(((p.remoteAddressSpace ?? {}) as Json).addressPrefixes, addressSpaceOf(remote));
    const remoteStale = local && reverse && !prefixesEqual(((props(reverse).remoteAddressSpace ?? {}) as Json).addressPrefixes, addressSpaceOf(local));
    level = localStale && remoteStale ? "LocalAndRemoteNotInSync" : localStale ? "LocalNotInSync" : remoteStale ? "RemoteNotInSync" : "FullyInSync";
  }
  return { ...peering.body, properties: { ...p, peeringSyncLevel: level } };
}

export function renderVnet(ctx: CloudContext, vnet: ArmResource): Json {
  return {
    ...vnet.body,
    properties: {
      ...props(vnet),
      subnets: subnetsOf(ctx, vnet).map((s) => renderSubnet(ctx, s)),
      virtualNetworkPeerings: peeringsOf(ctx, vnet).map((p) => renderPeering(ctx, p)),
    },
  };
}

/** Whether two VNets talk: the same VNet, or peered with both sides Connected. */
export function connected(ctx: CloudContext, aId: string, bId: string): boolean {
  if (same(aId, bId)) return true;
  const there = reverseOf(ctx, aId, bId);
  const back = reverseOf(ctx, bId, aId);
  return Boolean(there && back && props(there).peeringState === "Connected" && props(back).peeringState === "Connected");
}

// ---------------------------------------------------------------------------------------------
// What other services check against the network.

/** The subnet a reference names, or AKS's / PostgreSQL's refusal built by `missing`. */
export function requireSubnet(ctx: CloudContext, id: unknown, missing: () => ArmError): ArmResource {
  const subnet = subnetAt(ctx, id);
  if (!subnet) throw missing();
  return subnet;
}

export const usableAddresses = (subnet: ArmResource) => (parseCidr(subnetPrefixOf(subnet))?.size ?? 0) - 5;
