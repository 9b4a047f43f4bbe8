import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { OidcContext } from "oidc-provider";
import { readBody } from "../http.js";
import { errorPage, loginPage } from "./pages.js";
import { checkPassword } from "./users.js";

/** Consent is implied for the directory's own apps, as an Entra admin consent would be. */
export async function impliedConsent(ctx: OidcContext) {
  const { client, session } = ctx.oidc;
  if (!client || !session.accountId) return undefined;
  const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  if (existing) return ctx.oidc.provider.Grant.find(existing);
  const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
  grant.addOIDCScope("openid profile email");
  await grant.save();
  return grant;
}

/** The sign-in form of one provider's interaction `uid`, under `basePath` (`<basePath>/<uid>[/login|/abort]`). */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  action: string | undefined,
  basePath: string,
  clientName: string,
) {
  const details = await provider.interactionDetails(req, res).catch(() => undefined);
  if (!details || details.uid !== uid) {
    sendHtml(res, 400, errorPage({ error: `This sign-in has expired or was already used. Go back to ${clientName} and sign in again.` }));
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
    action: `${basePath}/${uid}/login`,
    abortAction: `${basePath}/${uid}/abort`,
    clientName,
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

export function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The sign-in form must not be framed by another site (click-jacking).
    "x-frame-options": "DENY",
  });
  res.end(html);
}
