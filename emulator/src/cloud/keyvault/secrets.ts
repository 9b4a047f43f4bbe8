/**
 * Secrets on a vault's data plane, as `@azure/keyvault-secrets` speaks them: set (a new version each
 * time), get (current or by version), update properties, list (no values), list versions, and the
 * soft delete cycle (delete, deleted secrets, recover, purge).
 */
import { KeyVaultError, badParameter } from "./auth.js";
import {
  attributesOf,
  checkName,
  deletedObject,
  deletion,
  liveVersion,
  newVersion,
  parseAttributes,
  parseTags,
  refuseDeletedName,
  refusePurgeUnderProtection,
  stillDeleted,
  type VaultRequest,
  type VaultRoute,
} from "./objects.js";
import type { SecretVersion, StoredObject } from "./vault-data.js";

const S = "[^/]+";
const at = (path: string) => new RegExp(`^${path}/?$`, "i");

const secretId = (vr: VaultRequest, name: string, version: string) => `${vr.uri}secrets/${name}/${version}`;

/** The secret bundle: with its value for get and set, without for updates, lists and deletes. */
function bundle(vr: VaultRequest, object: StoredObject<SecretVersion>, v: SecretVersion, withValue: boolean) {
  return {
    ...(withValue ? { value: v.value } : {}),
    id: secretId(vr, object.name, v.version),
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    attributes: attributesOf(vr.vault, v),
    tags: v.tags ?? {},
  };
}

const item = (vr: VaultRequest, object: StoredObject<SecretVersion>, v: SecretVersion) => {
  const { id, ...rest } = bundle(vr, object, v, false);
  return { id: id.slice(0, id.lastIndexOf("/")), ...rest };
};

function deletedBundle(vr: VaultRequest, object: StoredObject<SecretVersion>) {
  const v = object.versions[object.versions.length - 1] as SecretVersion;
  return {
    recoveryId: `${vr.uri}deletedsecrets/${object.name}`,
    deletedDate: object.deleted?.deletedDate,
    scheduledPurgeDate: object.deleted?.scheduledPurgeDate,
    ...bundle(vr, object, v, false),
  };
}

async function setSecret(vr: VaultRequest): Promise<[number, unknown]> {
  const name = vr.params[0] as string;
  checkName(name);
  const body = await vr.body();
  if (typeof body.value !== "string") throw badParameter("The parameter 'value' is required and must be a string.");
  if (body.contentType !== undefined && typeof body.contentType !== "string") throw badParameter("The parameter 'contentType' must be a string.");
  refuseDeletedName(vr.data.secrets, "Secret", name);
  const now = vr.now();
  const object = (vr.data.secrets[name.toLowerCase()] ??= { name, versions: [] });
  const version: SecretVersion = {
    version: newVersion(),
    value: body.value,
    ...(body.contentType !== undefined ? { contentType: body.contentType as string } : {}),
    enabled: true,
    ...parseAttributes(body.attributes),
    created: now,
    updated: now,
    tags: parseTags(body.tags),
  };
  object.versions.push(version);
  vr.save();
  return [200, bundle(vr, object, version, true)];
}

function getSecret(vr: VaultRequest): [number, unknown] {
  const [name, version] = vr.params as [string, string | undefined];
  const found = liveVersion(vr.data.secrets, "Secret", name, version || undefined);
  if (!found.version.enabled) throw new KeyVaultError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
  return [200, bundle(vr, found.object, found.version, true)];
}

async function updateSecret(vr: VaultRequest): Promise<[number, unknown]> {
  const [name, version] = vr.params as [string, string | undefined];
  const found = liveVersion(vr.data.secrets, "Secret", name, version || undefined);
  const body = await vr.body();
  Object.assign(found.version, parseAttributes(body.attributes), { updated: vr.now() });
  if (typeof body.contentType === "string") found.version.contentType = body.contentType;
  const tags = parseTags(body.tags);
  if (tags) found.version.tags = tags;
  vr.save();
  return [200, bundle(vr, found.object, found.version, false)];
}

function listSecrets(vr: VaultRequest): [number, unknown] {
  const live = Object.values(vr.data.secrets).filter((o) => !o.deleted && o.versions.length > 0);
  return [200, { value: live.map((o) => item(vr, o, o.versions[o.versions.length - 1] as SecretVersion)), nextLink: null }];
}

function listVersions(vr: VaultRequest): [number, unknown] {
  const { object } = liveVersion(vr.data.secrets, "Secret", vr.params[0] as string);
  return [200, { value: object.versions.map((v) => ({ ...bundle(vr, object, v, false) })), nextLink: null }];
}

function deleteSecret(vr: VaultRequest): [number, unknown] {
  const { object } = liveVersion(vr.data.secrets, "Secret", vr.params[0] as string);
  object.deleted = deletion(vr.vault, vr.now());
  vr.save();
  return [200, deletedBundle(vr, object)];
}

function recoverSecret(vr: VaultRequest): [number, unknown] {
  const object = deletedObject(vr, vr.data.secrets, "Secret", vr.params[0] as string);
  delete object.deleted;
  vr.save();
  return [200, bundle(vr, object, object.versions[object.versions.length - 1] as SecretVersion, false)];
}

function purgeSecret(vr: VaultRequest): [number, unknown] {
  const object = deletedObject(vr, vr.data.secrets, "Secret", vr.params[0] as string);
  refusePurgeUnderProtection(vr.vault);
  delete vr.data.secrets[object.name.toLowerCase()];
  vr.save();
  return [204, undefined];
}

const secret = (action: string, verb: string) => ({ collection: "secrets" as const, permission: { action, policy: ["secrets", verb] as [string, string] } });

export const secretRoutes: VaultRoute[] = [
  { method: "GET", pattern: at("/secrets"), ...secret("secrets/readMetadata/action", "list"), handle: listSecrets },
  { method: "GET", pattern: at(`/secrets/(${S})/versions`), ...secret("secrets/readMetadata/action", "list"), handle: listVersions },
  { method: "PUT", pattern: at(`/secrets/(${S})`), ...secret("secrets/setSecret/action", "set"), handle: setSecret },
  { method: "DELETE", pattern: at(`/secrets/(${S})`), ...secret("secrets/delete", "delete"), handle: deleteSecret },
  { method: "GET", pattern: at(`/secrets/(${S})(?:/(${S}))?`), ...secret("secrets/getSecret/action", "get"), handle: getSecret },
  { method: "PATCH", pattern: at(`/secrets/(${S})(?:/(${S}))?`), ...secret("secrets/setSecret/action", "set"), handle: updateSecret },
  {
    method: "GET",
    pattern: at("/deletedsecrets"),
    ...secret("deletedSecrets/read", "list"),
    handle: (vr) => [200, { value: stillDeleted(vr, vr.data.secrets).map((o) => deletedBundle(vr, o)), nextLink: null }],
  },
  { method: "GET", pattern: at(`/deletedsecrets/(${S})`), ...secret("deletedSecrets/read", "list"), handle: (vr) => [200, deletedBundle(vr, deletedObject(vr, vr.data.secrets, "Secret", vr.params[0] as string))] },
  { method: "POST", pattern: at(`/deletedsecrets/(${S})/recover`), ...secret("deletedSecrets/recover/action", "recover"), handle: recoverSecret },
  { method: "DELETE", pattern: at(`/deletedsecrets/(${S})`), ...secret("deletedSecrets/delete", "purge"), handle: purgeSecret },
];
