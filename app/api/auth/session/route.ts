import { timingSafeEqual } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { IdTokenError, verifyIdToken } from "@/lib/auth/id-token";
import { providerKeys } from "@/lib/auth/provider-keys";
import { isHttpsRequest, isSameOrigin } from "@/lib/auth/request-origin";
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session";
import { createSession, revokeSession } from "@/lib/auth/sessions";
import { consumeSignInNonce, SIGN_IN_NONCE_COOKIE } from "@/lib/auth/sign-in-nonce";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { readLimitedJson } from "@/lib/http/read-limited-json";

export const dynamic = "force-dynamic";

const MAX_ID_TOKEN_LENGTH = 32_768;
const SignInBody = z.object({ idToken: z.string().min(1).max(MAX_ID_TOKEN_LENGTH) });
// The token and the JSON around it; anything longer is not a sign-in and is not read.
const MAX_BODY_BYTES = MAX_ID_TOKEN_LENGTH + 1024;

/**
 * Exchanges an ID token from MSAL for a server-side session. The token is verified here, on the
 * server: what the browser says about the user counts for nothing until then. It must carry the
 * nonce this browser was given, unused: a token is good for one sign-in, never replayed.
 */
export async function POST(request: NextRequest) {
  if (!isSameOrigin(request.headers)) return failure(403, "This sign-in did not come from the portal's own page.");

  const read = await readLimitedJson(request, MAX_BODY_BYTES);
  if (!read.ok && read.reason === "too-large") return failure(413, "The sign-in response was too large. Please sign in again.");
  const body = SignInBody.safeParse(read.ok ? read.value : undefined);
  if (!body.success) return failure(400, "The sign-in response was incomplete. Please sign in again.");

  const { auth, sessionSecret } = config();
  let identity;
  try {
    identity = await verifyIdToken(body.data.idToken, {
      issuer: auth.issuer,
      audience: auth.clientId,
      jwks: await providerKeys(auth.issuer),
    });
  } catch (err) {
    if (err instanceof IdTokenError) {
      console.warn("[auth] sign-in refused:", err.message);
      return failure(401, "We could not verify your sign-in. Please sign in again.");
    }
    console.error("[auth] could not verify an ID token against the identity provider:", err);
    return failure(502, "The sign-in service could not be reached. Please try again in a minute.");
  }

  const browserNonce = request.cookies.get(SIGN_IN_NONCE_COOKIE)?.value;
  if (!identity.nonce || !browserNonce || !sameValue(identity.nonce, browserNonce) || !(await consumeSignInNonce(db(), sessionSecret, identity.nonce))) {
    console.warn(`[auth] user ${identity.subject}: sign-in refused: the ID token's nonce is missing, not this browser's, used or expired`);
    return clearNonce(failure(401, "This sign-in has already been used or has expired. Please sign in again."), request);
  }

  if (identity.groupsOverage) {
    // Entra sends a Graph pointer instead of groups for users in many groups. The portal does
    // not call Graph: such a user signs in with no team until the app registration emits only
    // the groups assigned to it (groupMembershipClaims "ApplicationGroup").
    console.warn(`[auth] user ${identity.subject}: group overage in the ID token; signed in with no teams`);
  }

  const { groupsOverage: _overage, nonce: _nonce, ...claims } = identity;
  const cookie = await createSession(db(), claims, sessionSecret);
  const response = NextResponse.json({ name: claims.name }, { headers: { "cache-control": "no-store" } });
  response.cookies.set(SESSION_COOKIE, cookie, cookieOptions(request, SESSION_MAX_AGE_SECONDS));
  return clearNonce(response, request);
}

/** Signs out of the portal: the session ends on the server, so a copy of the cookie is worthless. The browser then signs out at the provider too. */
export async function DELETE(request: NextRequest) {
  if (!isSameOrigin(request.headers)) return failure(403, "This sign-out did not come from the portal's own page.");
  const cookie = request.cookies.get(SESSION_COOKIE)?.value;
  if (cookie) await revokeSession(db(), cookie, config().sessionSecret);
  const response = new NextResponse(null, { status: 204, headers: { "cache-control": "no-store" } });
  response.cookies.set(SESSION_COOKIE, "", cookieOptions(request, 0));
  return response;
}

function cookieOptions(request: NextRequest, maxAge: number) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/", secure: isHttpsRequest(request.headers, request.nextUrl), maxAge };
}

function clearNonce(response: NextResponse, request: NextRequest): NextResponse {
  response.cookies.set(SIGN_IN_NONCE_COOKIE, "", { ...cookieOptions(request, 0), path: "/api/auth" });
  return response;
}

function sameValue(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function failure(status: number, message: string) {
  return NextResponse.json({ message }, { status, headers: { "cache-control": "no-store" } });
}
