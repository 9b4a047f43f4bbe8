/**
 * Microsoft.KeyVault/vaults, as `@azure/arm-keyvault` (2026-02-01) speaks them and Key Vault's
 * provider answers: a PUT is answered at once (201 created, 200 updated) with
 * `properties.provisioningState: Succeeded`, so the SDK's poller ends on the first answer. Names are
 * DNS labels (`<name>.vault.azure.net`), unique across every subscription, and a deleted vault keeps
 * its name in Key Vault's deleted state (`deleted-vaults.ts`) until it is purged or recovered. The
 * vault's `vaultUri` is its own HTTPS port on loopback (`../keyvault/service.ts`).
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { isPlainObject } from "../util.js";
import { ArmError, badRequest, checkTags } from "./errors.js";
import { requireLocation } from "./locations.js";
import { listRoutes } from "./resource-routes.js";
import { deleteNow, groupId, props, refuseMove, reply, requireGroup, requireResource, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";
import { deletedVaultNamed, recoverVault, softDeleteVault } from "./deleted-vaults.js";

export const VAULT_TYPE = "Microsoft.KeyVault/vaults";

/** 3–24 letters, digits and hyphens; a letter first, a letter or digit last; no "--". */
const NAME_RULE = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BOOLEANS = ["enabledForDeployment", "enabledForDiskEncryption", "enabledForTemplateDeployment", "enableSoftDelete", "enableRbacAuthorization", "enablePurgeProtection"];
const KEPT = [...BOOLEANS, "softDeleteRetentionInDays", "publicNetworkAccess", "networkAcls", "accessPolicies"];

export const vaultId = (sub: string, group: string, name: string) => `${groupId(sub, group)}/providers/${VAULT_TYPE}/${name}`;

export const allVaults = (ctx: CloudContext) => Object.values(ctx.store.state.resources).filter((r) => r.type === VAULT_TYPE);

/** The vault of that name (names are global and case-insensitive), if there is one. */
export const vaultNamed = (ctx: CloudContext, name: string) => allVaults(ctx).find((r) => String(r.body.name).toLowerCase() === name.toLowerCase());

/** The vault as served: the stored body plus its data-plane address. */
export function renderVault(ctx: CloudContext, vault: ArmResource): Json {
  return { ...vault.body, properties: { ...props(vault), vaultUri: ctx.keyVault.endpointOf(String(vault.body.name)) } };
}

function checkName(name: string) {
  if (!NAME_RULE.test(name)) {
    // The code is the provider's as operators report it; the words are the emulator's rendering of its rule.
    throw badRequest("VaultNameNotValid", `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`);
  }
}

/** The settings of a PUT or PATCH, checked against what the vault has (`existing`). */
function settingsOf(input: Json, existing?: Json): Json {
  const out: Json = {};
  for (const key of KEPT) if (input[key] !== undefined && input[key] !== null) out[key] = input[key];
  for (const key of BOOLEANS) {
    if (out[key] !== undefined && typeof out[key] !== "boolean") throw badRequest("BadRequest", `The value '${String(out[key])}' is not valid for property '${key}'.`);
  }
  if (out.enableSoftDelete === false) {
    throw badRequest("BadRequest", 'The property "enableSoftDelete" cannot be set to false. Soft delete is enabled on every vault and cannot be turned off.');
  }
  if (out.enablePurgeProtection === false && existing?.enablePurgeProtection === true) {
    // Azure's words.
    throw badRequest("BadRequest", 'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.');
  }
  if (out.softDeleteRetentionInDays !== undefined) {
    const days = out.softDeleteRetentionInDays;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 7 || days > 90) {
      throw badRequest("BadRequest", `The property "softDeleteRetentionInDays" must be a whole number between 7 and 90; '${String(days)}' was given.`);
    }
    if (existing?.softDeleteRetentionInDays !== undefined && existing.softDeleteRetentionInDays !== days) {
      throw badRequest("BadRequest", 'The property "softDeleteRetentionInDays" cannot be changed once the vault is created.');
    }
  }
  if (out.publicNetworkAccess !== undefined && !["Enabled", "Disabled"].includes(String(out.publicNetworkAccess))) {
    throw badRequest("BadRequest", `The value '${String(out.publicNetworkAccess)}' is not valid for property 'publicNetworkAccess'.`);
  }
  if (out.accessPolicies !== undefined && !Array.isArray(out.accessPolicies)) throw badRequest("BadRequest", "The property 'accessPolicies' must be an array.");
  return out;
}

function skuOf(input: Json, existing?: Json): Json {
  const sku = isPlainObject(input.sku) ? input.sku : existing?.sku;
  if (!isPlainObject(sku)) throw badRequest("BadRequest", "The parameter 'properties.sku' is required.");
  const name = String(sku.name ?? "").toLowerCase();
  if (name !== "standard" && name !== "premium") throw badRequest("BadRequest", `The value '${String(sku.name)}' is not valid for 'sku.name': it must be 'standard' or 'premium'.`);
  if (String(sku.family ?? "A") !== "A") throw badRequest("BadRequest", `The value '${String(sku.family)}' is not valid for 'sku.family': it must be 'A'.`);
  return { family: "A", name };
}

function tenantOf(input: Json, existing?: Json): string {
  const tenant = input.tenantId ?? existing?.tenantId;
  if (tenant === undefined || tenant === null || tenant === "") throw badRequest("BadRequest", "The parameter 'properties.tenantId' is required.");
  if (!GUID.test(String(tenant))) throw badRequest("BadRequest", `The tenant id '${String(tenant)}' is not a valid GUID.`);
  return String(tenant).toLowerCase();
}

/** Refuses a name another vault, live or soft-deleted, holds. */
function checkNameFree(ctx: CloudContext, name: string, id: string) {
  const other = vaultNamed(ctx, name);
  if (other && other.id.toLowerCase() !== id.toLowerCase()) {
    throw new ArmError(
      409,
      "VaultAlreadyExists",
      `The vault name '${name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state. If the vault is in a recoverable state then the vault will need to be purged before reusing the name. For more information on VaultAlreadyExists, soft delete and purging a vault follow this link https://go.microsoft.com/fwlink/?linkid=2147740.`,
    );
  }
  if (!other && deletedVaultNamed(ctx, name)) {
    throw new ArmError(
      409,
      "ConflictError",
      "A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.",
    );
  }
}

async function put(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  checkName(name);
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  const location = requireLocation(body, VAULT_TYPE);
  checkTags(body);
  const input = isPlainObject(body.properties) ? body.properties : {};
  const id = vaultId(sub, String(rg.body.name ?? group), name);
  if (input.createMode === "recover") {
    const vault = await recoverVault(ctx, sub, String(rg.body.name ?? group), name, location);
    return reply(ar, 200, renderVault(ctx, vault));
  }
  const existing = ctx.store.getResource(id);
  checkNameFree(ctx, name, id);
  if (existing) refuseMove(existing, location, group);
  const current = existing ? props(existing) : undefined;
  const settings = settingsOf(input, current);
  const sku = skuOf(input, current);
  const tenantId = tenantOf(input, current);
  if (existing) {
    Object.assign(props(existing), settings, { sku, tenantId, provisioningState: "Succeeded" });
    if (body.tags) existing.body.tags = body.tags;
    existing.body.systemData = systemData(existing);
    ctx.store.putResource(existing);
    ctx.store.count(existing.id, "puts");
    return reply(ar, 200, renderVault(ctx, existing));
  }
  const vault: ArmResource = {
    id,
    type: VAULT_TYPE,
    body: {
      id,
      name,
      type: VAULT_TYPE,
      location,
      tags: body.tags ?? {},
      systemData: systemData(),
      properties: {
        sku,
        tenantId,
        accessPolicies: [],
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enableRbacAuthorization: false,
        publicNetworkAccess: "Enabled",
        ...settings,
        provisioningState: "Succeeded",
      },
    },
  };
  await ctx.keyVault.open(name);
  ctx.store.putResource(vault);
  ctx.store.count(id, "puts");
  ctx.store.count(id, "created");
  reply(ar, 201, renderVault(ctx, vault));
}

/** The SDK's `update`: tags and the properties sent change; what the request leaves out stays. */
async function patch(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  const vault = requireResource(ctx, sub, group, vaultId(sub, group, name), VAULT_TYPE);
  const body = await ar.body();
  checkTags(body);
  const input = isPlainObject(body.properties) ? body.properties : {};
  const current = props(vault);
  const settings = settingsOf(input, current);
  Object.assign(current, settings, { sku: skuOf(input, current), tenantId: tenantOf(input, current) });
  if (isPlainObject(body.tags)) vault.body.tags = body.tags;
  vault.body.systemData = systemData(vault);
  ctx.store.count(vault.id, "patches");
  ctx.store.changed();
  reply(ar, 200, renderVault(ctx, vault));
}

export function registerKeyVaults(ctx: CloudContext) {
  // However the vault goes (its own DELETE or its resource group's), it goes to the deleted state.
  ctx.onRemoved.push((r) => {
    if (r.type === VAULT_TYPE) softDeleteVault(ctx, r);
  });
}

export const keyVaultRoutes: ArmRoute[] = [
  ...listRoutes(VAULT_TYPE, "keyVault", renderVault),
  {
    pattern: route(`/subscriptions/{}/resourcegroups/{}/providers/${VAULT_TYPE}/{}`),
    kind: "keyVault",
    methods: {
      PUT: put,
      GET: (ctx, ar) => {
        const [sub, group, name] = ar.params as [string, string, string];
        reply(ar, 200, renderVault(ctx, requireResource(ctx, sub, group, vaultId(sub, group, name), VAULT_TYPE)));
      },
      PATCH: patch,
      DELETE: (ctx, ar) => {
        const [sub, group, name] = ar.params as [string, string, string];
        requireGroup(ctx, sub, group);
        deleteNow(ctx, ar, ctx.store.getResource(vaultId(sub, group, name)));
      },
    },
  },
];
