import { randomUUID } from "node:crypto";
import type { LatencyKind } from "../config.js";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { isPlainObject, shortHash, uuidFrom } from "../util.js";
import { aligned, contains, network, overlaps, parseCidr, type Cidr } from "./cidr.js";
import { MANAGED_CLUSTER_TYPE } from "./cluster-ids.js";
import { ArmError, badRequest, checkTags, invalidName, notFound } from "./errors.js";
import { requireLocation } from "./locations.js";
import { beginDelete, completeDelete, groupId, listBody, props, refuseMove, reply, requireGroup, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export const VNET_TYPE = "Microsoft.Network/virtualNetworks";
export const SUBNET_TYPE = `${VNET_TYPE}/subnets`;
export const PEERING_TYPE = `${VNET_TYPE}/virtualNetworkPeerings`;
const DELEGATION_TYPE = `${SUBNET_TYPE}/delegations`;
const SAL_TYPE = `${SUBNET_TYPE}/serviceAssociationLinks`;
const SERVER_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
export const POSTGRES_DELEGATION = "Microsoft.DBforPostgreSQL/flexibleServers";

/** The actions the network resource provider fills in for a delegation to each service. */
const DELEGATION_ACTIONS: Record<string, string[]> = {
  "microsoft.dbforpostgresql/flexibleservers": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.dbformysql/flexibleservers": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.web/serverfarms": ["Microsoft.Network/virtualNetworks/subnets/action"],
  "microsoft.containerinstance/containergroups": ["Microsoft.Network/virtualNetworks/subnets/action"],
  "microsoft.containerservice/managedclusters": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.app/environments": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.sql/managedinstances": [
    "Microsoft.Network/virtualNetworks/subnets/join/action",
    "Microsoft.Network/virtualNetworks/subnets/prepareNetworkPolicies/action",
    "Microsoft.Network/virtualNetworks/subnets/unprepareNetworkPolicies/action",
  ],
};

const NAME_RULE = /^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_]$/;
const KIND: LatencyKind = "virtualNetwork";

export const vnetId = (sub: string, group: string, name: string) => `${groupId(sub, group)}/providers/${VNET_TYPE}/${name}`;
const etag = () => `W/"${randomUUID()}"`;
const same = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
const isType = (r: ArmResource | undefined, type: string): r is ArmResource => Boolean(r && r.type.toLowerCase() === type.toLowerCase());

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
const subnetsOf = (ctx: CloudContext, vnet: ArmResource) => ctx.store.listResources(`${vnet.id}/subnets/`, SUBNET_TYPE);
const peeringsOf = (ctx: CloudContext, vnet: ArmResource) => ctx.store.listResources(`${vnet.id}/virtualNetworkPeerings/`, PEERING_TYPE);

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

function serviceAssociationLinks(ctx: CloudContext, subnetId: string) {
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
function userOf(ctx: CloudContext, subnetId: string): string | undefined {
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

const prefixesEqual = (a: unknown, b: unknown) => JSON.stringify([...((a ?? []) as string[])].sort()) === JSON.stringify([...((b ?? []) as string[])].sort());

/** The peering on `remote` that points back at `local`'s VNet. */
function reverseOf(ctx: CloudContext, localVnetId: string, remoteVnetId: string): ArmResource | undefined {
  const remote = vnetAt(ctx, remoteVnetId);
  if (!remote) return undefined;
  return peeringsOf(ctx, remote).find((p) => same(((props(p).remoteVirtualNetwork ?? {}) as Json).id, localVnetId));
}

export function renderPeering(ctx: CloudContext, peering: ArmResource): Json {
  const p = props(peering);
  const localId = parentVnetId(peering.id);
  const remoteId = String(((p.remoteVirtualNetwork ?? {}) as Json).id ?? "");
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
// Checks, in the network resource provider's words.

function checkPrefix(text: unknown, owner: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) {
    throw badRequest("InvalidAddressPrefixFormat", `Address prefix ${String(text)} of resource ${owner} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.`);
  }
  if (!aligned(cidr)) {
    throw badRequest("InvalidCIDRNotation", `The address prefix ${cidr.text} in resource ${owner} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${network(cidr).text}.`);
  }
  return cidr;
}

interface SubnetInput {
  name: string;
  prefix: Cidr;
  delegations: Json[];
  extra: Json;
}

function readSubnet(input: Json, vnetIdValue: string, nameOverride?: string): SubnetInput {
  const name = nameOverride ?? input.name;
  if (typeof name !== "string" || !NAME_RULE.test(name)) throw invalidName(SUBNET_TYPE, String(name), "The name must begin with a letter or number, end with a letter, number or underscore, and may contain only letters, numbers, underscores, periods, or hyphens.");
  const p = (input.properties ?? {}) as Json;
  const id = `${vnetIdValue}/subnets/${name}`;
  const text = p.addressPrefix ?? (Array.isArray(p.addressPrefixes) ? p.addressPrefixes[0] : undefined);
  if (text === undefined) throw badRequest("NetcfgInvalidSubnet", `Subnet '${name}' is not valid in virtual network '${vnetIdValue.split("/").pop()}'. It must have an addressPrefix.`);
  const prefix = checkPrefix(text, id);
  const delegations = ((p.delegations ?? []) as Json[]).map((d, i) => {
    const service = (d.properties as Json | undefined)?.serviceName ?? d.serviceName;
    if (typeof service !== "string" || !/^[A-Za-z0-9.]+\/[A-Za-z0-9]+$/.test(service)) {
      throw badRequest("InvalidServiceNameOnDelegation", `Delegation ${String(d.name ?? i)} of subnet ${id} has an invalid service name '${String(service)}'.`);
    }
    return { name: String(d.name ?? service.replace("/", ".")), serviceName: service };
  });
  const extra: Json = {};
  for (const key of ["privateEndpointNetworkPolicies", "privateLinkServiceNetworkPolicies", "defaultOutboundAccess", "networkSecurityGroup", "routeTable", "natGateway", "serviceEndpoints"]) {
    if (p[key] !== undefined) extra[key] = p[key];
  }
  return { name, prefix, delegations, extra };
}

/** The subnets of a VNet against its address space and each other. */
function checkLayout(vnetName: string, space: Cidr[], subnets: SubnetInput[]) {
  for (const s of subnets) {
    if (!space.some((range) => contains(range, s.prefix))) {
      throw badRequest("NetcfgSubnetRangeOutsideVnet", `Subnet '${s.name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnetName}'.`);
    }
  }
  for (let i = 0; i < subnets.length; i++) {
    for (let j = 0; j < i; j++) {
      if (overlaps(subnets[i]!.prefix, subnets[j]!.prefix)) {
        throw badRequest("NetcfgSubnetRangesOverlap", `Subnet '${subnets[i]!.name}' is not valid in virtual network '${vnetName}' because its IP address range overlaps with that of an existing subnet in the virtual network.`);
      }
    }
  }
  const names = subnets.map((s) => s.name.toLowerCase());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw badRequest("InvalidRequestFormat", `Cannot parse the request: subnet '${twice}' is listed twice.`);
}

/** What may not happen to a subnet that something uses: going away, moving, or losing / gaining a delegation under its users. */
function checkInUseChange(ctx: CloudContext, existing: ArmResource, next: SubnetInput | undefined) {
  const user = userOf(ctx, existing.id);
  if (!user) return;
  const name = String(existing.body.name);
  if (!next) {
    throw badRequest("InUseSubnetCannotBeDeleted", `Subnet ${name} is in use by ${user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
  }
  if (next.prefix.text !== subnetPrefixOf(existing)) {
    throw badRequest("InUseSubnetCannotBeUpdated", `Subnet ${name} is in use by ${user} and its address prefix cannot be changed from ${subnetPrefixOf(existing)} to ${next.prefix.text}.`);
  }
  const before = delegationsOf(existing).map((s) => s.toLowerCase()).sort();
  const after = next.delegations.map((d) => String(d.serviceName).toLowerCase()).sort();
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const links = serviceAssociationLinks(ctx, existing.id);
  if (links.length > 0 && !after.includes(POSTGRES_DELEGATION.toLowerCase())) {
    throw badRequest("SubnetMissingRequiredDelegation", `Subnet ${existing.id} requires any of the following delegation(s) [${POSTGRES_DELEGATION}] to reference service association link ${links[0]!.id}.`);
  }
  throw badRequest(
    "SubnetDelegationsCannotChangeWhenSubnetUsedByResource",
    `Delegations of subnet ${existing.id} cannot be changed from [${delegationsOf(existing).join(",")}] to [${next.delegations.map((d) => String(d.serviceName)).join(",")}] because it is being used by the resource ${user}.`,
  );
}

function overlapping(a: string[], b: string[]) {
  const ca = a.map((t) => parseCidr(t)).filter((c): c is Cidr => Boolean(c));
  const cb = b.map((t) => parseCidr(t)).filter((c): c is Cidr => Boolean(c));
  return ca.filter((x) => cb.some((y) => overlaps(x, y))).map((x) => x.text);
}

// ---------------------------------------------------------------------------------------------
// Writing.

function subnetResource(vnetIdValue: string, s: SubnetInput, existing?: ArmResource): ArmResource {
  const id = existing?.id ?? `${vnetIdValue}/subnets/${s.name}`;
  return {
    id,
    type: SUBNET_TYPE,
    body: {
      id,
      name: existing?.body.name ?? s.name,
      etag: etag(),
      type: SUBNET_TYPE,
      properties: {
        provisioningState: "Updating",
        addressPrefix: s.prefix.text,
        delegations: s.delegations.map((d) => ({
          name: d.name,
          id: `${id}/delegations/${String(d.name)}`,
          etag: etag(),
          type: DELEGATION_TYPE,
          properties: { provisioningState: "Succeeded", serviceName: d.serviceName, actions: DELEGATION_ACTIONS[String(d.serviceName).toLowerCase()] ?? [] },
        })),
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
        ...s.extra,
      },
    },
  };
}

function putChild(ctx: CloudContext, resource: ArmResource, existed: boolean) {
  ctx.store.putResource(resource);
  ctx.store.count(resource.id, "puts");
  if (!existed) ctx.store.count(resource.id, "created");
}

function startOperation(ctx: CloudContext, ar: ArmRequest, resource: ArmResource, created: boolean, location: string) {
  const op = ctx.lro.start({ kind: KIND, action: created ? "create" : "update", resourceId: resource.id, resourceType: resource.type, location, name: String(resource.body.name) });
  return ctx.lro.headers(op, ar.apiVersion);
}

/**
 * Writes a VNet with its subnets (the whole list: a subnet left out goes), as AKS does for its own
 * VNet and as a PUT does. No checks: callers check first.
 */
export function writeVnet(ctx: CloudContext, id: string, body: { name: string; location: string; tags?: unknown; prefixes: string[]; subnets: SubnetInput[]; extra?: Json }, existing?: ArmResource) {
  const resource: ArmResource = {
    id,
    type: VNET_TYPE,
    body: {
      id,
      name: existing?.body.name ?? body.name,
      type: VNET_TYPE,
      location: body.location,
      ...(body.tags ? { tags: body.tags } : {}),
      etag: etag(),
      properties: {
        provisioningState: existing ? "Updating" : "Updating",
        resourceGuid: (existing ? props(existing).resourceGuid : undefined) ?? randomUUID(),
        addressSpace: { addressPrefixes: body.prefixes },
        enableDdosProtection: false,
        privateEndpointVNetPolicies: "Disabled",
        ...body.extra,
      },
    },
  };
  putChild(ctx, resource, Boolean(existing));
  const wanted = new Set(body.subnets.map((s) => s.name.toLowerCase()));
  for (const old of ctx.store.listResources(`${id}/subnets/`, SUBNET_TYPE)) {
    if (!wanted.has(String(old.body.name).toLowerCase())) {
      ctx.store.deleteResource(old.id);
      ctx.store.count(old.id, "deletes");
    }
  }
  for (const s of body.subnets) {
    const old = ctx.store.getResource(`${id}/subnets/${s.name}`);
    putChild(ctx, subnetResource(id, s, old), Boolean(old));
  }
  return resource;
}

/** AKS's VNet for a cluster without a subnet of its own: 10.224.0.0/12 with aks-subnet 10.224.0.0/16, already provisioned. */
export function ensureManagedVnet(ctx: CloudContext, cluster: ArmResource, tags: Json) {
  const id = managedVnetId(cluster);
  if (ctx.store.getResource(id)) return;
  const prefix = parseCidr("10.224.0.0/16")!;
  writeVnet(ctx, id, { name: id.split("/").pop()!, location: String(cluster.body.location), tags, prefixes: ["10.224.0.0/12"], subnets: [{ name: "aks-subnet", prefix, delegations: [], extra: {} }] });
  settleTree(ctx, id);
}

function settleTree(ctx: CloudContext, id: string) {
  for (const r of [ctx.store.getResource(id), ...ctx.store.listResources(`${id}/subnets/`, SUBNET_TYPE)]) {
    if (r) props(r).provisioningState = "Succeeded";
  }
  ctx.store.changed();
}

function vnetParams(ar: ArmRequest) {
  const [sub, group, name, child] = ar.params as [string, string, string, string?];
  return { sub, group, name, child };
}

function requireVnet(ctx: CloudContext, ar: ArmRequest): ArmResource {
  const { sub, group, name } = vnetParams(ar);
  requireGroup(ctx, sub, group);
  const vnet = ctx.store.getResource(vnetId(sub, group, name));
  if (!isType(vnet, VNET_TYPE)) throw notFound(VNET_TYPE, name, group);
  return vnet;
}

async function putVnet(ctx: CloudContext, ar: ArmRequest) {
  const { sub, group, name } = vnetParams(ar);
  if (!NAME_RULE.test(name)) throw invalidName(VNET_TYPE, name, "The name must begin with a letter or number, end with a letter, number or underscore, and may contain only letters, numbers, underscores, periods, or hyphens.");
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  checkTags(body);
  const location = requireLocation(body, VNET_TYPE);
  const id = vnetId(sub, String(rg.body.name ?? group), name);
  const existing = vnetAt(ctx, id);
  if (existing) refuseMove(existing, location, group);
  const p = (body.properties ?? {}) as Json;
  const prefixes = ((p.addressSpace ?? {}) as Json).addressPrefixes;
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    throw badRequest("VnetAddressSpaceMustHaveAtLeastOneAddressPrefix", `Virtual network ${id} must have at least one address prefix in its address space.`);
  }
  const space = prefixes.map((t) => checkPrefix(t, id));
  const subnets = ((p.subnets ?? []) as Json[]).map((s) => readSubnet(s, id));
  checkLayout(name, space, subnets);
  if (existing) {
    for (const old of subnetsOf(ctx, existing)) checkInUseChange(ctx, old, subnets.find((s) => same(s.name, old.body.name)));
    const spaceChanged = !prefixesEqual(addressSpaceOf(existing), space.map((c) => c.text));
    if (spaceChanged) {
      for (const peering of peeringsOf(ctx, existing)) {
        const remote = vnetAt(ctx, ((props(peering).remoteVirtualNetwork ?? {}) as Json).id);
        const clash = remote ? overlapping(space.map((c) => c.text), addressSpaceOf(remote)) : [];
        if (remote && clash.length > 0) {
          throw badRequest(
            "VnetAddressSpacesOverlap",
            `Cannot update virtual network ${id}: its address space overlaps with the address space of virtual network ${remote.id}, peered through ${peering.id}. Overlapping address prefixes: ${clash.join(", ")}.`,
          );
        }
      }
    }
  }
  const extra: Json = {};
  for (const key of ["dhcpOptions", "enableDdosProtection", "encryption", "flowTimeoutInMinutes"]) if (p[key] !== undefined) extra[key] = p[key];
  const resource = writeVnet(ctx, id, { name, location, tags: body.tags, prefixes: space.map((c) => c.text), subnets, extra }, existing);
  resource.body.systemData = systemData(existing);
  const headers = startOperation(ctx, ar, resource, !existing, location);
  reply(ar, existing ? 200 : 201, renderVnet(ctx, resource), headers);
}

function deleteVnet(ctx: CloudContext, ar: ArmRequest) {
  const { sub, group, name } = vnetParams(ar);
  requireGroup(ctx, sub, group);
  const vnet = vnetAt(ctx, vnetId(sub, group, name));
  if (vnet) for (const subnet of subnetsOf(ctx, vnet)) checkInUseChange(ctx, subnet, undefined);
  beginDelete(ctx, ar, vnet, { stateField: "provisioningState" });
}

async function putSubnet(ctx: CloudContext, ar: ArmRequest) {
  const vnet = requireVnet(ctx, ar);
  const { child } = vnetParams(ar);
  const body = await ar.body();
  const input = readSubnet(body, vnet.id, child);
  const others = subnetsOf(ctx, vnet).filter((s) => !same(s.body.name, input.name));
  const space = addressSpaceOf(vnet).map((t) => parseCidr(t)!);
  const asInput = (s: ArmResource): SubnetInput => ({ name: String(s.body.name), prefix: parseCidr(subnetPrefixOf(s))!, delegations: [], extra: {} });
  checkLayout(String(vnet.body.name), space, [input, ...others.map(asInput)]);
  const existing = ctx.store.getResource(`${vnet.id}/subnets/${input.name}`);
  if (existing) checkInUseChange(ctx, existing, input);
  const resource = subnetResource(vnet.id, input, existing);
  putChild(ctx, resource, Boolean(existing));
  const headers = startOperation(ctx, ar, resource, !existing, String(vnet.body.location));
  reply(ar, existing ? 200 : 201, renderSubnet(ctx, resource), headers);
}

// ---------------------------------------------------------------------------------------------
// Peerings.

async function putPeering(ctx: CloudContext, ar: ArmRequest) {
  const vnet = requireVnet(ctx, ar);
  const { child: name } = vnetParams(ar) as { child: string };
  if (!NAME_RULE.test(name)) throw invalidName(PEERING_TYPE, name, "The name must begin with a letter or number, end with a letter, number or underscore, and may contain only letters, numbers, underscores, periods, or hyphens.");
  const body = await ar.body();
  const p = (body.properties ?? {}) as Json;
  const id = `${vnet.id}/virtualNetworkPeerings/${name}`;
  const existing = ctx.store.getResource(id);
  const remoteRef = p.remoteVirtualNetwork;
  const remoteId = isPlainObject(remoteRef) ? remoteRef.id : undefined;
  if (typeof remoteId !== "string" || !remoteId) {
    throw badRequest("InvalidRequestFormat", `Cannot parse the request: peering ${id} must name remoteVirtualNetwork.id.`);
  }
  const remote = vnetAt(ctx, remoteId);
  if (!remote) {
    throw badRequest(
      "InvalidResourceReference",
      `Resource ${remoteId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  }
  if (same(remote.id, vnet.id)) {
    throw badRequest("CannotPeerVirtualNetworkWithItself", `Cannot create or update peering ${id}. Virtual network ${vnet.id} cannot be peered with itself.`);
  }
  if (existing && !same(((props(existing).remoteVirtualNetwork ?? {}) as Json).id, remote.id)) {
    throw badRequest("CannotChangeRemoteVirtualNetworkOfPeering", `Cannot update peering ${id}: its remote virtual network cannot change from ${String(((props(existing).remoteVirtualNetwork ?? {}) as Json).id)} to ${remote.id}.`);
  }
  const clash = overlapping(addressSpaceOf(vnet), addressSpaceOf(remote));
  if (clash.length > 0) {
    throw badRequest(
      "VnetAddressSpacesOverlap",
      `Cannot create or update peering ${id}. Virtual networks ${vnet.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${clash.join(", ")}`,
    );
  }
  const twin = peeringsOf(ctx, vnet).find((other) => !same(other.id, id) && same(((props(other).remoteVirtualNetwork ?? {}) as Json).id, remote.id));
  if (twin) {
    throw badRequest("VnetPeeringAlreadyExists", `Cannot create or update peering ${id} because peering ${twin.id} of virtual network ${vnet.id} already references remote virtual network ${remote.id}.`);
  }
  const reverse = reverseOf(ctx, vnet.id, remote.id);
  if (reverse && props(reverse).peeringState === "Disconnected") {
    throw badRequest(
      "RemotePeeringIsDisconnected",
      `Cannot create or update peering ${id} because remote peering ${reverse.id} referencing parent virtual network ${vnet.id} is in Disconnected state. Update or re-create the remote peering to get it back to Initiated state. Peering gets Disconnected when remote vnet or remote peering is deleted and re-created.`,
    );
  }
  const state = reverse ? "Connected" : "Initiated";
  const flag = (key: string, fallback: boolean) => (typeof p[key] === "boolean" ? p[key] : fallback);
  const resource: ArmResource = {
    id,
    type: PEERING_TYPE,
    body: {
      id,
      name: existing?.body.name ?? name,
      etag: etag(),
      type: PEERING_TYPE,
      properties: {
        provisioningState: "Updating",
        resourceGuid: (existing ? props(existing).resourceGuid : undefined) ?? randomUUID(),
        peeringState: state,
        remoteVirtualNetwork: { id: remote.id },
        allowVirtualNetworkAccess: flag("allowVirtualNetworkAccess", true),
        allowForwardedTraffic: flag("allowForwardedTraffic", false),
        allowGatewayTransit: flag("allowGatewayTransit", false),
        useRemoteGateways: flag("useRemoteGateways", false),
        doNotVerifyRemoteGateways: flag("doNotVerifyRemoteGateways", false),
        peerCompleteVnets: true,
        remoteAddressSpace: { addressPrefixes: addressSpaceOf(remote) },
        remoteVirtualNetworkAddressSpace: { addressPrefixes: addressSpaceOf(remote) },
        remoteBgpCommunities: { virtualNetworkCommunity: "12076:20000", regionalCommunity: "12076:50004" },
      },
    },
  };
  putChild(ctx, resource, Boolean(existing));
  if (reverse) {
    const rp = props(reverse);
    rp.peeringState = "Connected";
    // ?syncRemoteAddressSpace=true brings the other side's view of this VNet's address space up to date too.
    if (ar.url.searchParams.get("syncRemoteAddressSpace") === "true") {
      rp.remoteAddressSpace = { addressPrefixes: addressSpaceOf(vnet) };
      rp.remoteVirtualNetworkAddressSpace = { addressPrefixes: addressSpaceOf(vnet) };
    }
    ctx.store.changed();
  }
  const headers = startOperation(ctx, ar, resource, !existing, String(vnet.body.location));
  reply(ar, existing ? 200 : 201, renderPeering(ctx, resource), headers);
}

// ---------------------------------------------------------------------------------------------

function settle(ctx: CloudContext, op: OperationRecord) {
  if (completeDelete(ctx, op)) return;
  const resource = ctx.store.getResource(op.resourceId);
  if (!resource) return;
  if (op.status === "Succeeded") {
    if (resource.type === VNET_TYPE) settleTree(ctx, resource.id);
    else props(resource).provisioningState = "Succeeded";
  } else {
    props(resource).provisioningState = "Failed";
  }
  ctx.store.changed();
}

export function registerVirtualNetworks(ctx: CloudContext) {
  for (const type of [VNET_TYPE, SUBNET_TYPE, PEERING_TYPE]) ctx.lro.register(type, (op) => settle(ctx, op));
  ctx.onRemoved.push((r) => {
    // Whatever peers with a VNet that went, or whose other half went, is Disconnected.
    const resource: ArmResource | undefined = r;
    const gone =
      isType(resource, VNET_TYPE)
        ? Object.values(ctx.store.state.resources).filter((x) => isType(x, PEERING_TYPE) && same(((props(x).remoteVirtualNetwork ?? {}) as Json).id, r.id))
        : isType(resource, PEERING_TYPE)
          ? [reverseOf(ctx, parentVnetId(r.id), String(((props(r).remoteVirtualNetwork ?? {}) as Json).id ?? ""))].filter((x): x is ArmResource => Boolean(x))
          : [];
    for (const peering of gone) {
      props(peering).peeringState = "Disconnected";
      peering.body.etag = etag();
    }
    if (gone.length > 0) ctx.store.changed();
  });
}

const base = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Network/virtualNetworks";
const withRendered = (ctx: CloudContext, list: ArmResource[], render: (ctx: CloudContext, r: ArmResource) => Json) => list.map((r) => ({ ...r, body: render(ctx, r) }));

function childRoute(segment: string, type: string, kind: string, render: (ctx: CloudContext, r: ArmResource) => Json, put: (ctx: CloudContext, ar: ArmRequest) => Promise<void>, canDelete: (ctx: CloudContext, r: ArmResource) => void): ArmRoute[] {
  const find = (ctx: CloudContext, ar: ArmRequest) => {
    const vnet = requireVnet(ctx, ar);
    const name = vnetParams(ar).child as string;
    const found = ctx.store.getResource(`${vnet.id}/${segment}/${name}`);
    return { vnet, name, found: isType(found, type) ? found : undefined };
  };
  return [
    {
      pattern: route(`${base}/{}/${segment}`),
      kind,
      methods: { GET: (ctx, ar) => reply(ar, 200, listBody(ctx, ar, withRendered(ctx, ctx.store.listResources(`${requireVnet(ctx, ar).id}/${segment}/`, type), render))) },
    },
    {
      pattern: route(`${base}/{}/${segment}/{}`),
      kind,
      methods: {
        PUT: put,
        GET: (ctx, ar) => {
          const { vnet, name, found } = find(ctx, ar);
          if (!found) throw notFound(`${VNET_TYPE}/${String(vnet.body.name)}/${segment}`, name, vnetParams(ar).group);
          reply(ar, 200, render(ctx, found));
        },
        DELETE: (ctx, ar) => {
          const { found } = find(ctx, ar);
          if (found) canDelete(ctx, found);
          beginDelete(ctx, ar, found, { stateField: "provisioningState" });
        },
      },
    },
  ];
}

/** Microsoft.Network/virtualNetworks, their subnets and peerings, as `@azure/arm-network` speaks them. */
export const virtualNetworkRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.Network/virtualNetworks"),
    kind: "virtualNetwork",
    methods: { GET: (ctx, ar) => reply(ar, 200, listBody(ctx, ar, withRendered(ctx, ctx.store.listResources(`/subscriptions/${ar.params[0]}/`, VNET_TYPE), renderVnet))) },
  },
  {
    pattern: route(base),
    kind: "virtualNetwork",
    methods: {
      GET: (ctx, ar) => {
        const { sub, group } = vnetParams(ar);
        requireGroup(ctx, sub, group);
        reply(ar, 200, listBody(ctx, ar, withRendered(ctx, ctx.store.listResources(`${groupId(sub, group)}/`, VNET_TYPE), renderVnet)));
      },
    },
  },
  {
    pattern: route(`${base}/{}`),
    kind: "virtualNetwork",
    methods: { PUT: putVnet, GET: (ctx, ar) => reply(ar, 200, renderVnet(ctx, requireVnet(ctx, ar))), DELETE: deleteVnet },
  },
  ...childRoute("subnets", SUBNET_TYPE, "subnet", renderSubnet, putSubnet, (ctx, subnet) => checkInUseChange(ctx, subnet, undefined)),
  ...childRoute("virtualNetworkPeerings", PEERING_TYPE, "virtualNetworkPeering", renderPeering, putPeering, () => undefined),
];

// ---------------------------------------------------------------------------------------------
// What other services check against the network.

/** The subnet a reference names, or AKS's / PostgreSQL's refusal built by `missing`. */
export function requireSubnet(ctx: CloudContext, id: unknown, missing: () => ArmError): ArmResource {
  const subnet = subnetAt(ctx, id);
  if (!subnet) throw missing();
  return subnet;
}

export const usableAddresses = (subnet: ArmResource) => (parseCidr(subnetPrefixOf(subnet))?.size ?? 0) - 5;
