/**
 * Key Vault's deleted state: a vault deleted (by its own DELETE or with its resource group) is kept,
 * name and all, with its secrets and keys, until it is purged (`POST …/deletedVaults/{name}/purge`,
 * refused under purge protection until the retention has passed), recovered (a PUT of the vault with
 * `createMode: recover`), or its scheduled purge date passes on the cloud's clock.
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, DeletedVaultRecord, Json, OperationRecord } from "../store.js";
import { ArmError } from "./errors.js";
import { listBody, props, reply, route, type ArmRequest, type ArmRoute } from "./resources.js";

export const DELETED_VAULT_TYPE = "Microsoft.KeyVault/deletedVaults";
const DAY_MS = 24 * 3600_000;

const records = (ctx: CloudContext) => (ctx.store.state.deletedVaults ??= {});
const subOf = (id: string) => /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";

/** Drops what the service would have purged by itself by now. */
function expire(ctx: CloudContext) {
  const now = ctx.clock.now();
  for (const [key, record] of Object.entries(records(ctx))) {
    if (Date.parse(record.scheduledPurgeDate) <= now) purge(ctx, key);
  }
}

function purge(ctx: CloudContext, key: string) {
  const record = records(ctx)[key];
  if (!record) return;
  delete records(ctx)[key];
  ctx.store.changed();
  void ctx.keyVault.purge(String(record.vault.body.name));
}

/** The soft-deleted vault of that name (names are global), if there is one. */
export function deletedVaultNamed(ctx: CloudContext, name: string): DeletedVaultRecord | undefined {
  expire(ctx);
  return records(ctx)[name.toLowerCase()];
}

/** Every soft-deleted vault, for the control API's state. */
export function deletedVaults(ctx: CloudContext): DeletedVaultRecord[] {
  expire(ctx);
  return Object.values(records(ctx));
}

/** Called as a vault is removed: it goes to the deleted state, its data plane stops answering. */
export function softDeleteVault(ctx: CloudContext, vault: ArmResource) {
  const days = Number(props(vault).softDeleteRetentionInDays ?? 90);
  const now = ctx.clock.now();
  records(ctx)[String(vault.body.name).toLowerCase()] = {
    vault: structuredClone(vault),
    deletionDate: new Date(now).toISOString(),
    scheduledPurgeDate: new Date(now + days * DAY_MS).toISOString(),
  };
  ctx.store.changed();
  void ctx.keyVault.close(String(vault.body.name));
}

/** The deleted vault as `getDeleted` and the lists answer it. */
export function renderDeletedVault(record: DeletedVaultRecord): Json {
  const vault = record.vault;
  const name = String(vault.body.name);
  const location = String(vault.body.location);
  return {
    id: `/subscriptions/${subOf(vault.id)}/providers/Microsoft.KeyVault/locations/${location}/deletedVaults/${name}`,
    name,
    type: DELETED_VAULT_TYPE,
    properties: {
      vaultId: vault.id,
      location,
      deletionDate: record.deletionDate,
      scheduledPurgeDate: record.scheduledPurgeDate,
      tags: vault.body.tags ?? {},
      purgeProtectionEnabled: props(vault).enablePurgeProtection === true,
    },
  };
}

const notFound = (name: string) => new ArmError(404, "ResourceNotFound", `The Resource '${DELETED_VAULT_TYPE}/${name}' was not found.`);

/** The deleted vault a request names (subscription, location, name), or 404. */
function requireDeleted(ctx: CloudContext, ar: ArmRequest): [string, DeletedVaultRecord] {
  const [sub, location, name] = ar.params as [string, string, string];
  const record = deletedVaultNamed(ctx, name);
  if (!record || subOf(record.vault.id).toLowerCase() !== sub.toLowerCase() || String(record.vault.body.location).toLowerCase() !== location.replace(/\s+/g, "").toLowerCase()) throw notFound(name);
  return [name.toLowerCase(), record];
}

/** A PUT with `createMode: recover`: the deleted vault comes back as it was, with its data. */
export async function recoverVault(ctx: CloudContext, sub: string, group: string, name: string, location: string): Promise<ArmResource> {
  const record = deletedVaultNamed(ctx, name);
  if (!record || subOf(record.vault.id).toLowerCase() !== sub.toLowerCase()) {
    // The emulator's words; Azure's code for this was not confirmed.
    throw new ArmError(404, "DeletedVaultNotFound", `The vault '${name}' is not in the deleted state in subscription '${sub}', so it cannot be recovered.`);
  }
  const original = record.vault;
  const originalGroup = original.id.split("/")[4] ?? "";
  if (originalGroup.toLowerCase() !== group.toLowerCase() || String(original.body.location) !== location) {
    throw new ArmError(400, "BadRequest", `The vault '${name}' can only be recovered in its original resource group '${originalGroup}' and location '${String(original.body.location)}'.`);
  }
  await ctx.keyVault.open(String(original.body.name));
  delete records(ctx)[name.toLowerCase()];
  props(original).provisioningState = "Succeeded";
  ctx.store.putResource(original);
  ctx.store.count(original.id, "puts");
  return original;
}

/** `beginPurgeDeleted`: 202 and a Location that answers 202 until the purge is done, then 200. */
function startPurge(ctx: CloudContext, ar: ArmRequest) {
  const [key, record] = requireDeleted(ctx, ar);
  if (props(record.vault).enablePurgeProtection === true && Date.parse(record.scheduledPurgeDate) > ctx.clock.now()) {
    // Azure's code and words (the status is the one the code names).
    throw new ArmError(405, "MethodNotAllowed", "Operation 'DeletedVaultPurge' is not allowed.");
  }
  const rendered = renderDeletedVault(record);
  const op = ctx.lro.start({ kind: "delete", action: "delete", resourceId: String(rendered.id), resourceType: DELETED_VAULT_TYPE, location: String(record.vault.body.location), name: key });
  const location = `${ctx.baseUrl}/subscriptions/${subOf(record.vault.id)}/providers/Microsoft.KeyVault/locations/${String(record.vault.body.location)}/operationResults/${op.id}?api-version=${encodeURIComponent(ar.apiVersion)}`;
  reply(ar, 202, undefined, { location, "retry-after": "0" });
}

export function registerDeletedVaults(ctx: CloudContext) {
  ctx.lro.register(DELETED_VAULT_TYPE, (op: OperationRecord) => {
    if (op.status === "Succeeded") purge(ctx, op.resourceId.split("/").pop()?.toLowerCase() ?? "");
  });
}

const deletedList = (ctx: CloudContext, ar: ArmRequest, sub: string) => {
  const mine = deletedVaults(ctx).filter((r) => subOf(r.vault.id).toLowerCase() === sub.toLowerCase());
  return listBody(ctx, ar, mine.map((r) => ({ id: r.vault.id, type: DELETED_VAULT_TYPE, body: renderDeletedVault(r) })));
};

export const deletedVaultRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.KeyVault/deletedVaults"),
    kind: "deletedVault",
    methods: { GET: (ctx, ar) => reply(ar, 200, deletedList(ctx, ar, ar.params[0] as string)) },
  },
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.KeyVault/locations/{}/deletedVaults/{}"),
    kind: "deletedVault",
    methods: { GET: (ctx, ar) => reply(ar, 200, renderDeletedVault(requireDeleted(ctx, ar)[1])) },
  },
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.KeyVault/locations/{}/deletedVaults/{}/purge"),
    kind: "deletedVault",
    methods: { POST: startPurge },
  },
  {
    // Key Vault's operation results answer 200 when done: the SDK's purge poller takes no 204.
    pattern: route("/subscriptions/{}/providers/Microsoft.KeyVault/locations/{}/operationResults/{}"),
    kind: "operationStatus",
    methods: {
      GET: (ctx, ar) => {
        const op = ctx.lro.get(ar.params[2] as string);
        if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${ar.params[2]}' was not found.`);
        if (op.status === "InProgress") return reply(ar, 202, undefined, { location: `${ctx.baseUrl}${ar.url.pathname}${ar.url.search}`, "retry-after": "0" });
        if (op.status !== "Succeeded") {
          const error = ctx.lro.statusBody(op).error ?? { code: "Failed", message: "The operation failed." };
          throw new ArmError(500, error.code, error.message);
        }
        reply(ar, 200, {});
      },
    },
  },
];
