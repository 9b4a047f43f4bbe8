import { randomUUID } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { isPlainObject, shortHash } from "../util.js";
import { ArmError, badRequest, checkTags, invalidName, notFound } from "./errors.js";
import { beginDelete, completeDelete, groupId, listBody, reply, requireGroup, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export const DNS_ZONE_TYPE = "Microsoft.Network/dnszones";
/** The record types Azure DNS serves; the emulator stores any of them as given. */
const RECORD_TYPES = ["A", "AAAA", "CAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"];
/** Where each type keeps its records in a record set's properties. */
const RECORD_FIELD: Record<string, string> = {
  A: "ARecords",
  AAAA: "AAAARecords",
  CAA: "caaRecords",
  CNAME: "CNAMERecord",
  MX: "MXRecords",
  NS: "NSRecords",
  PTR: "PTRRecords",
  SOA: "SOARecord",
  SRV: "SRVRecords",
  TXT: "TXTRecords",
};

const LABEL = /^[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?$/i;

export const zoneId = (sub: string, group: string, zone: string) => `${groupId(sub, group)}/providers/Microsoft.Network/dnszones/${zone.toLowerCase()}`;
const canonicalType = (type: string) => RECORD_TYPES.find((t) => t === type.toUpperCase());
export const recordSetId = (zone: string, type: string, name: string) => `${zone}/${type}/${name.toLowerCase()}`;
const newEtag = () => randomUUID();

function checkZoneName(name: string) {
  const labels = name.replace(/\.$/, "").split(".");
  if (name.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    throw invalidName(DNS_ZONE_TYPE, name, "A DNS zone name must have at least two labels of 1 to 63 letters, digits, hyphens or underscores, separated by dots, and at most 253 characters.");
  }
}

/** Azure DNS's If-Match / If-None-Match: "*" or an etag; a mismatch is 412 PreconditionFailed. */
function checkPreconditions(ar: ArmRequest, existing: ArmResource | undefined, what: string) {
  const ifMatch = ar.req.headers["if-match"];
  const ifNoneMatch = ar.req.headers["if-none-match"];
  if (ifNoneMatch === "*" && existing) throw new ArmError(412, "PreconditionFailed", `The ${what} already exists.`);
  if (typeof ifMatch === "string" && ifMatch !== "*" && (!existing || String(existing.body.etag) !== ifMatch.replace(/^W\//, "").replace(/"/g, ""))) {
    throw new ArmError(412, "PreconditionFailed", `The ${what} has been modified (etag mismatch).`);
  }
  if (ifMatch === "*" && !existing) throw new ArmError(412, "PreconditionFailed", `The ${what} does not exist.`);
}

function recordCount(ctx: CloudContext, zone: ArmResource) {
  return ctx.store.listResources(`${zone.id}/`).filter((r) => r.type.toLowerCase().startsWith(`${DNS_ZONE_TYPE.toLowerCase()}/`)).length;
}

function refreshCount(ctx: CloudContext, zone: ArmResource) {
  (zone.body.properties as Json).numberOfRecordSets = recordCount(ctx, zone);
  ctx.store.changed();
}

function zoneNameServers(id: string) {
  const n = (parseInt(shortHash(id.toLowerCase(), 2), 16) % 9) + 1;
  return [`ns1-0${n}.azure-dns.com.`, `ns2-0${n}.azure-dns.net.`, `ns3-0${n}.azure-dns.org.`, `ns4-0${n}.azure-dns.info.`];
}

function requireZone(ctx: CloudContext, sub: string, group: string, zone: string): ArmResource {
  requireGroup(ctx, sub, group);
  const found = ctx.store.getResource(zoneId(sub, group, zone));
  if (!found) throw notFound(DNS_ZONE_TYPE, zone, group);
  return found;
}

/** The zone at an ARM id (any casing), if it exists. */
export function zoneAt(ctx: CloudContext, id: string): ArmResource | undefined {
  const found = ctx.store.getResource(id);
  return found && found.type.toLowerCase() === DNS_ZONE_TYPE.toLowerCase() ? found : undefined;
}

/** Writes a record set as Azure DNS stores it (fqdn with its trailing dot, a new etag). */
export function putRecordSet(ctx: CloudContext, zone: ArmResource, type: string, relativeName: string, input: Json, existing?: ArmResource): ArmResource {
  const name = relativeName.toLowerCase();
  const zoneName = String(zone.body.name);
  const id = recordSetId(zone.id, type, name);
  const given = (input.properties ?? {}) as Json;
  const field = RECORD_FIELD[type] as string;
  const body: Json = {
    id,
    name,
    type: `Microsoft.Network/dnszones/${type}`,
    etag: newEtag(),
    properties: {
      ...(given.metadata ? { metadata: given.metadata } : {}),
      TTL: given.TTL ?? given.ttl ?? 3600,
      fqdn: `${name === "@" ? zoneName : `${name}.${zoneName}`}.`,
      provisioningState: "Succeeded",
      targetResource: given.targetResource ?? {},
      ...(given[field] !== undefined ? { [field]: given[field] } : type === "CNAME" || type === "SOA" ? {} : { [field]: [] }),
    },
  };
  const resource: ArmResource = { id, type: `Microsoft.Network/dnszones/${type}`, body };
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  if (!existing) ctx.store.count(id, "created");
  refreshCount(ctx, zone);
  return resource;
}

export function deleteRecordSet(ctx: CloudContext, zone: ArmResource, type: string, relativeName: string) {
  const id = recordSetId(zone.id, type, relativeName);
  if (!ctx.store.getResource(id)) return false;
  ctx.store.deleteResource(id);
  ctx.store.count(id, "deletes");
  refreshCount(ctx, zone);
  return true;
}

export const getRecordSet = (ctx: CloudContext, zone: ArmResource, type: string, relativeName: string) => ctx.store.getResource(recordSetId(zone.id, type, relativeName));

/** Whoever listens (the add-on's external-dns) hears of zone changes. */
const changed = (ctx: CloudContext) => ctx.appRouting.armChanged();

function zoneParams(ar: ArmRequest) {
  return ar.params as [string, string, string, string?, string?];
}

async function putZone(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = zoneParams(ar);
  checkZoneName(name);
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  checkTags(body);
  const location = String(body.location ?? "");
  if (!location) throw badRequest("LocationRequired", "The location property is required for this definition.");
  if (location.toLowerCase() !== "global") {
    throw badRequest("LocationNotAvailableForResourceType", `The provided location '${location}' is not available for resource type '${DNS_ZONE_TYPE}'. List of available regions for the resource type is 'global'.`);
  }
  const id = zoneId(sub, (rg.body.name as string) ?? group, name);
  const existing = ctx.store.getResource(id);
  checkPreconditions(ar, existing, "zone");
  const given = (body.properties ?? {}) as Json;
  const zoneType = (given.zoneType as string | undefined) ?? ((existing?.body.properties as Json | undefined)?.zoneType as string | undefined) ?? "Public";
  const resource: ArmResource = {
    id,
    type: DNS_ZONE_TYPE,
    body: {
      id,
      name: name.toLowerCase(),
      type: "Microsoft.Network/dnszones",
      etag: newEtag(),
      location: "global",
      ...(body.tags ? { tags: body.tags } : existing?.body.tags ? { tags: existing.body.tags } : {}),
      systemData: systemData(existing),
      properties: { maxNumberOfRecordSets: 10000, maxNumberOfRecordsPerRecordSet: 20, numberOfRecordSets: 0, nameServers: zoneNameServers(id), zoneType },
    },
  };
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  if (!existing) {
    ctx.store.count(id, "created");
    // A new zone has its apex SOA and NS record sets, as Azure DNS creates them.
    const ns = (resource.body.properties as Json).nameServers as string[];
    putRecordSet(ctx, resource, "NS", "@", { properties: { TTL: 172800, NSRecords: ns.map((nsdname) => ({ nsdname })) } });
    putRecordSet(ctx, resource, "SOA", "@", {
      properties: { TTL: 3600, SOARecord: { host: ns[0], email: "azuredns-hostmaster.microsoft.com", serialNumber: 1, refreshTime: 3600, retryTime: 300, expireTime: 2419200, minimumTTL: 300 } },
    });
  }
  refreshCount(ctx, resource);
  changed(ctx);
  reply(ar, existing ? 200 : 201, resource.body);
}

async function putRecord(ctx: CloudContext, ar: ArmRequest, merge: boolean) {
  const [sub, group, zoneName, rawType, name] = zoneParams(ar) as [string, string, string, string, string];
  const type = canonicalType(rawType);
  if (!type) throw badRequest("BadRequest", `The record type '${rawType}' is not supported.`);
  const zone = requireZone(ctx, sub, group, zoneName);
  const body = await ar.body();
  if (body.properties !== undefined && !isPlainObject(body.properties)) throw badRequest("InvalidRequestContent", "The request content was invalid: 'properties' must be an object.");
  if (type === "SOA" && name !== "@") throw badRequest("BadRequest", "The SOA record set can only be created at the zone apex ('@').");
  const existing = getRecordSet(ctx, zone, type, name);
  checkPreconditions(ar, existing, `Record set ${name}`);
  if (merge && !existing) throw new ArmError(404, "NotFound", `The resource record '${name}' does not exist in resource group '${group}' of subscription '${sub}'.`);
  if (type === "CNAME" && !getRecordSet(ctx, zone, "CNAME", name) && RECORD_TYPES.some((t) => t !== "CNAME" && getRecordSet(ctx, zone, t, name))) {
    throw new ArmError(409, "Conflict", `The record set ${name} could not be created because a record set of another type exists with the same name. A CNAME record set cannot coexist with other record sets.`);
  }
  if (type !== "CNAME" && getRecordSet(ctx, zone, "CNAME", name)) {
    throw new ArmError(409, "Conflict", `The record set ${name} could not be created because a CNAME record set with the same name exists.`);
  }
  const input = merge ? { properties: { ...((existing?.body.properties ?? {}) as Json), ...((body.properties ?? {}) as Json) } } : body;
  const resource = putRecordSet(ctx, zone, type, name, input, existing);
  changed(ctx);
  reply(ar, existing ? 200 : 201, resource.body);
}

export function registerDnsZones(ctx: CloudContext) {
  ctx.lro.register(DNS_ZONE_TYPE, (op) => {
    completeDelete(ctx, op);
    changed(ctx);
  });
}

const base = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Network/dnszones";
const isRecordType = (r: ArmResource) => r.type.toLowerCase().startsWith(`${DNS_ZONE_TYPE.toLowerCase()}/`);

function listRecords(ctx: CloudContext, ar: ArmRequest, zone: ArmResource, type?: string) {
  const suffix = ar.url.searchParams.get("$recordsetnamesuffix")?.toLowerCase();
  const records = ctx.store
    .listResources(`${zone.id}/`)
    .filter((r) => isRecordType(r) && (!type || r.type.toLowerCase() === `${DNS_ZONE_TYPE}/${type}`.toLowerCase()))
    .filter((r) => !suffix || String(r.body.name).endsWith(suffix));
  const top = Number(ar.url.searchParams.get("$top") ?? "");
  return listBody(ctx, ar, Number.isInteger(top) && top > 0 ? records.slice(0, top) : records);
}

/** Microsoft.Network/dnsZones and their record sets, as `@azure/arm-dns` (2018-05-01) speaks them. */
export const dnsZoneRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.Network/dnszones"),
    kind: "dnsZone",
    methods: { GET: (ctx, ar) => reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`/subscriptions/${ar.params[0]}/`, DNS_ZONE_TYPE))) },
  },
  {
    pattern: route(base),
    kind: "dnsZone",
    methods: {
      GET: (ctx, ar) => {
        const [sub, group] = ar.params as [string, string];
        requireGroup(ctx, sub, group);
        reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`${groupId(sub, group)}/`, DNS_ZONE_TYPE)));
      },
    },
  },
  {
    pattern: route(`${base}/{}`),
    kind: "dnsZone",
    methods: {
      PUT: putZone,
      GET: (ctx, ar) => {
        const [sub, group, name] = zoneParams(ar);
        reply(ar, 200, requireZone(ctx, sub, group, name).body);
      },
      PATCH: async (ctx, ar) => {
        const [sub, group, name] = zoneParams(ar);
        const zone = requireZone(ctx, sub, group, name);
        checkPreconditions(ar, zone, "zone");
        const body = await ar.body();
        checkTags(body);
        if (isPlainObject(body.tags)) zone.body.tags = body.tags;
        zone.body.etag = newEtag();
        zone.body.systemData = systemData(zone);
        ctx.store.changed();
        reply(ar, 200, zone.body);
      },
      DELETE: (ctx, ar) => {
        const [sub, group, name] = zoneParams(ar);
        requireGroup(ctx, sub, group);
        const zone = ctx.store.getResource(zoneId(sub, group, name));
        if (zone) checkPreconditions(ar, zone, "zone");
        beginDelete(ctx, ar, zone);
      },
    },
  },
  {
    pattern: route(`${base}/{}/(?:recordsets|all)`),
    kind: "dnsRecordSet",
    methods: {
      GET: (ctx, ar) => {
        const [sub, group, name] = zoneParams(ar);
        reply(ar, 200, listRecords(ctx, ar, requireZone(ctx, sub, group, name)));
      },
    },
  },
  {
    pattern: route(`${base}/{}/{}`),
    kind: "dnsRecordSet",
    methods: {
      GET: (ctx, ar) => {
        const [sub, group, name, rawType] = zoneParams(ar) as [string, string, string, string];
        const type = canonicalType(rawType);
        if (!type) throw badRequest("BadRequest", `The record type '${rawType}' is not supported.`);
        reply(ar, 200, listRecords(ctx, ar, requireZone(ctx, sub, group, name), type));
      },
    },
  },
  {
    pattern: route(`${base}/{}/{}/{}`),
    kind: "dnsRecordSet",
    methods: {
      PUT: (ctx, ar) => putRecord(ctx, ar, false),
      PATCH: (ctx, ar) => putRecord(ctx, ar, true),
      GET: (ctx, ar) => {
        const [sub, group, zoneName, rawType, name] = zoneParams(ar) as [string, string, string, string, string];
        const type = canonicalType(rawType);
        const zone = requireZone(ctx, sub, group, zoneName);
        const found = type ? getRecordSet(ctx, zone, type, name) : undefined;
        if (!found) throw new ArmError(404, "NotFound", `The resource record '${name}' does not exist in resource group '${group}' of subscription '${sub}'.`);
        reply(ar, 200, found.body);
      },
      DELETE: (ctx, ar) => {
        const [sub, group, zoneName, rawType, name] = zoneParams(ar) as [string, string, string, string, string];
        const type = canonicalType(rawType);
        if (!type) throw badRequest("BadRequest", `The record type '${rawType}' is not supported.`);
        const zone = requireZone(ctx, sub, group, zoneName);
        if (type === "SOA" || (type === "NS" && name === "@")) throw badRequest("BadRequest", `The ${type} record set at the zone apex cannot be deleted.`);
        const existing = getRecordSet(ctx, zone, type, name);
        if (existing) checkPreconditions(ar, existing, `Record set ${name}`);
        const removed = deleteRecordSet(ctx, zone, type, name);
        if (removed) changed(ctx);
        reply(ar, removed ? 200 : 204);
      },
    },
  },
];
