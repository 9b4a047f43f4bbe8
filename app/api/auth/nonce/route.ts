import { NextResponse, type NextRequest } from "next/server";
import { isHttpsRequest, isSameOrigin } from "@/lib/auth/request-origin";
import { issueSignInNonce, SIGN_IN_NONCE_COOKIE, SIGN_IN_NONCE_TTL_SECONDS } from "@/lib/auth/sign-in-nonce";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

/**
 * A single-use nonce for the next sign-in, for MSAL's login request. It is also set as an
 * HttpOnly cookie, so the ID token that comes back is accepted only from the browser that asked.
 */
export async function POST(request: NextRequest) {
  const headers = { "cache-control": "no-store" };
  if (!isSameOrigin(request.headers)) {
    return NextResponse.json({ message: "This sign-in did not come from the portal's own page." }, { status: 403, headers });
  }
  // Signed, not stored: asking for a nonce writes nothing (only its use at sign-in is recorded).
  const nonce = issueSignInNonce(config().sessionSecret);
  const response = NextResponse.json({ nonce }, { headers });
  response.cookies.set(SIGN_IN_NONCE_COOKIE, nonce, {
    httpOnly: true,
    sameSite: "lax",
    path: "/api/auth",
    secure: isHttpsRequest(request.headers, request.nextUrl),
    maxAge: SIGN_IN_NONCE_TTL_SECONDS,
  });
  return response;
}
