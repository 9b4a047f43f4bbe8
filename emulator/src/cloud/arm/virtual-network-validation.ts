/**
 * The checks Azure's network resource provider makes on virtual networks and subnets, in its
 * words: names, address prefixes, the subnet layout of a VNet, what may not happen to a subnet in
 * use, and address spaces that would overlap across a peering.
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { aligned, contains, network, overlaps, parseCidr, type Cidr } from "./cidr.js";
import { badRequest, invalidName } from "./errors.js";
import { addressSpaceOf, delegationsOf, peeringsOf, POSTGRES_DELEGATION, remoteIdOf, serviceAssociationLinks, SUBNET_TYPE, subnetPrefixOf, userOf, vnetAt } from "./virtual-network-views.js";

const NAME_RULE = /^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_]$/;

/** The name of a VNet, subnet or peering, or the provider's refusal. */
export function checkName(type: string, name: unknown): string {
  if (typeof name !== "string" || !NAME_RULE.test(name)) {
    throw invalidName(type, String(name), "The name must begin with a letter or number, end with a letter, number or underscore, and may contain only letters, numbers, underscores, periods, or hyphens.");
  }
  return name;
}

export function checkPrefix(text: unknown, owner: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) {
    throw badRequest("InvalidAddressPrefixFormat", `Address prefix ${String(text)} of resource ${owner} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.`);
  }
  if (!aligned(cidr)) {
    throw badRequest("InvalidCIDRNotation", `The address prefix ${cidr.text} in resource ${owner} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${network(cidr).text}.`);
  }
  return cidr;
}

/** A subnet as a request gives it, checked. */
export interface SubnetInput {
  name: string;
  prefix: Cidr;
  delegations: Json[];
  extra: Json;
}

export function readSubnet(input: Json, vnetIdValue: string, nameOverride?: string): SubnetInput {
  const name = checkName(SUBNET_TYPE, nameOverride ?? input.name);
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
export function checkLayout(vnetName: string, space: Cidr[], subnets: SubnetInput[]) {
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
export function checkInUseChange(ctx: CloudContext, existing: ArmResource, next: SubnetInput | undefined) {
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

/** The prefixes of `a` that overlap a prefix of `b`. */
export function overlapping(a: string[], b: string[]) {
  const ca = a.map((t) => parseCidr(t)).filter((c): c is Cidr => Boolean(c));
  const cb = b.map((t) => parseCidr(t)).filter((c): c is Cidr => Boolean(c));
  return ca.filter((x) => cb.some((y) => overlaps(x, y))).map((x) => x.text);
}

/** The new address space of VNet `id` against the VNets it peers with: none may overlap. */
export function checkPeeredSpace(ctx: CloudContext, id: string, existing: ArmResource, space: string[]) {
  for (const peering of peeringsOf(ctx, existing)) {
    const remote = vnetAt(ctx, remoteIdOf(peering));
    const clash = remote ? overlapping(space, addressSpaceOf(remote)) : [];
    if (remote && clash.length > 0) {
      throw badRequest(
        "VnetAddressSpacesOverlap",
        `Cannot update virtual network ${id}: its address space overlaps with the address space of virtual network ${remote.id}, peered through ${peering.id}. Overlapping address prefixes: ${clash.join(", ")}.`,
      );
    }
  }
}
