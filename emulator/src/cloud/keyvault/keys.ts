/**
 * Keys on a vault's data plane, as `@azure/keyvault-keys` (KeyClient, CryptographyClient) speaks
 * them: RSA keys made in the vault (2048, 3072 or 4096 bits), whose private half never leaves it —
 * answers carry the public JWK only — and the operations done with it there (sign and verify over a
 * digest, encrypt/decrypt, wrapKey/unwrapKey), plus the soft delete cycle.
 */
import { generateKeyPair, type JsonWebKey } from "node:crypto";
import { promisify } from "node:util";
import { badParameter } from "./auth.js";
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
import { CryptoInputError, decrypt, encrypt, publicPart, signDigest, verifyDigest } from "./rsa.js";
import type { KeyVersion, StoredObject } from "./vault-data.js";

const S = "[^/]+";
const at = (path: string) => new RegExp(`^${path}/?$`, "i");
const generate = promisify(generateKeyPair);

const RSA_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];
const SIZES = [2048, 3072, 4096];

const kidOf = (vr: VaultRequest, name: string, version: string) => `${vr.uri}keys/${name}/${version}`;

/** The key bundle: the public JWK (`n`, `e`) only. */
function bundle(vr: VaultRequest, object: StoredObject<KeyVersion>, v: KeyVersion) {
  const pub = publicPart(v.privateJwk);
  return {
    key: { kid: kidOf(vr, object.name, v.version), kty: v.kty, key_ops: v.keyOps, n: pub.n, e: pub.e },
    attributes: { ...attributesOf(vr.vault, v), exportable: false },
    tags: v.tags ?? {},
  };
}

const item = (vr: VaultRequest, object: StoredObject<KeyVersion>, v: KeyVersion, versioned: boolean) => {
  const b = bundle(vr, object, v);
  return { kid: versioned ? b.key.kid : `${vr.uri}keys/${object.name}`, attributes: b.attributes, tags: b.tags };
};

function deletedBundle(vr: VaultRequest, object: StoredObject<KeyVersion>) {
  return {
    recoveryId: `${vr.uri}deletedkeys/${object.name}`,
    deletedDate: object.deleted?.deletedDate,
    scheduledPurgeDate: object.deleted?.scheduledPurgeDate,
    ...bundle(vr, object, object.versions[object.versions.length - 1] as KeyVersion),
  };
}

async function createKey(vr: VaultRequest): Promise<[number, unknown]> {
  const name = vr.params[0] as string;
  checkName(name);
  const body = await vr.body();
  const kty = String(body.kty ?? "");
  if (kty !== "RSA" && kty !== "RSA-HSM") throw badParameter(`The key type '${kty}' is not supported here: the emulator makes RSA and RSA-HSM keys.`);
  if (kty === "RSA-HSM" && String((vr.vault.body.properties as { sku?: { name?: string } }).sku?.name) !== "premium") {
    throw badParameter("HSM-protected keys (RSA-HSM) need a premium vault.");
  }
  const size = body.key_size === undefined || body.key_size === null ? 2048 : Number(body.key_size);
  if (!SIZES.includes(size)) throw badParameter(`The key size ${String(body.key_size)} is not valid: RSA keys are 2048, 3072 or 4096 bits.`);
  const exponent = body.public_exponent === undefined || body.public_exponent === null ? 65537 : Number(body.public_exponent);
  if (exponent !== 65537 && exponent !== 3) throw badParameter(`The public exponent ${String(body.public_exponent)} is not valid.`);
  const ops = body.key_ops === undefined || body.key_ops === null ? RSA_OPS : (body.key_ops as unknown[]);
  if (!Array.isArray(ops) || ops.some((o) => !RSA_OPS.includes(String(o)))) throw badParameter(`The key operations ${JSON.stringify(body.key_ops)} are not valid for an RSA key.`);
  refuseDeletedName(vr.data.keys, "Key", name);
  const { privateKey } = await generate("rsa", { modulusLength: size, publicExponent: exponent });
  const now = vr.now();
  const object = (vr.data.keys[name.toLowerCase()] ??= { name, versions: [] });
  const version: KeyVersion = {
    version: newVersion(),
    kty,
    keyOps: ops.map(String),
    privateJwk: privateKey.export({ format: "jwk" }),
    enabled: true,
    ...parseAttributes(body.attributes),
    created: now,
    updated: now,
    tags: parseTags(body.tags),
  };
  object.versions.push(version);
  vr.save();
  return [200, bundle(vr, object, version)];
}

async function updateKey(vr: VaultRequest): Promise<[number, unknown]> {
  const [name, version] = vr.params as [string, string | undefined];
  const found = liveVersion(vr.data.keys, "Key", name, version || undefined);
  const body = await vr.body();
  Object.assign(found.version, parseAttributes(body.attributes), { updated: vr.now() });
  if (Array.isArray(body.key_ops)) {
    if (body.key_ops.some((o) => !RSA_OPS.includes(String(o)))) throw badParameter(`The key operations ${JSON.stringify(body.key_ops)} are not valid for an RSA key.`);
    found.version.keyOps = body.key_ops.map(String);
  }
  const tags = parseTags(body.tags);
  if (tags) found.version.tags = tags;
  vr.save();
  return [200, bundle(vr, found.object, found.version)];
}

/** One cryptographic operation with a key version: its op must be allowed and the key enabled. */
async function operate(vr: VaultRequest, op: string, run: (key: KeyVersion, body: Record<string, unknown>) => Record<string, unknown>): Promise<[number, unknown]> {
  const [name, version] = vr.params as [string, string | undefined];
  const found = liveVersion(vr.data.keys, "Key", name, version || undefined);
  if (!found.version.enabled) throw badParameter(`Operation ${op} is not allowed on a disabled key.`);
  if (!found.version.keyOps.includes(op)) throw badParameter(`Operation ${op} is not allowed on this key: its key_ops are ${found.version.keyOps.join(", ")}.`);
  const body = await vr.body();
  if (typeof body.alg !== "string") throw badParameter("The parameter 'alg' is required.");
  if (typeof body.value !== "string") throw badParameter("The parameter 'value' is required and must be base64url.");
  try {
    return [200, { kid: kidOf(vr, found.object.name, found.version.version), ...run(found.version, body) }];
  } catch (err) {
    if (err instanceof CryptoInputError) throw badParameter(err.message);
    throw err;
  }
}

const b64 = (value: unknown) => Buffer.from(String(value), "base64url");
const out = (bytes: Buffer) => bytes.toString("base64url");

const cryptoRoutes: [string, string, (key: KeyVersion, body: Record<string, unknown>) => Record<string, unknown>][] = [
  ["sign", "keys/sign/action", (k, b) => ({ value: out(signDigest(k.privateJwk, String(b.alg), b64(b.value))) })],
  ["verify", "keys/verify/action", (k, b) => ({ value: verifyDigest(publicPart(k.privateJwk), String(b.alg), b64(b.digest), b64(b.value)) })],
  ["encrypt", "keys/encrypt/action", (k, b) => ({ value: out(encrypt(publicPart(k.privateJwk), String(b.alg), b64(b.value))) })],
  ["decrypt", "keys/decrypt/action", (k, b) => ({ value: out(decrypt(k.privateJwk as JsonWebKey, String(b.alg), b64(b.value))) })],
  ["wrapKey", "keys/wrap/action", (k, b) => ({ value: out(encrypt(publicPart(k.privateJwk), String(b.alg), b64(b.value))) })],
  ["unwrapKey", "keys/unwrap/action", (k, b) => ({ value: out(decrypt(k.privateJwk, String(b.alg), b64(b.value))) })],
];

const key = (action: string, verb: string) => ({ collection: "keys" as const, permission: { action, policy: ["keys", verb] as [string, string] } });

export const keyRoutes: VaultRoute[] = [
  {
    method: "GET",
    pattern: at("/keys"),
    ...key("keys/read", "list"),
    handle: (vr) => [200, { value: Object.values(vr.data.keys).filter((o) => !o.deleted && o.versions.length > 0).map((o) => item(vr, o, o.versions[o.versions.length - 1] as KeyVersion, false)), nextLink: null }],
  },
  {
    method: "GET",
    pattern: at(`/keys/(${S})/versions`),
    ...key("keys/read", "list"),
    handle: (vr) => {
      const { object } = liveVersion(vr.data.keys, "Key", vr.params[0] as string);
      return [200, { value: object.versions.map((v) => item(vr, object, v, true)), nextLink: null }];
    },
  },
  { method: "POST", pattern: at(`/keys/(${S})/create`), ...key("keys/create/action", "create"), handle: createKey },
  ...cryptoRoutes.map(([op, action, run]): VaultRoute => ({ method: "POST", pattern: at(`/keys/(${S})/(${S})/${op}`), ...key(action, op), handle: (vr) => operate(vr, op, run) })),
  {
    method: "DELETE",
    pattern: at(`/keys/(${S})`),
    ...key("keys/delete", "delete"),
    handle: (vr) => {
      const { object } = liveVersion(vr.data.keys, "Key", vr.params[0] as string);
      object.deleted = deletion(vr.vault, vr.now());
      vr.save();
      return [200, deletedBundle(vr, object)];
    },
  },
  {
    method: "GET",
    pattern: at(`/keys/(${S})(?:/(${S}))?`),
    ...key("keys/read", "get"),
    handle: (vr) => {
      const found = liveVersion(vr.data.keys, "Key", vr.params[0] as string, vr.params[1] || undefined);
      return [200, bundle(vr, found.object, found.version)];
    },
  },
  { method: "PATCH", pattern: at(`/keys/(${S})(?:/(${S}))?`), ...key("keys/update/action", "update"), handle: updateKey },
  { method: "GET", pattern: at("/deletedkeys"), ...key("deletedKeys/read", "list"), handle: (vr) => [200, { value: stillDeleted(vr, vr.data.keys).map((o) => deletedBundle(vr, o)), nextLink: null }] },
  { method: "GET", pattern: at(`/deletedkeys/(${S})`), ...key("deletedKeys/read", "list"), handle: (vr) => [200, deletedBundle(vr, deletedObject(vr, vr.data.keys, "Key", vr.params[0] as string))] },
  {
    method: "POST",
    pattern: at(`/deletedkeys/(${S})/recover`),
    ...key("deletedKeys/recover/action", "recover"),
    handle: (vr) => {
      const object = deletedObject(vr, vr.data.keys, "Key", vr.params[0] as string);
      delete object.deleted;
      vr.save();
      return [200, bundle(vr, object, object.versions[object.versions.length - 1] as KeyVersion)];
    },
  },
  {
    method: "DELETE",
    pattern: at(`/deletedkeys/(${S})`),
    ...key("deletedKeys/delete", "purge"),
    handle: (vr) => {
      const object = deletedObject(vr, vr.data.keys, "Key", vr.params[0] as string);
      refusePurgeUnderProtection(vr.vault);
      delete vr.data.keys[object.name.toLowerCase()];
      vr.save();
      return [204, undefined];
    },
  },
];
