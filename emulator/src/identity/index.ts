import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type Account, type Configuration, type OidcContext } from "oidc-provider";
import { readBody, type EmulatorPart } from "../http.js";
import { loadOrCreateKeys } from "./keys.js";
import { PORTAL_CLIENT_ID } from "./portal-client.js";
import { isLoopbackOrigin, isLoopbackUri } from "./loopback.js";
import { errorPage, loggedOutPage, loginPage, logoutPage } from "./pages.js";
import { checkPassword, claimsFor, findUserById } from "./users.js";

export interface IdentityOptions {
  /** Issuer URL, e.g. https://localhost:8443/oidc */
  issuer: string;
  dataDir: string;
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

  return {
    async handle(req, res) {
      const pathname = new URL(req.url ?? "/", "https://emulator.invalid").pathname;
      if (pathname !== mountPath && !pathname.startsWith(`${mountPath}/`)) return false;

      const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(pathname.slice(mountPath.length));
      if (interaction) {
        await handleInteraction(provider, req, res, interaction[1]!, interaction[2], mountPath);
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
    responseTypes: ["code"],
    scopes: ["openid", "profile", "email"],
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username", "oid", "tid", "roles", "groups"],
      email: ["email", "email_verified"],
    },
    // Put the profile claims in the ID token itself, as Entra ID does; the portal never calls userinfo.
    conformIdTokenClaims: false,
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
    loadExistingGrant: async (ctx: OidcContext) => {
      const { client, session } = ctx.oidc;
      if (!client || !session.accountId) return undefined;
      const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope("openid profile email");
      await grant.save();
      return grant;
    },
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

async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  action: string | undefined,
  mountPath: string,
) {
  const details = await provider.interactionDetails(req, res).catch(() => undefined);
  if (!details || details.uid !== uid) {
    sendHtml(res, 400, errorPage({ error: "This sign-in has expired or was already used. Go back to the portal and sign in again." }));
    return;
  }

  if (action === "abort" && req.method === "POST") {
    await provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "The user cancelled the sign-in." },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  if (details.prompt.name === "consent") {
    // Only reached when a grant lost scopes; loadExistingGrant normally consents up front.
    const grant = new provider.Grant({ accountId: details.session!.accountId!, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  const form = {
    action: `${mountPath}/interaction/${uid}/login`,
    abortAction: `${mountPath}/interaction/${uid}/abort`,
    clientName: "the Airflow Portal",
  };

  if (action === "login" && req.method === "POST") {
    const body = new URLSearchParams(await readBody(req, 16 * 1024));
    const username = body.get("username") ?? "";
    const user = checkPassword(username, body.get("password") ?? "");
    if (!user) {
      sendHtml(res, 401, loginPage({ ...form, username, error: "The user name or password is incorrect." }));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.objectId } }, { mergeWithLastSubmission: false });
    return;
  }

  if (req.method !== "GET") {
    sendHtml(res, 405, errorPage({ error: `${req.method} is not allowed here.` }));
    return;
  }
  sendHtml(res, 200, loginPage(form));
}

function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The sign-in form must not be framed by another site (click-jacking).
    "x-frame-options": "DENY",
  });
  res.end(html);
}
