import { NextResponse, type NextRequest } from "next/server";
import { isHttpsRequest } from "@/lib/auth/request-origin";
import { config as portalConfig } from "@/lib/config";
import { securityHeaders } from "@/lib/security/headers";

/**
 * Runs before every request: a fresh CSP nonce and the security headers. Next.js reads the nonce
 * from the request's Content-Security-Policy header and puts it on the scripts it renders, which
 * works because every page is rendered per request (the root layout reads the session).
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders({
    nonce,
    authority: portalConfig().auth.authority,
    https: isHttpsRequest(request.headers, request.nextUrl),
    development: process.env.NODE_ENV === "development",
  });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

// Every path, static assets and route handlers included: "every response" has no exceptions.
export const config = { matcher: "/:path*" };
