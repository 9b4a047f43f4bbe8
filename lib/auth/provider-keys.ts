import "server-only";
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { z } from "zod";

const Discovery = z.object({ issuer: z.string(), jwks_uri: z.string().url() });

const byIssuer = new Map<string, Promise<JWTVerifyGetKey>>();

/**
 * The identity provider's signing keys, found through its discovery document and cached for
 * the life of the process. jose refetches the key set on an unknown `kid`, which covers key
 * rotation; a failed discovery is not cached, so the next sign-in tries again.
 */
export function providerKeys(issuer: string): Promise<JWTVerifyGetKey> {
  let keys = byIssuer.get(issuer);
  if (!keys) {
    keys = discoverKeys(issuer);
    byIssuer.set(issuer, keys);
    keys.catch(() => byIssuer.delete(issuer));
  }
  return keys;
}

async function discoverKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const response = await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}`);
  const doc = Discovery.parse(await response.json());
  if (doc.issuer !== issuer) {
    throw new Error(`OpenID discovery at ${url} names issuer ${doc.issuer}, expected ${issuer}`);
  }
  return createRemoteJWKSet(new URL(doc.jwks_uri), {
    timeoutDuration: 10_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 60 * 60 * 1000,
  });
}
