import { randomUUID } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { isPlainObject } from "../util.js";
import { ArmError, badRequest, checkTags, invalidName, notFound } from "./errors.js";
import { childRoutes, listRoutes } from "./resource-routes.js";
import { beginDelete, completeDelete, groupId, props, reply, requireGroup, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";
import { vnetAt } from "./virtual-network-views.js";

export const PRIVATE_ZONE_TYPE = "Microsoft.Network/privateDnsZones";
export const VNET_LINK_TYPE = `${PRIVATE_ZONE_TYPE}/virtualNetworkLinks`;

const LABEL = /^[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?$/i;
const LINK_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,78}[a-zA-Z0-9_])?$/;

export const privateZoneId = (sub: string, group: string, zone: string) => `${groupId(sub, group)}/providers/${PRIVATE_ZONE_TYPE}/${zone.toLowerCase()}`;
const etag = () => randomUUID();
const same = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

export function privateZoneAt(ctx: CloudContext, id: unknown): ArmResource | undefined {
  if (typeof id !== "string") return undefined;
  const found = ctx.store.getResource(id);
  return found && found.type.toLowerCase() === PRIVATE_ZONE_TYPE.toLowerCase() ? found : undefined;
}

const linksOf = (ctx: CloudContext, zone: ArmResource) => ctx.store.listResources(`${zone.id}/virtualNetworkLinks/`, VNET_LINK_TYPE);

/** Whether the zone is linked to the VNet (a link that has finished, or is finishing, its provisioning). */
export function zoneLinkedTo(ctx: CloudContext, zone: ArmResource, vnetIdValue: string) {
  return linksOf(ctx, zone).some((l) => same(((props(l).virtualNetwork ?? {}) as Json).id, vnetIdValue));
}

function renderZone(ctx: CloudContext, zone: ArmResource): Json {
  const links = linksOf(ctx, zone);
  return {
    ...zone.body,
    properties: {
      ...props(zone),
      numberOfVirtualNetworkLinks: links.length,
      numberOfVirtualNetworkLinksWithRegistration: links.filter((l) => props(l).registrationEnabled === true).length,
    },
  };
}

const renderLink = (_ctx: CloudContext, link: ArmResource) => link.body;

function requireLocationGlobal(body: Json, type: string) {
  const location = body.location;
  if (typeof location !== "string" || !location) throw badRequest("LocationRequired", "The location property is required for this definition.");
  if (location.toLowerCase() !== "global") {
    throw badRequest("LocationNotAvailableForResourceType", `The provided location '${location}' is not available for resource type '${type}'. List of available regions for the resource type is 'global'.`);
  }
}

function zoneParams(ar: ArmRequest) {
  const [sub, group, zone, link] = ar.params as [string, string, string, string?];
  return { sub, group, zone, link };
}

function requireZone(ctx: CloudContext, ar: ArmRequest): ArmResource {
  const { sub, group, zone } = zoneParams(ar);
  requireGroup(ctx, sub, group);
  const found = privateZoneAt(ctx, privateZoneId(sub, group, zone));
  if (!found) throw notFound(PRIVATE_ZONE_TYPE, zone, group);
  return found;
}

function start(ctx: CloudContext, ar: ArmRequest, resource: ArmResource, created: boolean) {
  ctx.store.putResource(resource);
  ctx.store.count(resource.id, "puts");
  if (created) ctx.store.count(resource.id, "created");
  const op = ctx.lro.start({ kind: "privateDns", action: created ? "create" : "update", resourceId: resource.id, resourceType: resource.type, location: "global", name: String(resource.body.name) });
  return ctx.lro.headers(op, ar.apiVersion);
}

async function putZone(ctx: CloudContext, ar: ArmRequest) {
  const { sub, group, zone } = zoneParams(ar);
  const labels = zone.replace(/\.$/, "").split(".");
  if (zone.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    throw invalidName(PRIVATE_ZONE_TYPE, zone, "A private DNS zone name must have at least two labels of 1 to 63 letters, digits, hyphens or underscores, separated by dots, and at most 253 characters.");
  }
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  checkTags(body);
  requireLocationGlobal(body, PRIVATE_ZONE_TYPE);
  const id = privateZoneId(sub, String(rg.body.name ?? group), zone);
  const existing = privateZoneAt(ctx, id);
  const resource: ArmResource = {
    id,
    type: PRIVATE_ZONE_TYPE,
    body: {
      id,
      name: zone.toLowerCase(),
      type: PRIVATE_ZONE_TYPE,
      etag: etag(),
      location: "global",
      ...((body.tags ?? existing?.body.tags) ? { tags: body.tags ?? existing?.body.tags } : {}),
      systemData: systemData(existing),
      properties: {
        maxNumberOfRecordSets: 25000,
        maxNumberOfVirtualNetworkLinks: 1000,
        maxNumberOfVirtualNetworkLinksWithRegistration: 100,
        numberOfRecordSets: 1,
        provisioningState: existing ? "Updating" : "Creating",
        internalId: (existing ? props(existing).internalId : undefined) ?? Buffer.from(`${id.toLowerCase()}`).toString("base64").slice(0, 60),
      },
    },
  };
  const headers = start(ctx, ar, resource, !existing);
  reply(ar, existing ? 200 : 201, renderZone(ctx, resource), headers);
}

async function putLink(ctx: CloudContext, ar: ArmRequest) {
  const zone = requireZone(ctx, ar);
  const name = zoneParams(ar).link as string;
  if (!LINK_NAME.test(name)) throw invalidName(VNET_LINK_TYPE, name, "A link name must be 1 to 80 letters, digits, hyphens, periods or underscores, starting with a letter or digit.");
  const body = await ar.body();
  checkTags(body);
  requireLocationGlobal(body, VNET_LINK_TYPE);
  const p = (body.properties ?? {}) as Json;
  const vnetRef = isPlainObject(p.virtualNetwork) ? p.virtualNetwork.id : undefined;
  const id = `${zone.id}/virtualNetworkLinks/${name}`;
  const existing = ctx.store.getResource(id);
  if (typeof vnetRef !== "string" || !vnetRef) throw badRequest("BadRequest", "The virtual network of a virtual network link is required: properties.virtualNetwork.id.");
  const vnet = vnetAt(ctx, vnetRef);
  if (!vnet) throw badRequest("BadRequest", `Virtual network '${vnetRef}' referenced by virtual network link '${name}' was not found.`);
  if (existing && !same(((props(existing).virtualNetwork ?? {}) as Json).id, vnet.id)) {
    throw badRequest("BadRequest", `The virtual network of virtual network link '${name}' cannot be changed.`);
  }
  const twin = linksOf(ctx, zone).find((l) => !same(l.id, id) && same(((props(l).virtualNetwork ?? {}) as Json).id, vnet.id));
  if (twin) {
    throw new ArmError(409, "Conflict", `A virtual network cannot be linked to the same private DNS zone more than once. Virtual network '${vnet.id}' is already linked to private DNS zone '${String(zone.body.name)}' by virtual network link '${String(twin.body.name)}'.`);
  }
  const resource: ArmResource = {
    id,
    type: VNET_LINK_TYPE,
    body: {
      id,
      name: existing?.body.name ?? name,
      type: VNET_LINK_TYPE,
      etag: etag(),
      location: "global",
      ...((body.tags ?? existing?.body.tags) ? { tags: body.tags ?? existing?.body.tags } : {}),
      systemData: systemData(existing),
      properties: {
        virtualNetwork: { id: vnet.id },
        registrationEnabled: p.registrationEnabled === true,
        resolutionPolicy: p.resolutionPolicy ?? "Default",
        virtualNetworkLinkState: "InProgress",
        provisioningState: existing ? "Updating" : "Creating",
      },
    },
  };
  const headers = start(ctx, ar, resource, !existing);
  reply(ar, existing ? 200 : 201, resource.body, headers);
}

function settle(ctx: CloudContext, op: OperationRecord) {
  if (completeDelete(ctx, op)) return;
  const resource = ctx.store.getResource(op.resourceId);
  if (!resource) return;
  const p = props(resource);
  if (op.status === "Succeeded") {
    p.provisioningState = "Succeeded";
    if (resource.type === VNET_LINK_TYPE) p.virtualNetworkLinkState = "Completed";
  } else {
    p.provisioningState = "Failed";
    // A link that failed to be made leaves nothing behind.
    if (op.action === "create") ctx.store.deleteResource(resource.id);
  }
  ctx.store.changed();
}

export function registerPrivateDns(ctx: CloudContext) {
  ctx.lro.register(PRIVATE_ZONE_TYPE, (op) => settle(ctx, op));
  ctx.lro.register(VNET_LINK_TYPE, (op) => settle(ctx, op));
}

/** Microsoft.Network/privateDnsZones and their virtual network links, as `@azure/arm-privatedns` (2024-06-01) speaks them. */
export const privateDnsRoutes: ArmRoute[] = [
  ...listRoutes(PRIVATE_ZONE_TYPE, "privateDnsZone", renderZone),
  {
    pattern: route(`/subscriptions/{}/resourcegroups/{}/providers/${PRIVATE_ZONE_TYPE}/{}`),
    kind: "privateDnsZone",
    methods: {
      PUT: putZone,
      GET: (ctx, ar) => reply(ar, 200, renderZone(ctx, requireZone(ctx, ar))),
      DELETE: (ctx, ar) => {
        const { sub, group, zone } = zoneParams(ar);
        requireGroup(ctx, sub, group);
        const found = privateZoneAt(ctx, privateZoneId(sub, group, zone));
        if (found && linksOf(ctx, found).length > 0) throw new ArmError(409, "CannotDeleteResource", "Can not delete resource before nested resources are deleted.");
        beginDelete(ctx, ar, found, { stateField: "provisioningState" });
      },
    },
  },
  ...childRoutes(PRIVATE_ZONE_TYPE, { segment: "virtualNetworkLinks", type: VNET_LINK_TYPE, kind: "privateDnsZoneLink", parent: requireZone, render: renderLink, put: putLink }),
];
