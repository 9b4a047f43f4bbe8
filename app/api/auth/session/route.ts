import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { IdTokenError, verifyIdToken } from "@/lib/auth/id-token";
import { providerKeys } from "@/lib/auth/provider-keys";
import { isHttpsRequest, isSameOrigin } from "@/lib/auth/request-origin";
import { createSessionToken, SESSION_COOKIE, SESSION_TTL_SECONDS } from "@/lib/auth/session";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

const SignInBody = z.object({ idToken: z.string().min(1).max(32_768) });

// Browsers drop cookies above 4 KB; leave room for the attributes.
const MAX_SESSION_TOKEN_LENGTH = 3800;

/**
 * Exchanges an ID token from MSAL for the portal's session cookie. The token is verified here,
 * on the server: what the browser says about the user counts for nothing until then.
 */
export async function POST(request: NextRequest) {
  if (!isSameOrigin(request.headers)) return failure(403, "This sign-in did not come from the portal's own page.");

  const body = SignInBody.safeParse(await request.json().catch(() => undefined));
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

  if (identity.groupsOverage) {
    // Entra sends a Graph pointer instead of groups for users in many groups. The portal does
    // not call Graph: such a user signs in with no team until the app registration emits only
    // the groups assigned to it (groupMembershipClaims "ApplicationGroup").
    console.warn(`[auth] user ${identity.subject}: group overage in the ID token; signed in with no teams`);
  }

  const { groupsOverage: _overage, ...claims } = identity;
  const token = await createSessionToken(claims, sessionSecret);
  if (token.length > MAX_SESSION_TOKEN_LENGTH) {
    console.warn(`[auth] user ${identity.subject}: session too large (${claims.groups.length} groups)`);
    return failure(
      422,
      "Your account belongs to too many groups for the portal. Ask the portal's administrators to limit the groups sent to it.",
    );
  }

  const response = NextResponse.json({ name: claims.name }, { headers: { "cache-control": "no-store" } });
  response.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isHttpsRequest(request.headers, request.nextUrl),
    maxAge: SESSION_TTL_SECONDS,
  });
  return response;
}

/** Signs out of the portal. The browser then signs out at the identity provider too. */
export function DELETE(request: NextRequest) {
  if (!isSameOrigin(request.headers)) return failure(403, "This sign-out did not come from the portal's own page.");
  const response = new NextResponse(null, { status: 204, headers: { "cache-control": "no-store" } });
  response.cookies.set(SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isHttpsRequest(request.headers, request.nextUrl),
    maxAge: 0,
  });
  return response;
}

function failure(status: number, message: string) {
  return NextResponse.json({ message }, { status, headers: { "cache-control": "no-store" } });
}
