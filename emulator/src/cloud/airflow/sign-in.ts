import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { load } from "js-yaml";
import { typeOf } from "../kube/discovery.js";
import type { KubeClusters } from "../kube/clusters.js";
import type { AirflowSignInSource, AirflowSite, Json } from "../store.js";
import { isPlainObject } from "../util.js";

/** What FAB's AUTH_OAUTH needs from the generated webserver_config.py, read from its text. */
export interface FabOAuthConfig {
  provider: string;
  clientId: { env: string } | { value: string };
  clientSecret: { env: string } | { value: string };
  authorizeUrl: string;
  tokenUrl: string;
  metadataUrl?: string;
  scope: string;
  /** Role key → Airflow roles. */
  rolesMapping: Record<string, string[]>;
  registrationRole: string;
  /** FAB's Azure provider reads `roles`; the portal's security-manager override reads `groups`, lower-cased. */
  roleClaim: "groups" | "roles";
  lowerCaseKeys: boolean;
  /**
   * The claims a person's address is taken from, first present wins, when the security manager
   * answers for Azure itself; undefined when FAB's own Azure branch runs (see `azureAddress`).
   */
  addressClaims?: string[];
}

const get = (values: Json, path: string): unknown => path.split(".").reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), values);

/** The sign-in sources of a release: its generated config (if any) and the UI pod's environment sources. */
export function signInSource(values: Json, airflowMajor: number): AirflowSignInSource | undefined {
  const config = get(values, airflowMajor >= 3 ? "apiServer.apiServerConfig" : "webserver.webserverConfig");
  if (typeof config !== "string" || !/^AUTH_TYPE\s*=\s*AUTH_OAUTH\s*$/m.test(config)) return undefined;
  const yamlList = (value: unknown): Json[] => {
    if (Array.isArray(value)) return value.filter(isPlainObject);
    if (typeof value !== "string" || !value.trim()) return [];
    try {
      const parsed = load(value);
      return Array.isArray(parsed) ? parsed.filter(isPlainObject) : [];
    } catch {
      return [];
    }
  };
  const envFrom: AirflowSignInSource["envFrom"] = [];
  for (const entry of yamlList(values.extraEnvFrom)) {
    const ref = (entry.secretRef ?? entry.configMapRef) as Json | undefined;
    if (ref && typeof ref.name === "string") envFrom.push({ kind: entry.secretRef ? "Secret" : "ConfigMap", name: ref.name, ...(ref.optional === true ? { optional: true } : {}) });
  }
  const env: AirflowSignInSource["env"] = [];
  for (const entry of [...yamlList(values.env), ...yamlList(values.extraEnv)]) {
    if (typeof entry.name !== "string") continue;
    const ref = (entry.valueFrom as Json | undefined)?.secretKeyRef as Json | undefined;
    if (ref && typeof ref.name === "string" && typeof ref.key === "string") env.push({ name: entry.name, secretKeyRef: { name: ref.name, key: ref.key } });
    else if (entry.value !== undefined) env.push({ name: entry.name, value: String(entry.value) });
  }
  return { config, envFrom, env };
}

/** Reads the FAB OAuth settings from the Python text; a string says what is missing. */
export function parseFabConfig(text: string): FabOAuthConfig | string {
  const authority = /^_AUTHORITY\s*=\s*"([^"]*)"/m.exec(text)?.[1];
  /** A Python expression of string literals and `_AUTHORITY`, joined by `+`. */
  const expr = (key: string): string | undefined => {
    const raw = new RegExp(`"${key}"\\s*:\\s*([^\\n]+?),?\\s*$`, "m").exec(text)?.[1];
    if (!raw) return undefined;
    let out = "";
    for (const term of raw.split("+").map((t) => t.trim())) {
      const literal = /^"([^"]*)"$/.exec(term)?.[1];
      if (literal !== undefined) out += literal;
      else if (term === "_AUTHORITY" && authority !== undefined) out += authority;
      else return undefined;
    }
    return out;
  };
  const credential = (key: string) => {
    const env = new RegExp(`"${key}"\\s*:\\s*os\\.(?:environ\\["([^"]+)"\\]|environ\\.get\\("([^"]+)"|getenv\\("([^"]+)")`).exec(text);
    if (env) return { env: (env[1] ?? env[2] ?? env[3]) as string };
    const value = expr(key);
    return value === undefined ? undefined : { value };
  };
  const provider = /"name"\s*:\s*"([^"]+)"/.exec(text)?.[1];
  const clientId = credential("client_id");
  const clientSecret = credential("client_secret");
  const authorizeUrl = expr("authorize_url");
  const tokenUrl = expr("access_token_url");
  if (!provider) return "OAUTH_PROVIDERS has no provider name";
  if (!clientId || !clientSecret) return "the provider's client_id or client_secret cannot be read";
  if (!authorizeUrl || !tokenUrl) return "the provider's authorize_url or access_token_url cannot be read";

  const rolesMapping: Record<string, string[]> = {};
  const block = /^AUTH_ROLES_MAPPING\s*=\s*\{([\s\S]*?)^\}/m.exec(text)?.[1] ?? "";
  for (const [, key, roles] of block.matchAll(/"([^"]+)"\s*:\s*\[([^\]]*)\]/g)) {
    rolesMapping[key as string] = [...(roles as string).matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
  }
  const override = userInfoOverride(text);
  const overrideReadsGroups = override !== undefined && /claims\.get\(\s*"groups"/.test(override);
  const addressClaims = ownAzureAddress(text, override);
  if (typeof addressClaims === "string") return addressClaims;
  return {
    provider,
    clientId,
    clientSecret,
    authorizeUrl,
    tokenUrl,
    metadataUrl: expr("server_metadata_url"),
    scope: /"scope"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? "openid email profile",
    rolesMapping,
    registrationRole: /^AUTH_USER_REGISTRATION_ROLE\s*=\s*"([^"]*)"/m.exec(text)?.[1] ?? "Public",
    roleClaim: overrideReadsGroups ? "groups" : "roles",
    lowerCaseKeys: overrideReadsGroups && /\.lower\(\)/.test(override ?? ""),
    ...(addressClaims ? { addressClaims } : {}),
  };
}

/** The body of `get_oauth_user_info` in the class SECURITY_MANAGER_CLASS names, if that class overrides it. */
function userInfoOverride(text: string): string | undefined {
  const name = /^SECURITY_MANAGER_CLASS\s*=\s*(\w+)\s*$/m.exec(text)?.[1];
  if (!name) return undefined;
  const body = new RegExp(`^class ${name}\\b[^\\n]*:\\n((?:[ \\t]+[^\\n]*\\n|[ \\t]*\\n)*)`, "m").exec(text)?.[1] ?? "";
  return /^( +)def get_oauth_user_info\(self, provider, resp\):\n((?:\1 +[^\n]*\n|[ \t]*\n)*)/m.exec(body)?.[2];
}

/**
 * Where an override that answers for Azure without calling FAB's branch takes the address from:
 * the names in the tuple its `"email"` entry walks (`next((claims[c] for c in NAMES if
 * claims.get(c)), "")`). Undefined when FAB's branch runs; a string when the override cannot be read.
 */
function ownAzureAddress(text: string, override: string | undefined): string[] | string | undefined {
  const othersToFab = /^\s*if provider != "azure":\s*\n\s*return super\(\)\.get_oauth_user_info\(provider, resp\)\s*$/m;
  if (!override || !othersToFab.test(override)) return undefined;
  const firstSet = /^\s*"email"\s*:\s*next\(\(claims\[(\w+)\] for \1 in (\w+) if claims\.get\(\1\)\), ""\),\s*$/m;
  const names = firstSet.exec(override)?.[2];
  const tuple = names && new RegExp(`^${names}\\s*=\\s*\\(([^)]*)\\)\\s*$`, "m").exec(text)?.[1];
  if (!tuple) return "the security manager's Azure user info does not say where the address comes from";
  return [...tuple.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
}

/**
 * The address FAB's `get_oauth_user_info` gives an Azure user, or the KeyError it raises (FAB
 * then answers "Invalid login"). FAB's own branch reads `email` if present, else `upn` (Airflow 2's
 * provider copy: `email` only); the portal's override takes the first of its claims that is set.
 */
export function azureAddress(
  config: FabOAuthConfig,
  claims: Json,
  airflowMajor: number,
): { ok: true; email: string } | { ok: false; error: string } {
  if (config.addressClaims) {
    const claim = config.addressClaims.find((c) => Boolean(claims[c]));
    return { ok: true, email: claim ? String(claims[claim]) : "" };
  }
  if ("email" in claims) return { ok: true, email: String(claims.email) };
  if (airflowMajor >= 3 && "upn" in claims) return { ok: true, email: String(claims.upn) };
  return { ok: false, error: `KeyError: '${airflowMajor >= 3 ? "upn" : "email"}'` };
}

/** The UI pod's environment, as the kubelet would build it; a string names what stops the pod from starting. */
export function podEnvironment(kube: KubeClusters, site: AirflowSite, source: AirflowSignInSource): Record<string, string> | string {
  const cluster = kube.get(site.clusterKey);
  if (!cluster) return "the cluster is gone";
  const env: Record<string, string> = {};
  const read = (kind: "Secret" | "ConfigMap", name: string) => kube.read(cluster, typeOf(kind), site.namespace, name);
  const decode = (kind: string, value: unknown) => (kind === "Secret" ? Buffer.from(String(value), "base64").toString("utf8") : String(value));
  for (const ref of source.envFrom) {
    const obj = read(ref.kind, ref.name);
    if (!obj) {
      if (ref.optional) continue;
      return `CreateContainerConfigError: ${ref.kind === "Secret" ? "secret" : "configmap"} "${ref.name}" not found`;
    }
    for (const [k, v] of Object.entries((obj.data ?? {}) as Json)) env[k] = decode(ref.kind, v);
    if (ref.kind === "Secret") for (const [k, v] of Object.entries((obj.stringData ?? {}) as Json)) env[k] = String(v);
  }
  for (const entry of source.env) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (entry.secretKeyRef) {
      const secret = read("Secret", entry.secretKeyRef.name);
      const value = ((secret?.data ?? {}) as Json)[entry.secretKeyRef.key];
      if (value === undefined) return `CreateContainerConfigError: couldn't find key ${entry.secretKeyRef.key} in Secret ${site.namespace}/${entry.secretKeyRef.name}`;
      env[entry.name] = decode("Secret", value);
    }
  }
  return env;
}

export interface SignedInUser {
  name: string;
  email: string;
  /** Every role FAB gives the user: the mapped ones, and the registration role (Public, which grants nothing). */
  roles: string[];
}

/** FAB's _oauth_calculate_user_roles: the mapped roles of the user's role keys, plus the registration role. */
export function rolesFor(config: FabOAuthConfig, claims: Json): string[] {
  const raw = claims[config.roleClaim];
  const keys = (Array.isArray(raw) ? raw : []).map((k) => (config.lowerCaseKeys ? String(k).toLowerCase() : String(k)));
  const roles = new Set<string>();
  for (const key of keys) for (const role of config.rolesMapping[key] ?? []) roles.add(role);
  roles.add(config.registrationRole);
  return [...roles];
}

interface Reply {
  status: number;
  body: Json;
}

/** A JSON request as authlib's client makes it, trusting the emulator's CA for https. */
export function requestJson(url: string, ca: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === "https:" ? https : http;
    const req = lib.request(target, { method: init.method ?? "GET", headers: { accept: "application/json", ...init.headers }, ...(target.protocol === "https:" ? { ca } : {}), agent: false, timeout: 10_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        let body: Json = {};
        try {
          const parsed: unknown = JSON.parse(text);
          if (isPlainObject(parsed)) body = parsed;
        } catch {
          body = { error: "invalid_response", error_description: `not JSON (HTTP ${res.statusCode}): ${text.slice(0, 200)}` };
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`timed out calling ${url}`)));
    req.on("error", reject);
    req.end(init.body);
  });
}

/** Authlib's authorization-code exchange (client_secret_basic, its default) and the ID token's checks. */
export async function redeemCode(
  config: FabOAuthConfig,
  client: { id: string; secret: string },
  ca: string,
  input: { code: string; redirectUri: string; nonce: string },
): Promise<{ ok: true; claims: Json } | { ok: false; error: string }> {
  const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString("base64");
  const reply = await requestJson(config.tokenUrl, ca, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: "authorization_code", code: input.code, redirect_uri: input.redirectUri }).toString(),
  });
  if (reply.status !== 200 || typeof reply.body.id_token !== "string") {
    const error = typeof reply.body.error === "string" ? reply.body.error : `HTTP ${reply.status}`;
    const description = typeof reply.body.error_description === "string" ? reply.body.error_description.split("\r\n")[0] : "no ID token in the token response";
    return { ok: false, error: `${error}: ${description}` };
  }
  const metadataUrl = config.metadataUrl ?? `${new URL(config.tokenUrl).origin}/${new URL(config.tokenUrl).pathname.split("/")[1]}/v2.0/.well-known/openid-configuration`;
  const metadata = await requestJson(metadataUrl, ca);
  if (metadata.status !== 200 || typeof metadata.body.jwks_uri !== "string") return { ok: false, error: `invalid_metadata: ${metadataUrl} answered ${metadata.status}` };
  const jwks = await requestJson(metadata.body.jwks_uri, ca);
  try {
    const { payload } = await jwtVerify(reply.body.id_token, createLocalJWKSet(jwks.body as unknown as JSONWebKeySet), {
      issuer: String(metadata.body.issuer),
      audience: client.id,
    });
    if (payload.nonce !== input.nonce) return { ok: false, error: "invalid_claim: the ID token's nonce is not the one sent" };
    return { ok: true, claims: payload as Json };
  } catch (err) {
    return { ok: false, error: `invalid_token: ${(err as Error).message}` };
  }
}

export const randomToken = () => randomBytes(24).toString("base64url");
