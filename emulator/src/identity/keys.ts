import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";

export interface IdentityKeys {
  /** Private signing keys (JWKS), first one signs. */
  jwks: { keys: JWK[] };
  /** Keys that sign the provider's own cookies. */
  cookieKeys: string[];
}

/**
 * Keys are created on first start and kept in `dataDir`, so ID tokens issued before a restart
 * still verify and browser sessions at the provider survive it.
 */
export async function loadOrCreateKeys(dataDir: string): Promise<IdentityKeys> {
  const file = path.join(dataDir, "keys.json");
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, "utf8")) as IdentityKeys;
  }

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  const signingKey: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: "RS256", use: "sig" };
  const keys: IdentityKeys = {
    jwks: { keys: [signingKey] },
    cookieKeys: [randomBytes(32).toString("base64url")],
  };

  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
