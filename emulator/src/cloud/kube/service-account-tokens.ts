/**
 * Service account tokens of an emulated cluster, as its API server signs them: RS256 JWTs with the
 * cluster's own key (made the first time one is needed, kept in the state), `iss` the cluster's OIDC
 * issuer URL (AKS's, when the issuer is on; else the API server's default), `sub`
 * `system:serviceaccount:<namespace>:<name>`. What the kubelet projects into a pod for workload
 * identity (audience `api://AzureADTokenExchange`), and what Entra checks in a token exchange.
 */
import { randomUUID } from "node:crypto";
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";
import type { CloudContext } from "../context.js";
import type { ClusterState, Json } from "../store.js";

export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** kube-apiserver's issuer when no OIDC issuer is set up (`--service-account-issuer` on AKS without the feature). */
const DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

/** The cluster's service account issuer: `oidcIssuerProfile.issuerURL` when on, else the default. */
export function issuerOf(ctx: CloudContext, cluster: ClusterState): string {
  const profile = (ctx.store.getResource(cluster.armId)?.body.properties as Json | undefined)?.oidcIssuerProfile as Json | undefined;
  return profile?.enabled === true && typeof profile.issuerURL === "string" ? profile.issuerURL : DEFAULT_ISSUER;
}

/** The cluster whose issuer is `iss`, if one has it (the default issuer names no one cluster). */
export function clusterOfIssuer(ctx: CloudContext, iss: string): ClusterState | undefined {
  if (iss === DEFAULT_ISSUER) return undefined;
  return ctx.kube.all().find((c) => issuerOf(ctx, c) === iss);
}

async function signingKey(ctx: CloudContext, cluster: ClusterState): Promise<JWK> {
  if (!cluster.serviceAccountKey) {
    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = await exportJWK(privateKey);
    cluster.serviceAccountKey = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: "RS256" };
    ctx.store.changed();
  }
  return cluster.serviceAccountKey as JWK;
}

/** The public half of the cluster's key, as its issuer's JWKS serves it. */
export async function publicKeyOf(ctx: CloudContext, cluster: ClusterState): Promise<JWK> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = await signingKey(ctx, cluster);
  return { ...publicJwk, use: "sig" };
}

export interface TokenFor {
  namespace: string;
  serviceAccount: string;
  audience?: string;
  /** The pod it is bound to, as a projected token is. */
  pod?: { name: string; uid: string };
  lifetimeSeconds?: number;
}

/** A token for a service account of the cluster, as the kubelet's projected volume holds it. */
export async function mintServiceAccountToken(ctx: CloudContext, cluster: ClusterState, t: TokenFor): Promise<string> {
  const jwk = await signingKey(ctx, cluster);
  const sa = ctx.kube.types(cluster).find((k) => k.kind === "ServiceAccount");
  const account = sa ? ctx.kube.read(cluster, sa, t.namespace, t.serviceAccount) : undefined;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    "kubernetes.io": {
      namespace: t.namespace,
      serviceaccount: { name: t.serviceAccount, uid: String((account?.metadata as Json | undefined)?.uid ?? randomUUID()) },
      ...(t.pod ? { pod: t.pod } : {}),
    },
  })
    .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
    .setIssuer(issuerOf(ctx, cluster))
    .setSubject(`system:serviceaccount:${t.namespace}:${t.serviceAccount}`)
    .setAudience([t.audience ?? TOKEN_EXCHANGE_AUDIENCE])
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (t.lifetimeSeconds ?? 3600))
    .sign(await importJWK(jwk, "RS256"));
}

export type AssertionCheck = { ok: true; claims: JWTPayload } | { ok: false; reason: "unknownIssuer" | "signature" | "expired" };

/** Checks a service account token against the key of the cluster that issued it, and its lifetime. */
export async function verifyServiceAccountToken(ctx: CloudContext, token: string): Promise<AssertionCheck> {
  const iss = String(decodeJwt(token).iss ?? "");
  const cluster = clusterOfIssuer(ctx, iss);
  if (!cluster?.serviceAccountKey) return { ok: false, reason: "unknownIssuer" };
  try {
    const { payload } = await jwtVerify(token, await importJWK(await publicKeyOf(ctx, cluster), "RS256"), { algorithms: ["RS256"], issuer: iss });
    return { ok: true, claims: payload };
  } catch (err) {
    return { ok: false, reason: (err as { code?: string }).code === "ERR_JWT_EXPIRED" ? "expired" : "signature" };
  }
}
