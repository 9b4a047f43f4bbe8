/**
 * The requests on virtual networks and subnets (PUT, DELETE), what happens when their operations
 * end, and the routes. What they read, check and store, and the peerings, are in the
 * virtual-network-* files beside this one.
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { parseCidr } from "./cidr.js";
import { badRequest, checkTags } from "./errors.js";
import { requireLocation } from "./locations.js";
import { childRoutes, listRoutes } from "./resource-routes.js";
import { beginDelete, completeDelete, props, refuseMove, reply, requireGroup, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";
import { disconnectPeerings, putPeering } from "./virtual-network-peerings.js";
import { checkInUseChange, checkLayout, checkName, checkPeeredSpace, checkPrefix, readSubnet, type SubnetInput } from "./virtual-network-validation.js";
import {
  addressSpaceOf,
  PEERING_TYPE,
  prefixesEqual,
  renderPeering,
  renderSubnet,
  renderVnet,
  requireVnet,
  same,
  SUBNET_TYPE,
  subnetPrefixOf,
  subnetsOf,
  vnetAt,
  vnetId,
  vnetParams,
  VNET_TYPE,
} from "./virtual-network-views.js";
import { putChild, settleTree, startOperation, subnetResource, writeVnet } from "./virtual-network-writes.js";

async function putVnet(ctx: CloudContext, ar: ArmRequest) {
  const { sub, group, name } = vnetParams(ar);
  checkName(VNET_TYPE, name);
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
    if (spaceChanged) checkPeeredSpace(ctx, id, existing, space.map((c) => c.text));
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
  ctx.onRemoved.push((r) => disconnectPeerings(ctx, r));
}

/** Microsoft.Network/virtualNetworks, their subnets and peerings, as `@azure/arm-network` speaks them. */
export const virtualNetworkRoutes: ArmRoute[] = [
  ...listRoutes(VNET_TYPE, "virtualNetwork", renderVnet),
  {
    pattern: route(`/subscriptions/{}/resourcegroups/{}/providers/${VNET_TYPE}/{}`),
    kind: "virtualNetwork",
    methods: { PUT: putVnet, GET: (ctx, ar) => reply(ar, 200, renderVnet(ctx, requireVnet(ctx, ar))), DELETE: deleteVnet },
  },
  ...childRoutes(VNET_TYPE, {
    segment: "subnets",
    type: SUBNET_TYPE,
    kind: "subnet",
    parent: requireVnet,
    render: renderSubnet,
    put: putSubnet,
    checkDelete: (ctx, subnet) => checkInUseChange(ctx, subnet, undefined),
  }),
  ...childRoutes(VNET_TYPE, { segment: "virtualNetworkPeerings", type: PEERING_TYPE, kind: "virtualNetworkPeering", parent: requireVnet, render: renderPeering, put: putPeering }),
];
