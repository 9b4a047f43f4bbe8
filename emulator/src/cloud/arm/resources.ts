import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../../http.js";
import type { LatencyKind } from "../config.js";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { ArmError, groupNotFound, notFound } from "./errors.js";

export interface ArmRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  apiVersion: string;
  /** The route's captured path segments, decoded. */
  params: string[];
  /** The JSON body; 400 InvalidRequestContent when it is not a JSON object. */
  body: () => Promise<Json>;
}

export const isoNow = () => new Date().toISOString();

export function systemData(existing?: ArmResource): Json {
  const now = isoNow();
  const created = (existing?.body.systemData as Json | undefined) ?? { createdBy: "emulator", createdByType: "Application", createdAt: now };
  return { ...created, lastModifiedBy: "emulator", lastModifiedByType: "Application", lastModifiedAt: now };
}

export function reply(ar: ArmRequest, status: number, body?: unknown, headers: Record<string, string> = {}) {
  if (body === undefined) {
    ar.res.writeHead(status, headers);
    ar.res.end();
  } else {
    sendJson(ar.res, status, body, headers);
  }
}

export function groupId(sub: string, group: string) {
  return `/subscriptions/${sub}/resourceGroups/${group}`;
}

export function requireGroup(ctx: CloudContext, sub: string, group: string): ArmResource {
  const rg = ctx.store.getResource(groupId(sub, group));
  if (!rg) throw groupNotFound(group);
  return rg;
}

/** A resource of `type` at `id`, or ARM's 404 (ResourceGroupNotFound when the group itself is missing). */
export function requireResource(ctx: CloudContext, sub: string, group: string, id: string, type: string): ArmResource {
  requireGroup(ctx, sub, group);
  const resource = ctx.store.getResource(id);
  if (!resource || resource.type.toLowerCase() !== type.toLowerCase()) throw notFound(type, id.split("/").pop() ?? "", group);
  return resource;
}

export const props = (resource: ArmResource) => (resource.body.properties ??= {}) as Json;

/** ARM refuses a second write while a long-running operation is still at work on the resource. */
export function refuseWhileBusy(ctx: CloudContext, resource: ArmResource, what: string) {
  const busy = ctx.lro.inFlight(resource.id).find((op) => op.resourceId.toLowerCase() === resource.id.toLowerCase());
  if (busy) {
    throw new ArmError(
      409,
      "OperationNotAllowed",
      `Operation is not allowed because there's an in progress ${busy.action} ${what} operation (${busy.id}) on '${resource.body.name as string}'. Please wait for it to complete before starting a new one.`,
    );
  }
}

/** Removes a resource and everything under it, as ARM does when a parent goes. */
export function removeTree(ctx: CloudContext, id: string, exceptOperation?: string) {
  ctx.lro.cancel(id, exceptOperation);
  const doomed = ctx.store.listResources(id).filter((r) => r.id.toLowerCase() === id.toLowerCase() || r.id.toLowerCase().startsWith(`${id.toLowerCase()}/`));
  // Children first, so a hook for a child still sees its parent.
  doomed.sort((a, b) => b.id.length - a.id.length);
  for (const resource of doomed) {
    ctx.store.deleteResource(resource.id);
    ctx.store.count(resource.id, "deletes");
    for (const hook of ctx.onRemoved) hook(resource);
  }
}

/** A delete the service carries out at once: 200 without a body, or 204 when there is nothing to delete. */
export function deleteNow(ctx: CloudContext, ar: ArmRequest, resource: ArmResource | undefined) {
  if (!resource) return reply(ar, 204);
  removeTree(ctx, resource.id);
  reply(ar, 200);
}

export interface DeleteOptions {
  /** ARM answers a resource group delete with a Location header only. */
  locationOnly?: boolean;
  /** The property that shows the delete (provisioningState, state). */
  stateField?: string;
  deletingState?: string;
  /** What the property reads after a failed delete; by default what it read before. */
  failedState?: string;
}

/** Starts an ARM delete: 202 with the operation's URLs, or 204 when there is nothing to delete. */
export function beginDelete(ctx: CloudContext, ar: ArmRequest, resource: ArmResource | undefined, options: DeleteOptions = {}) {
  if (!resource) return reply(ar, 204);
  const running = ctx.lro.inFlight(resource.id).find((op) => op.action === "delete" && op.resourceId.toLowerCase() === resource.id.toLowerCase());
  const op =
    running ??
    ctx.lro.start({
      kind: "delete",
      action: "delete",
      resourceId: resource.id,
      resourceType: resource.type,
      location: (resource.body.location as string | undefined) ?? "global",
      name: String(resource.body.name),
    });
  if (!running && options.stateField) {
    const p = props(resource);
    op.restore = { field: options.stateField, value: options.failedState ?? p[options.stateField] };
    p[options.stateField] = options.deletingState ?? "Deleting";
    ctx.store.changed();
  }
  reply(ar, 202, undefined, ctx.lro.headers(op, ar.apiVersion, options.locationOnly));
}

/**
 * Completer for the delete half of an operation; returns true when it handled `op`. A failed
 * delete leaves the resource in place and usable, as Azure does, instead of stuck in Deleting.
 */
export function completeDelete(ctx: CloudContext, op: OperationRecord): boolean {
  if (op.action !== "delete") return false;
  if (op.status === "Succeeded") removeTree(ctx, op.resourceId, op.id);
  const resource = op.status === "Failed" && op.restore ? ctx.store.getResource(op.resourceId) : undefined;
  if (resource && op.restore) {
    props(resource)[op.restore.field] = op.restore.value;
    ctx.store.changed();
  }
  return true;
}

/** Starts a create or update operation and answers as ARM does: 201 (create) or 200 (update) with the body. */
export function beginWrite(
  ctx: CloudContext,
  ar: ArmRequest,
  resource: ArmResource,
  created: boolean,
  kind: LatencyKind,
  createdStatus = 201,
  accepted = created && createdStatus === 202,
  latency?: LatencyKind,
) {
  ctx.store.putResource(resource);
  ctx.store.count(resource.id, ar.method === "PATCH" ? "patches" : "puts");
  if (created) ctx.store.count(resource.id, "created");
  const op = ctx.lro.start({
    kind,
    action: created ? "create" : "update",
    resourceId: resource.id,
    resourceType: resource.type,
    location: (resource.body.location as string | undefined) ?? "global",
    name: String(resource.body.name),
    latency,
  });
  reply(ar, accepted ? 202 : created ? createdStatus : 200, accepted ? undefined : resource.body, ctx.lro.headers(op, ar.apiVersion));
}

/**
 * ARM's own answer to a PUT that moves an existing resource to another region: 409
 * InvalidResourceLocation (a resource's location never changes).
 */
export function refuseMove(existing: ArmResource, requested: string, group: string) {
  const current = String(existing.body.location);
  if (current === requested) return;
  throw new ArmError(
    409,
    "InvalidResourceLocation",
    `The resource '${String(existing.body.name)}' already exists in location '${current}' in resource group '${group}'. A resource with the same name cannot be created in location '${requested}'. Please select a new resource name.`,
  );
}

/**
 * A list page as ARM serves it: at most `armPageSize` items, and a `nextLink` (same URL plus
 * `$skiptoken`) while more remain, so clients that do not follow it miss resources here as on Azure.
 */
export function listBody(ctx: CloudContext, ar: ArmRequest, resources: ArmResource[]) {
  const size = ctx.settings.armPageSize;
  const token = ar.url.searchParams.get("$skiptoken") ?? ar.url.searchParams.get("$skipToken");
  const start = token ? Number(Buffer.from(token, "base64url").toString("utf8")) || 0 : 0;
  const sorted = [...resources].sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
  const page = size > 0 ? sorted.slice(start, start + size) : sorted.slice(start);
  const more = size > 0 && start + size < sorted.length;
  // Written out rather than through URLSearchParams, which would escape the "$" ARM's links carry as is.
  const next = `${ctx.baseUrl}${ar.url.pathname}?api-version=${encodeURIComponent(ar.apiVersion)}&$skiptoken=${Buffer.from(String(start + size)).toString("base64url")}`;
  return { value: page.map((r) => r.body), ...(more ? { nextLink: next } : {}) };
}

export type ArmHandler = (ctx: CloudContext, ar: ArmRequest) => Promise<void> | void;

/** One ARM path (matched case-insensitively, as ARM does) and what each method does there. */
export interface ArmRoute {
  pattern: RegExp;
  /** The operation kind faults are matched on. */
  kind: string;
  methods: Partial<Record<string, ArmHandler>>;
}

/** Builds a case-insensitive route pattern; `{}` stands for one path segment. */
export const route = (template: string) => new RegExp(`^${template.replace(/\./g, "\\.").replace(/\{\}/g, "([^/]+)")}$`, "i");
