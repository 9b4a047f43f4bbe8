import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";
import { readBody, sendJson } from "../http.js";
import { groupsOf, objectIdOf, parseGroupMembers, type GroupMembers } from "./groups.js";

/** The AKS AAD server application: the audience of tokens for an Entra-enabled cluster's API server. */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

type Key = Awaited<ReturnType<typeof importJWK>>;

/** Storage's audiences: the service's, and an account's blob endpoint. */
const isStorageAudience = (aud: string) => /^https:\/\/(storage\.azure\.com|[a-z0-9]{3,24}\.blob\.core\.windows\.net)\/?$/.test(aud);

/** What a client assertion of a managed identity's federated credential is worth: its principal, or Entra's refusal. */
export type FederatedExchange =
  | { ok: true; oid: string; claims?: JWTPayload }
  | { ok: false; status: number; error: string; description: string };

/** Exchanges a client assertion for a managed identity; undefined when `clientId` is no managed identity's. */
export type Federation = (clientId: string, tenant: string, assertion: string) => Promise<FederatedExchange | undefined>;

export type VerifyResult = { ok: true; claims: JWTPayload } | { ok: false; code: string; message: string };

// Matches /{tenant}/oauth2/v2.0/token and the discovery documents MSAL fetches. "oidc" is the user
// sign-in provider's prefix and is left to it.
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/(?:v2\.0\/)?token$/;
const DISCOVERY_PATH = /^\/([^/]+)\/(?:v2\.0\/)?\.well-known\/openid-configuration$/;
const KEYS_PATH = /^\/([^/]+)\/discovery\/(?:v2\.0\/)?keys$/;

/**
 * An Entra-like token service for workload credentials (client credentials only). Tokens are
 * RS256 JWTs signed with a key kept in the data folder, so they stay valid across a restart.
 */
export class TokenService {
  private constructor(
    private readonly baseUrl: string,
    private readonly privateKey: Key,
    private readonly publicKey: Key,
    private readonly publicJwk: JWK,
    private readonly groupMembers: GroupMembers,
    private readonly client?: { id: string; secret: string },
  ) {}

  /** Workload identity federation: set by the cloud, which knows the identities and clusters. */
  federation?: Federation;

  static async create(baseUrl: string, dataDir: string, env: NodeJS.ProcessEnv = process.env) {
    const file = path.join(dataDir, "token-signing-key.json");
    let jwk: JWK;
    if (existsSync(file)) {
      jwk = JSON.parse(readFileSync(file, "utf8")) as JWK;
    } else {
      const { privateKey } = await generateKeyPair("RS256", { extractable: true });
      jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: "RS256" };
      writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    const client = env.EMULATOR_CLIENT_ID && env.EMULATOR_CLIENT_SECRET ? { id: env.EMULATOR_CLIENT_ID, secret: env.EMULATOR_CLIENT_SECRET } : undefined;
    const groupMembers = parseGroupMembers(env.EMULATOR_GROUP_MEMBERS);
    return new TokenService(baseUrl, await importJWK(jwk, "RS256"), await importJWK(publicJwk, "RS256"), publicJwk, groupMembers, client);
  }

  /** The public half of the signing key, as a JWKS entry. */
  publicJwks(): JWK[] {
    return [{ ...this.publicJwk }];
  }

  /**
   * An app-only access token as Entra issues it: `oid`/`sub` the service principal, `appid`/`azp`
   * the client, `groups` its memberships. A managed identity's (`principal`) has its principal id
   * and no groups. Tokens for Storage are v1 tokens, as Entra issues them for that resource.
   */
  async sign(claims: JWTPayload & { aud: string; clientId: string; tid: string }, lifetimeSeconds = 3600, principal?: { oid: string; claims?: JWTPayload }) {
    const { clientId, ...rest } = claims;
    const oid = principal?.oid ?? objectIdOf(clientId);
    const v1 = isStorageAudience(claims.aud);
    const groups = principal ? {} : { groups: groupsOf(this.groupMembers, clientId) };
    return new SignJWT({ ...rest, ...principal?.claims, sub: oid, oid, appid: clientId, azp: clientId, idtyp: "app", ...groups, ver: v1 ? "1.0" : "2.0" })
      .setProtectedHeader({ alg: "RS256", kid: this.publicJwk.kid, typ: "JWT" })
      .setIssuer(v1 ? `https://sts.windows.net/${claims.tid}/` : `${this.baseUrl}/${claims.tid}/v2.0`)
      .setIssuedAt()
      .setNotBefore("0s")
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** Checks that a bearer token is one this service signed, unexpired, for one of `audiences`. */
  async verify(authorization: string | undefined, audiences: string[]): Promise<VerifyResult> {
    if (!authorization) return { ok: false, code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." };
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (!match?.[1]) return { ok: false, code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is not a bearer token." };
    try {
      const { payload } = await jwtVerify(match[1], this.publicKey, { algorithms: ["RS256"] });
      const aud = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).map((a) => String(a).replace(/\/$/, ""));
      if (!aud.some((a) => audiences.includes(a))) {
        return { ok: false, code: "InvalidAuthenticationTokenAudience", message: `The access token has been obtained for wrong audience or resource '${aud.join(", ")}'.` };
      }
      return { ok: true, claims: payload };
    } catch (err) {
      const expired = (err as { code?: string }).code === "ERR_JWT_EXPIRED";
      return expired
        ? { ok: false, code: "ExpiredAuthenticationToken", message: "The access token expiry UTC time is earlier than current UTC time." }
        : { ok: false, code: "InvalidAuthenticationToken", message: "The access token is invalid." };
    }
  }

  /** Serves the token endpoint, its discovery document and its keys; false for other paths. */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const token = TOKEN_PATH.exec(pathname);
    const discovery = DISCOVERY_PATH.exec(pathname);
    const keys = KEYS_PATH.exec(pathname);
    const tenant = (token ?? discovery ?? keys)?.[1];
    if (!tenant || tenant === "oidc") return false;
    if (keys) {
      sendJson(res, 200, { keys: [{ ...this.publicJwk, use: "sig" }] });
    } else if (discovery) {
      const authority = `${this.baseUrl}/${tenant}`;
      sendJson(res, 200, {
        issuer: `${authority}/v2.0`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        jwks_uri: `${authority}/discovery/v2.0/keys`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        response_types_supported: ["code", "id_token", "token"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic", "private_key_jwt"],
        grant_types_supported: ["client_credentials"],
        tenant_region_scope: "EU",
      });
    } else if (req.method !== "POST") {
      sendJson(res, 405, { error: "invalid_request", error_description: "AADSTS900561: The endpoint only accepts POST requests." });
    } else {
      await this.issue(req, res, tenant);
    }
    return true;
  }

  private async issue(req: IncomingMessage, res: ServerResponse, tenant: string) {
    const form = new URLSearchParams(await readBody(req));
    const oauthError = (status: number, error: string, description: string) =>
      sendJson(res, status, { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });

    let clientId = form.get("client_id") ?? "";
    let secret = form.get("client_secret") ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
    if (basic?.[1]) [clientId, secret] = Buffer.from(basic[1], "base64").toString("utf8").split(":") as [string, string];
    const scope = form.get("scope") ?? "";

    if (form.get("grant_type") !== "client_credentials") {
      return oauthError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type. Only client_credentials is emulated here.");
    }
    if (!clientId) return oauthError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
    if (!scope.endsWith("/.default")) return oauthError(400, "invalid_scope", `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    const hasAssertion = Boolean(form.get("client_assertion"));
    const assertion = form.get("client_assertion") ?? "";
    const federated = hasAssertion && form.get("client_assertion_type") === JWT_BEARER ? await this.federation?.(clientId, tenant, assertion) : undefined;
    if (federated) {
      if (!federated.ok) return oauthError(federated.status, federated.error, federated.description);
      const accessToken = await this.sign({ aud: scope.slice(0, -"/.default".length), clientId, tid: tenant }, 86_399, { oid: federated.oid, claims: federated.claims });
      return sendJson(res, 200, { token_type: "Bearer", expires_in: 86_399, ext_expires_in: 86_399, access_token: accessToken });
    }
    if (this.client ? clientId !== this.client.id || (secret !== this.client.secret && !hasAssertion) : !secret && !hasAssertion) {
      return oauthError(401, "invalid_client", `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
    const aud = scope.slice(0, -"/.default".length);
    const accessToken = await this.sign({ aud, clientId, tid: tenant });
    sendJson(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  }
}
