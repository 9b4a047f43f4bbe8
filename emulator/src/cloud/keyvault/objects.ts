/**
 * What secrets and keys share on the data plane: the request a handler gets, attributes as Key
 * Vault answers them (unix seconds, `recoveryLevel` from the vault's soft delete settings), names,
 * versions, and the object lifecycle's errors (not found, deleted but recoverable, purge refused).
 */
import { randomUUID } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { isPlainObject } from "../util.js";
import { badParameter, KeyVaultError, type Permission } from "./auth.js";
import type { Deletion, ObjectAttributes, StoredObject, VaultData } from "./vault-data.js";

export interface VaultRequest {
  ctx: CloudContext;
  vault: ArmResource;
  /** The vault's URI, with its trailing slash: what object ids start with. */
  uri: string;
  params: string[];
  query: URLSearchParams;
  body: () => Promise<Json>;
  data: VaultData;
  save: () => void;
  /** The cloud's clock, in unix seconds. */
  now: () => number;
}

export interface VaultRoute {
  method: string;
  pattern: RegExp;
  permission: Permission;
  /** Where under the vault the object is, for role assignments at the object's scope. */
  collection: "secrets" | "keys";
  handle: (vr: VaultRequest) => Promise<[number, unknown]> | [number, unknown];
}

const DAY = 24 * 3600;
const NAME = /^[0-9a-zA-Z-]{1,127}$/;

const vaultProps = (vault: ArmResource) => vault.body.properties as Json;

/** Key Vault's recovery level and days, from the vault's soft delete and purge protection. */
export function recovery(vault: ArmResource) {
  const p = vaultProps(vault);
  const days = Number(p.softDeleteRetentionInDays ?? 90);
  const base = days < 90 ? "CustomizedRecoverable" : "Recoverable";
  return { recoveryLevel: p.enablePurgeProtection === true ? base : `${base}+Purgeable`, recoverableDays: days };
}

export function attributesOf(vault: ArmResource, a: ObjectAttributes): Json {
  return { enabled: a.enabled, ...(a.nbf !== undefined ? { nbf: a.nbf } : {}), ...(a.exp !== undefined ? { exp: a.exp } : {}), created: a.created, updated: a.updated, ...recovery(vault) };
}

/** `attributes` of a request: enabled, nbf, exp (unix seconds). */
export function parseAttributes(input: unknown): Partial<ObjectAttributes> {
  if (input === undefined || input === null) return {};
  if (!isPlainObject(input)) throw badParameter("The attributes must be an object.");
  const out: Partial<ObjectAttributes> = {};
  if (input.enabled !== undefined) {
    if (typeof input.enabled !== "boolean") throw badParameter("The attribute 'enabled' must be a boolean.");
    out.enabled = input.enabled;
  }
  for (const key of ["nbf", "exp"] as const) {
    if (input[key] === undefined || input[key] === null) continue;
    if (typeof input[key] !== "number") throw badParameter(`The attribute '${key}' must be a number of seconds since 1970.`);
    out[key] = input[key];
  }
  return out;
}

export function parseTags(input: unknown): Record<string, string> | undefined {
  if (input === undefined || input === null) return undefined;
  if (!isPlainObject(input) || Object.values(input).some((v) => typeof v !== "string")) throw badParameter("The tags must be an object of strings.");
  if (Object.keys(input).length > 15) throw badParameter("The number of tags exceeds the limit of 15.");
  return input as Record<string, string>;
}

export function checkName(name: string) {
  if (!NAME.test(name)) throw badParameter(`The request URI contains an invalid name: ${name}`);
}

/** A version id as Key Vault makes them: 32 hexadecimal digits. */
export const newVersion = () => randomUUID().replace(/-/g, "");

export function notFound(kind: "Secret" | "Key", name: string, version?: string) {
  return new KeyVaultError(
    404,
    `${kind}NotFound`,
    `A ${kind.toLowerCase()} with (name/id) ${name}${version ? `/${version}` : ""} was not found in this key vault. If you recently deleted this ${kind.toLowerCase()} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

export const deletedNotFound = (kind: "Secret" | "Key", name: string) => new KeyVaultError(404, `${kind}NotFound`, `Deleted ${kind} not found: ${name}`);

/** The live (not deleted) object and the version asked for (the current one when none is). */
export function liveVersion<V extends { version: string }>(map: Record<string, StoredObject<V>>, kind: "Secret" | "Key", name: string, version?: string): { object: StoredObject<V>; version: V } {
  const object = map[name.toLowerCase()];
  if (!object || object.deleted || object.versions.length === 0) throw notFound(kind, name);
  const found = version ? object.versions.find((v) => v.version === version) : object.versions[object.versions.length - 1];
  if (!found) throw notFound(kind, name, version);
  return { object, version: found };
}

/** Refuses to write an object whose name is held by a deleted one. */
export function refuseDeletedName(map: Record<string, StoredObject<unknown>>, kind: "Secret" | "Key", name: string) {
  if (map[name.toLowerCase()]?.deleted) {
    throw new KeyVaultError(409, "Conflict", `${kind} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the ${kind.toLowerCase()} can only be recovered or purged.`, "ObjectIsDeletedButRecoverable");
  }
}

export function deletion(vault: ArmResource, now: number): Deletion {
  return { deletedDate: now, scheduledPurgeDate: now + recovery(vault).recoverableDays * DAY };
}

/** The deleted object of that name, or 404; objects past their scheduled purge date are gone. */
export function deletedObject<V>(vr: VaultRequest, map: Record<string, StoredObject<V>>, kind: "Secret" | "Key", name: string): StoredObject<V> {
  const object = map[name.toLowerCase()];
  if (object?.deleted && object.deleted.scheduledPurgeDate <= vr.now()) {
    delete map[name.toLowerCase()];
    vr.save();
  }
  const current = map[name.toLowerCase()];
  if (!current?.deleted) throw deletedNotFound(kind, name);
  return current;
}

/** Purging is refused while the vault has purge protection (Azure's answer). */
export function refusePurgeUnderProtection(vault: ArmResource) {
  if (vaultProps(vault).enablePurgeProtection !== true) return;
  throw new KeyVaultError(
    403,
    "Forbidden",
    `Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.\r\nVault: ${String(vault.body.name)};location=${String(vault.body.location)}`,
    "ForbiddenByPolicy",
  );
}

/** Deleted objects still within their retention, for the deleted lists. */
export function stillDeleted<V>(vr: VaultRequest, map: Record<string, StoredObject<V>>): StoredObject<V>[] {
  return Object.values(map).filter((o) => o.deleted && o.deleted.scheduledPurgeDate > vr.now());
}
