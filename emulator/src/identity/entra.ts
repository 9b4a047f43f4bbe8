import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JWK } from "jose";
import Provider, { type Account, type OidcContext } from "oidc-provider";
import { AIRFLOW_APP, airflowAppSecret } from "../cloud/airflow-app.js";
import { readBody, sendJson } from "../http.js";
import { handleInteraction, impliedConsent, sendHtml } from "./interaction.js";
import type { IdentityKeys } from "./keys.js";
import { entraErrorPage, errorPage } from "./pages.js";
import { claimsFor, findUserById, ID_TOKEN_SETTINGS, TENANT_ID } from "./users.js";

export interface EntraTenantOptions {
  /** The emulator's base URL, e.g. https://localhost:8443: the tenant's authority is `<baseUrl>/<TENANT_ID>`. */
  baseUrl: string;
  keys: IdentityKeys;
  /** The Airflow app's web redirect URIs, as Microsoft Graph holds them at this moment. */
  airflowRedirectUris: () => string[];
  /** Public keys of the workload token service, which signs this tenant's client-credentials tokens. */
  workloadKeys: () => JWK[];
  env?: NodeJS.ProcessEnv;
}

const PREFIX = `/${TENANT_ID}`;
/** oidc-provider wants a registered redirect URI; the real list is Graph's (see redirectUriAllowed below). */
const PLACEHOLDER_REDIRECT = "https://redirect-uris-come-from-graph.invalid/";
const PRIVATE_JWK_FIELDS = ["d", "p", "q", "dp", "dq", "qi"];

/**
 * The directory as an Entra tenant: `/<TENANT_ID>/oauth2/v2.0/authorize`, `…/token`,
 * `/<TENANT_ID>/v2.0/.well-known/openid-configuration` and `…/discovery/v2.0/keys`, issuer
 * `<baseUrl>/<TENANT_ID>/v2.0`, where the Airflow app registration is a confidential client whose
 * redirect URIs are the ones registered through Microsoft Graph. Client-credentials requests to
 * the same token endpoint are left to the workload token service.
 */
export function createEntraTenant(options: EntraTenantOptions) {
  const secret = airflowAppSecret(options.env);
  const issuer = `${options.baseUrl}${PREFIX}/v2.0`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: AIRFLOW_APP.appId,
        client_secret: secret,
        client_name: AIRFLOW_APP.displayName,
        application_type: "web",
        // Entra takes the secret in the body or as HTTP Basic; requests are brought to the body form below.
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [PLACEHOLDER_REDIRECT],
      },
    ],
    jwks: options.keys.jwks,
    cookies: {
      keys: options.keys.cookieKeys,
      names: { session: "emulator_entra_session", interaction: "emulator_entra_interaction", resume: "emulator_entra_resume" },
    },
    ...ID_TOKEN_SETTINGS,
    features: { devInteractions: { enabled: false } },
    routes: {
      authorization: "/oauth2/v2.0/authorize",
      token: "/oauth2/v2.0/token",
      jwks: "/discovery/v2.0/keys",
      end_session: "/oauth2/v2.0/logout",
      userinfo: "/openid/userinfo",
    },
    interactions: { url: (_ctx: OidcContext, interaction: { uid: string }) => `${PREFIX}/login/${interaction.uid}` },
    findAccount: (ctx: OidcContext, sub: string): Account | undefined => {
      const user = findUserById(sub);
      if (!user) return undefined;
      // App roles belong to one app registration: the portal's Portal.Admin is not the Airflow app's.
      const forAirflow = ctx.oidc.client?.clientId === AIRFLOW_APP.appId;
      return { accountId: user.objectId, claims: () => ({ ...claimsFor(user), ...(forAirflow ? { roles: undefined } : {}), ver: "2.0" }) };
    },
    loadExistingGrant: impliedConsent,
    renderError: (ctx: OidcContext, out: Record<string, unknown>) => {
      ctx.type = "html";
      ctx.body = errorPage(out);
    },
    ttl: { AuthorizationCode: 600, IdToken: 3600, AccessToken: 3600, Interaction: 3600, Session: 8 * 3600, Grant: 8 * 3600 },
  });
  provider.on("server_error", (_ctx, err) => console.error("[emulator] Entra tenant:", err));

  // The Airflow app's redirect URIs are Graph's current list, checked on every request.
  const proto = provider.Client.prototype;
  const redirectUriAllowed = proto.redirectUriAllowed;
  proto.redirectUriAllowed = function (value) {
    return this.clientId === AIRFLOW_APP.appId ? options.airflowRedirectUris().includes(value) : redirectUriAllowed.call(this, value);
  };

  const callback = provider.callback();
  const publicKeys = () => options.keys.jwks.keys.map((k) => Object.fromEntries(Object.entries(k).filter(([f]) => !PRIVATE_JWK_FIELDS.includes(f))));

  /** Hands the request to oidc-provider as if mounted at /<TENANT_ID> (it derives endpoint URLs from originalUrl). */
  const toProvider = async (req: IncomingMessage, res: ServerResponse, path: string, search: string) => {
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${PREFIX}${path}${search}`;
    req.url = `${path}${search}`;
    await callback(req, res);
    return true;
  };

  return {
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = new URL(req.url ?? "/", options.baseUrl);
      if (!url.pathname.startsWith(`${PREFIX}/`)) return false;
      const path = url.pathname.slice(PREFIX.length);

      const interaction = /^\/login\/([\w-]+)(?:\/(login|abort))?$/.exec(path);
      if (interaction) {
        await handleInteraction(provider, req, res, interaction[1]!, interaction[2], `${PREFIX}/login`, `“${AIRFLOW_APP.displayName}”`);
        return true;
      }
      if (path === "/v2.0/.well-known/openid-configuration") return toProvider(req, res, "/.well-known/openid-configuration", url.search);
      if (path === "/discovery/v2.0/keys") {
        sendJson(res, 200, { keys: [...publicKeys(), ...options.workloadKeys().map((k) => ({ ...k, use: "sig" }))] });
        return true;
      }
      if (path === "/oauth2/v2.0/authorize") {
        const params = req.method === "POST" ? new URLSearchParams(await readBody(req, 64 * 1024)) : url.searchParams;
        const refusal = authorizeRefusal(params, options.airflowRedirectUris);
        if (refusal) {
          sendHtml(res, 400, entraErrorPage(refusal));
          return true;
        }
        if (req.method === "POST") (req as IncomingMessage & { body?: string }).body = params.toString();
        return toProvider(req, res, path, url.search);
      }
      if (path === "/oauth2/v2.0/token" && req.method === "POST") {
        const form = new URLSearchParams(await readBody(req, 64 * 1024));
        const grant = form.get("grant_type");
        // Workload credentials (client credentials and the rest) stay with the token service.
        if (grant !== "authorization_code") return false;
        const client = clientCredentials(req, form);
        if (client.id === AIRFLOW_APP.appId && client.secret !== secret) {
          tokenError(res, 401, "invalid_client", `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${AIRFLOW_APP.appId}'.`);
          return true;
        }
        if (client.id && client.id !== AIRFLOW_APP.appId) {
          tokenError(res, 400, "unauthorized_client", `AADSTS700016: Application with identifier '${client.id}' was not found in the directory '${TENANT_ID}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
          return true;
        }
        // One way in for oidc-provider: the secret in the body.
        delete req.headers.authorization;
        form.set("client_id", client.id);
        if (client.secret !== undefined) form.set("client_secret", client.secret);
        (req as IncomingMessage & { body?: string }).body = form.toString();
        return toProvider(req, res, path, url.search);
      }
      if (/^\/oauth2\/v2\.0\/(authorize\/[\w-]+|logout(\/confirm|\/success)?)$/.test(path) || path === "/openid/userinfo") return toProvider(req, res, path, url.search);
      return false;
    },
  };
}

/** Entra's answer to an authorize request it will not serve, before anyone is asked to sign in. */
function authorizeRefusal(params: URLSearchParams, redirectUris: () => string[]): string | undefined {
  const clientId = params.get("client_id");
  if (!clientId) return "AADSTS900144: The request body must contain the following parameter: 'client_id'.";
  if (clientId !== AIRFLOW_APP.appId) {
    return `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${TENANT_ID}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`;
  }
  const redirectUri = params.get("redirect_uri");
  if (redirectUri && !redirectUris().includes(redirectUri)) {
    return `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`;
  }
  if (!redirectUri && redirectUris().length === 0) return `AADSTS500113: No reply address is registered for the application.`;
  return undefined;
}

/** client_secret_basic (form-encoded id and secret, RFC 6749 §2.3.1) or client_secret_post. */
function clientCredentials(req: IncomingMessage, form: URLSearchParams): { id: string; secret?: string } {
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const unescape = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    if (colon > 0) return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  }
  return { id: form.get("client_id") ?? "", secret: form.get("client_secret") ?? undefined };
}

function tokenError(res: ServerResponse, status: number, error: string, description: string) {
  sendJson(res, status, {
    error,
    error_description: `${description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")}`,
    error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
    timestamp: new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}
