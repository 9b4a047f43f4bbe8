import { NextResponse, type NextRequest } from "next/server";
import { isHttpsRequest } from "@/lib/auth/request-origin";
import { config as portalConfig } from "@/lib/config";
import { securityHeaders } from "@/lib/security/headers";
import { ACTION_BODY_LIMIT } from "@/lib/security/action-body-limit";
import { actionPayloadVerdict } from "@/lib/security/server-action-payload";



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

  if (request.method === "POST" && request.headers.has("next-action")) {
    const refusal = await actionPayloadRefusal(request);
    if (refusal) {
      return new NextResponse(refusal.message, {
        status: refusal.status,
        headers: {
          ...headers,
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-store",
          // The rest of an oversized body is not read: the connection ends with this answer.
          ...(refusal.status === 413 ? { connection: "close" } : {}),
        },
      });
    }
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

// Every path, static assets and route handlers included: "every response" has no exceptions.
export const config = { matcher: "/:path*" };

type Refusal = { status: 400 | 413; message: string };

const TOO_LARGE: Refusal = { status: 413, message: "This request is too large. Reload the page and try again with less text." };
const UNREADABLE: Refusal = { status: 400, message: "This request could not be read. Reload the page and try again." };

/**
 * Why a Server Action request is refused before Next.js decodes it, or null to let it through:
 * a body over the limit (by Content-Length, unread; chunked, counted while read and never read
 * past the limit), one Next.js could not decode, or one that is not a form action's call.
 */
async function actionPayloadRefusal(request: NextRequest): Promise<Refusal | null> {
  const length = request.headers.get("content-length");
  if (length !== null && !(Number(length) <= ACTION_BODY_LIMIT)) return TOO_LARGE;
  const body = await readAtMost(request.clone(), ACTION_BODY_LIMIT);
  if (body === null) return TOO_LARGE;
  const verdict = await actionPayloadVerdict(request.headers.get("content-type") ?? "", body);
  return verdict === "ok" ? null : UNREADABLE;
}

/** The body as text, or null as soon as it passes `limit` bytes (the rest is not read). */
async function readAtMost(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
