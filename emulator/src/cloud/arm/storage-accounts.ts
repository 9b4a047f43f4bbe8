/**
 * Microsoft.Storage/storageAccounts, as `@azure/arm-storage` (2026-06-01) speaks them and the
 * Storage resource provider answers: a create is `202 Accepted` with only a `Location` to poll,
 * which answers 202 until the account is made and then 200 with the account; a PUT of an existing
 * account updates it at once (200). PATCH, GET, DELETE (200, 204 when absent) and the lists. Names
 * are DNS labels (`<name>.blob.core.windows.net`), so unique across every subscription. The
 * account's blob endpoint is the emulator's blob listener (`../storage/blob-service.ts`).
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { isPlainObject } from "../util.js";
import { ArmError, badRequest, checkTags } from "./errors.js";
import { requireLocation } from "./locations.js";
import { listRoutes } from "./resource-routes.js";
import { deleteNow, groupId, isoNow, props, refuseMove, reply, requireGroup, requireResource, route, type ArmRequest, type ArmRoute } from "./resources.js";

export const STORAGE_ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts";

const NAME_RULE = /^[a-z0-9]{3,24}$/;
const KINDS = ["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"];
const SKUS = ["Standard_LRS", "Standard_GRS", "Standard_RAGRS", "Standard_ZRS", "Premium_LRS", "Premium_ZRS", "Standard_GZRS", "Standard_RAGZRS"];
const TLS_VERSIONS = ["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"];
/** The settings a client may change, as the account answers them. */
const SETTABLE = ["allowSharedKeyAccess", "minimumTlsVersion", "allowBlobPublicAccess", "supportsHttpsTrafficOnly", "defaultToOAuthAuthentication", "accessTier", "publicNetworkAccess", "isHnsEnabled", "encryption", "networkAcls"];
const BOOLEANS = ["allowSharedKeyAccess", "allowBlobPublicAccess", "supportsHttpsTrafficOnly", "defaultToOAuthAuthentication", "isHnsEnabled"];

export const storageAccountId = (sub: string, group: string, name: string) => `${groupId(sub, group)}/providers/${STORAGE_ACCOUNT_TYPE}/${name}`;

/** Every storage account of the cloud, whatever its subscription. */
export const allStorageAccounts = (ctx: CloudContext) => Object.values(ctx.store.state.resources).filter((r) => r.type === STORAGE_ACCOUNT_TYPE);

/** The account of that name (names are global), if there is one. */
export const storageAccountNamed = (ctx: CloudContext, name: string) => allStorageAccounts(ctx).find((r) => String(r.body.name) === name);

/** Whether the account takes Shared Key (and SAS) requests: unset means yes, as on Azure. */
export const sharedKeyAllowed = (account: ArmResource) => props(account).allowSharedKeyAccess !== false;

/** The account a request names, or ARM's 404. */
export function requireStorageAccount(ctx: CloudContext, ar: ArmRequest): ArmResource {
  const [sub, group, name] = ar.params as [string, string, string];
  return requireResource(ctx, sub, group, storageAccountId(sub, group, name), STORAGE_ACCOUNT_TYPE);
}

/** The account as served: the stored body plus its endpoint on the emulator's blob listener. */
export function renderAccount(ctx: CloudContext, account: ArmResource): Json {
  const p = props(account);
  const name = String(account.body.name);
  return {
    ...account.body,
    properties: { ...p, primaryEndpoints: { blob: ctx.blob.endpointOf(name) }, primaryLocation: account.body.location, statusOfPrimary: "available" },
  };
}

function checkName(name: string) {
  if (!NAME_RULE.test(name)) {
    // Azure's words.
    throw badRequest("AccountNameInvalid", `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`);
  }
}

/** The settings of a PUT or PATCH, checked as the provider checks them (codes for these are best guesses). */
function settingsOf(input: Json): Json {
  const out: Json = {};
  for (const key of SETTABLE) {
    if (input[key] === undefined || input[key] === null) continue;
    if (BOOLEANS.includes(key) && typeof input[key] !== "boolean") throw badRequest("InvalidRequestPropertyValue", `The value '${String(input[key])}' is not allowed for property ${key}.`);
    out[key] = input[key];
  }
  if (out.minimumTlsVersion !== undefined && !TLS_VERSIONS.includes(String(out.minimumTlsVersion))) {
    throw badRequest("InvalidRequestPropertyValue", `The value '${String(out.minimumTlsVersion)}' is not allowed for property minimumTlsVersion.`);
  }
  return out;
}

function skuOf(body: Json, existing?: ArmResource): Json {
  const name = isPlainObject(body.sku) ? String(body.sku.name ?? "") : String((existing?.body.sku as Json | undefined)?.name ?? "");
  if (!name) throw badRequest("MissingRequiredParameter", "The sku.name property is required.");
  if (!SKUS.includes(name)) throw badRequest("InvalidValuesForRequestParameters", `Values for request parameters are invalid: sku.name '${name}'.`);
  return { name, tier: name.startsWith("Premium") ? "Premium" : "Standard" };
}

function kindOf(body: Json, existing?: ArmResource): string {
  const kind = String(body.kind ?? existing?.body.kind ?? "");
  if (!kind) throw badRequest("MissingRequiredParameter", "The kind property is required.");
  if (!KINDS.includes(kind)) throw badRequest("InvalidValuesForRequestParameters", `Values for request parameters are invalid: kind '${kind}'.`);
  return kind;
}

/** The answer to a poll of the account's create: 202 while it runs, then 200 with the account. */
const POLL_PATH = (sub: string, location: string, op: string) => `/subscriptions/${sub}/providers/Microsoft.Storage/locations/${location}/asyncoperations/${op}`;

async function put(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  checkName(name);
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  const location = requireLocation(body, STORAGE_ACCOUNT_TYPE);
  checkTags(body);
  const existing = ctx.store.getResource(storageAccountId(sub, group, name));
  const other = storageAccountNamed(ctx, name);
  if (other && other.id.toLowerCase() !== storageAccountId(sub, group, name).toLowerCase()) {
    throw new ArmError(409, "StorageAccountAlreadyTaken", `The storage account named ${name} is already taken.`);
  }
  if (existing) refuseMove(existing, location, group);
  const input = isPlainObject(body.properties) ? body.properties : {};
  const settings = settingsOf(input);
  const sku = skuOf(body, existing);
  const kind = kindOf(body, existing);
  if (existing) {
    if (props(existing).provisioningState !== "Succeeded") {
      throw new ArmError(409, "StorageAccountOperationInProgress", `An operation is currently performing on this storage account that requires exclusive access.`);
    }
    Object.assign(existing.body, { sku, kind, ...(body.tags ? { tags: body.tags } : {}) });
    Object.assign(props(existing), settings);
    ctx.store.putResource(existing);
    ctx.store.count(existing.id, "puts");
    return reply(ar, 200, renderAccount(ctx, existing));
  }
  const id = storageAccountId(sub, String(rg.body.name ?? group), name);
  const resource: ArmResource = {
    id,
    type: STORAGE_ACCOUNT_TYPE,
    body: {
      id,
      name,
      type: STORAGE_ACCOUNT_TYPE,
      location,
      kind,
      sku,
      tags: body.tags ?? {},
      properties: {
        // New accounts' defaults since late 2023 (no anonymous access, TLS 1.2, HTTPS only).
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        supportsHttpsTrafficOnly: true,
        ...(kind === "StorageV2" || kind === "BlobStorage" ? { accessTier: "Hot" } : {}),
        ...settings,
        provisioningState: "Creating",
        creationTime: isoNow(),
      },
    },
  };
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  ctx.store.count(id, "created");
  ctx.blob.addAccount(name);
  const op = ctx.lro.start({ kind: "storageAccount", action: "create", resourceId: id, resourceType: STORAGE_ACCOUNT_TYPE, location, name });
  const poll = `${ctx.baseUrl}${POLL_PATH(sub, location, op.id)}?monitor=true&api-version=${encodeURIComponent(ar.apiVersion)}`;
  reply(ar, 202, undefined, { location: poll, "retry-after": retryAfter(op) });
}

/** Seconds the provider asks a poller to wait: about what is left (the SDKs honour it). */
const retryAfter = (op: OperationRecord) => String(Math.max(0, Math.ceil((op.endsAt - Date.now()) / 1000)));

/** The SDK's `update`: tags, SKU and settings change; what the request leaves out stays. */
async function patch(ctx: CloudContext, ar: ArmRequest) {
  const account = requireStorageAccount(ctx, ar);
  const body = await ar.body();
  checkTags(body);
  if (isPlainObject(body.tags)) account.body.tags = body.tags;
  if (body.sku !== undefined) account.body.sku = skuOf(body, account);
  Object.assign(props(account), settingsOf(isPlainObject(body.properties) ? body.properties : {}));
  ctx.store.count(account.id, "patches");
  ctx.store.changed();
  reply(ar, 200, renderAccount(ctx, account));
}

function settle(ctx: CloudContext, op: OperationRecord) {
  const account = ctx.store.getResource(op.resourceId);
  if (!account) return;
  props(account).provisioningState = op.status === "Succeeded" ? "Succeeded" : "Failed";
  ctx.store.changed();
}

export function registerStorageAccounts(ctx: CloudContext) {
  ctx.lro.register(STORAGE_ACCOUNT_TYPE, (op) => settle(ctx, op));
  ctx.onRemoved.push((r) => {
    if (r.type === STORAGE_ACCOUNT_TYPE) ctx.blob.removeAccount(String(r.body.name));
  });
}

const render = (ctx: CloudContext, account: ArmResource) => renderAccount(ctx, account);

export const storageAccountRoutes: ArmRoute[] = [
  ...listRoutes(STORAGE_ACCOUNT_TYPE, "storageAccount", render),
  {
    pattern: route(`/subscriptions/{}/resourcegroups/{}/providers/${STORAGE_ACCOUNT_TYPE}/{}`),
    kind: "storageAccount",
    methods: {
      PUT: put,
      GET: (ctx, ar) => reply(ar, 200, renderAccount(ctx, requireStorageAccount(ctx, ar))),
      PATCH: patch,
      DELETE: (ctx, ar) => {
        const [sub, group, name] = ar.params as [string, string, string];
        requireGroup(ctx, sub, group);
        deleteNow(ctx, ar, ctx.store.getResource(storageAccountId(sub, group, name)));
      },
    },
  },
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.Storage/locations/{}/asyncoperations/{}"),
    kind: "operationStatus",
    methods: {
      GET: (ctx, ar) => {
        const op = ctx.lro.get(ar.params[2] as string);
        if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${ar.params[2]}' was not found.`);
        if (op.status === "InProgress") return reply(ar, 202, undefined, { location: `${ctx.baseUrl}${ar.url.pathname}${ar.url.search}`, "retry-after": retryAfter(op) });
        if (op.status !== "Succeeded") {
          const error = ctx.lro.statusBody(op).error ?? { code: "Failed", message: "The operation failed." };
          throw new ArmError(500, error.code, error.message);
        }
        const account = ctx.store.getResource(op.resourceId);
        if (!account) throw new ArmError(404, "ResourceNotFound", `The Resource '${STORAGE_ACCOUNT_TYPE}/${op.resourceId.split("/").pop()}' was not found.`);
        reply(ar, 200, renderAccount(ctx, account));
      },
    },
  },
];
