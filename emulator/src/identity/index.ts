import type { IncomingMessage } from "node:http";
import type { JWK } from "jose";
import Provider, { type Account, type Configuration, type OidcContext } from "oidc-provider";
import type { EmulatorPart } from "../http.js";
import { loadOrCreateKeys } from "./keys.js";
import { createEntraTenant } from "./entra.js";
import { PORTAL_CLIENT_ID } from "./portal-client.js";
import { isLoopbackOrigin, isLoopbackUri } from "./loopback.js";
import { handleInteraction, impliedConsent } from "./interaction.js";
import { errorPage, loggedOutPage, logoutPage } from "./pages.js";
import { claimsFor, findUserById, ID_TOKEN_SETTINGS } from "./users.js";

export interface IdentityOptions {
  /** Issuer URL, e.g. https://localhost:8443/oidc */
  issuer: string;
  dataDir: string;
  /**
   * The directory's Entra-shaped tenant (`/<TENANT_ID>/oauth2/v2.0/…`), where the Airflow app
   * signs people in: its redirect URIs as Microsoft Graph holds them, and the workload token
   * service's public keys, published with the tenant's. Without it, only the portal's issuer.
   */
  tenant?: { baseUrl: string; airflowRedirectUris: () => string[]; workloadKeys: () => JWK[] };
}

const REDIRECT_PATHS = ["/auth/redirect"];
const POST_LOGOUT_PATHS = ["/signin", "/"];

/**
 * The emulator's stand-in for Entra ID: an OpenID Connect provider under the issuer's path,
 * with its own sign-in form for the test users.
 */
export async function createIdentity(options: IdentityOptions): Promise<EmulatorPart> {
  const keys = await loadOrCreateKeys(options.dataDir);
  const mountPath = new URL(options.issuer).pathname.replace(/\/$/, "");

  const provider = new Provider(options.issuer, providerConfiguration(mountPath, keys));
  allowLoopbackRedirects(provider);
  provider.on("server_error", (_ctx, err) => console.error("[emulator] identity:", err));

  const callback = provider.callback();
  const tenant = options.tenant && createEntraTenant({ ...options.tenant, keys });

  return {
    async handle(req, res) {
      if (tenant && (await tenant.handle(req, res))) return true;
      const pathname = new URL(req.url ?? "/", "https://emulator.invalid").pathname;
      if (pathname !== mountPath && !pathname.startsWith(`${mountPath}/`)) return false;

      const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(pathname.slice(mountPath.length));
      if (interaction) {
        await handleInteraction(provider, req, res, interaction[1]!, interaction[2], `${mountPath}/interaction`, "the Airflow Portal");
        return true;
      }

      // Mounted the way express would: oidc-provider derives its endpoint URLs from originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = req.url!.slice(mountPath.length) || "/";
      await callback(req, res);
      return true;
    },
  };
}

function providerConfiguration(mountPath: string, keys: Awaited<ReturnType<typeof loadOrCreateKeys>>): Configuration {
  return {
    clients: [
      {
        client_id: PORTAL_CLIENT_ID,
        client_name: "Airflow Portal",
        application_type: "web",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // Registered for form's sake; any loopback port is accepted, see allowLoopbackRedirects.
        redirect_uris: ["http://localhost:3000/auth/redirect", "http://127.0.0.1:3000/auth/redirect"],
        post_logout_redirect_uris: ["http://localhost:3000/signin", "http://127.0.0.1:3000/signin"],
      },
    ],
    jwks: keys.jwks,
    cookies: {
      keys: keys.cookieKeys,
      // The portal shares the "localhost" cookie jar (cookies ignore ports): keep names distinct.
      names: { session: "emulator_oidc_session", interaction: "emulator_oidc_interaction", resume: "emulator_oidc_resume" },
    },
    ...ID_TOKEN_SETTINGS,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: OidcContext, form: string) => {
          ctx.type = "html";
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx: OidcContext) => {
          ctx.type = "html";
          ctx.body = loggedOutPage();
        },
      },
    },
    interactions: { url: (_ctx: OidcContext, interaction: { uid: string }) => `${mountPath}/interaction/${interaction.uid}` },
    findAccount: (_ctx: OidcContext, sub: string): Account | undefined => {
      const user = findUserById(sub);
      return user && { accountId: user.objectId, claims: () => claimsFor(user) };
    },
    // Consent is implied for the portal, a first-party app, as an Entra admin consent would be.
    loadExistingGrant: impliedConsent,
    // MSAL redeems the code from the portal's page, a cross-origin fetch.
    clientBasedCORS: (_ctx: OidcContext, origin: string, client: { clientId: string }) =>
      client.clientId === PORTAL_CLIENT_ID && isLoopbackOrigin(origin),
    renderError: (ctx: OidcContext, out: Record<string, unknown>) => {
      ctx.type = "html";
      ctx.body = errorPage(out);
    },
    ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Interaction: 3600, Session: 8 * 3600, Grant: 8 * 3600 },
  };
}

/**
 * Tests run the portal on random loopback ports, so any port is accepted for the portal's paths
 * (the RFC 8252 loopback rule); oidc-provider only does that for native clients.
 */
function allowLoopbackRedirects(provider: Provider) {
  const proto = provider.Client.prototype;
  const redirectUriAllowed = proto.redirectUriAllowed;
  const postLogoutRedirectUriAllowed = proto.postLogoutRedirectUriAllowed;
  proto.redirectUriAllowed = function (value) {
    return (this.clientId === PORTAL_CLIENT_ID && isLoopbackUri(value, REDIRECT_PATHS)) || redirectUriAllowed.call(this, value);
  };
  proto.postLogoutRedirectUriAllowed = function (value) {
    return (
      (this.clientId === PORTAL_CLIENT_ID && isLoopbackUri(value, POST_LOGOUT_PATHS)) ||
      postLogoutRedirectUriAllowed.call(this, value)
    );
  };
}
