import { NextResponse, type NextRequest } from "next/server";
import { isHttpsRequest } from "@/lib/auth/request-origin";
import { config as portalConfig } from "@/lib/config";
import { securityHeaders } from "@/lib/security/headers";
import { isDecodableActionPayload } from "@/lib/security/server-action-payload";

// Next.js's own limit for a Server Action body (serverActions.bodySizeLimit); it refuses larger ones itself.
const ACTION_BODY_LIMIT = 1024 * 1024;

/**
 * Runs before every request: a fresh CSP nonce and the security headers. Next.js reads the nonce
 * from the request's Content-Security-Policy header and puts it on the scripts it renders, which
 * works because every page is rendered per request (the root layout reads the session).
 */
export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders({
    nonce,
    authority: portalConfig().auth.authority,
    https: isHttpsRequest(request.headers, request.nextUrl),
    development: process.env.NODE_ENV === "development",
  });

  if (request.method === "POST" && request.headers.has("next-action") && !(await actionPayloadAcceptable(request))) {
    return new NextResponse("This request could not be read. Reload the page and try again.", {
      status: 400,
      headers: { ...headers, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

// Every path, static assets and route handlers included: "every response" has no exceptions.
export const config = { matcher: "/:path*" };

async function actionPayloadAcceptable(request: NextRequest): Promise<boolean> {
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(length) && length > ACTION_BODY_LIMIT) return true;
  const body = await request.clone().text();
  if (body.length > ACTION_BODY_LIMIT) return true;
  return isDecodableActionPayload(request.headers.get("content-type") ?? "", body);
}
