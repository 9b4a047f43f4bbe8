import { IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ACTION_BODY_LIMIT } from "./action-body-limit";

/**
 * The request target in origin form (`/path?query`), whatever form the request line used.
 *
 * A request line may name a whole URL (`GET http://evil.example/admin HTTP/1.1`, the absolute
 * form proxies use). Next.js reads `//` in it as repeated slashes and answers a 308 to
 * `http://evil.example/admin`: an open redirect that a cache could keep for the portal's own
 * address. The portal is no proxy: only the path and query of such a target count, so every
 * redirect stays on the portal's origin (its Location is a path; the browser keeps the origin it
 * used). Returns null for a target that already is in origin form or is `*`.
 */
export function originFormTarget(target: string): string | null {
  if (target.startsWith("/") || target === "*") return null;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return "/";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? `${url.pathname}${url.search}` : "/";
}

/** Adds `Cache-Control: no-store` to a redirect that says nothing about caching, so no cache keeps one. */
export function noStoreOnRedirect(status: number, hasCacheControl: boolean): boolean {
  return status >= 300 && status < 400 && !hasCacheControl;
}


const TOO_LARGE_MESSAGE = "This request is too large. Reload the page and try again with less text.";

/**
 * Server Action bodies over the limit, refused with 413 before Next.js reads them. Next.js would
 * read the whole body (its proxy waits for the end of it, however long) and answer 500. With a
 * Content-Length the body is not read at all; a chunked body is read up to the limit, then handed
 * on whole (a fresh request carrying it, with its length) or refused at the first byte past it.
 * Returns true when it took the request over.
 */
function guardActionBody(server: Server, emit: (...a: unknown[]) => boolean, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || req.headers["next-action"] === undefined) return false;
  const length = req.headers["content-length"];
  if (length !== undefined) {
    if (!(Number(length) <= ACTION_BODY_LIMIT)) refuseTooLarge(req, res);
    return !(Number(length) <= ACTION_BODY_LIMIT);
  }
  if (req.headers["transfer-encoding"] === undefined) return false;
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > ACTION_BODY_LIMIT) {
      req.off("data", onData).off("end", onEnd);
      req.pause();
      refuseTooLarge(req, res);
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    const body = Buffer.concat(chunks);
    const replay = new IncomingMessage(req.socket);
    Object.assign(replay, { method: req.method, url: req.url, httpVersion: req.httpVersion, httpVersionMajor: req.httpVersionMajor, httpVersionMinor: req.httpVersionMinor });
    const headers = { ...req.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    replay.headers = headers;
    replay.rawHeaders = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.flatMap((x) => [k, x]) : [k, String(v)]));
    replay.push(body);
    replay.push(null);
    replay.complete = true;
    emit.call(server, "request", replay, res);
  };
  req.on("data", onData).on("end", onEnd);
  return true;
}

// After a refusal, what the client is still sending is discarded for this long and this much at
// most, so its TCP stack does not reset the connection before it has read the 413 (closing with
// unread data sends a reset); then the connection is cut.
const LINGER_MS = 2000;
const LINGER_BYTES = 4 * 1024 * 1024;

function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  socket.destroySoon = function (this: typeof socket) {
    this.end();
    let discarded = 0;
    const cut = () => this.destroy();
    const timer = setTimeout(cut, LINGER_MS);
    timer.unref();
    this.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) cut();
    });
    this.once("close", () => clearTimeout(timer));
    this.resume();
  };
  res.writeHead(413, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    // The rest of the body is not read: the connection ends with this answer.
    connection: "close",
  });
  res.end(TOO_LARGE_MESSAGE);
}

const INSTALLED = Symbol.for("airflow-portal.request-target-guard");

/**
 * Installs these rules on every HTTP server of this process, before Next.js's router sees the
 * request (it redirects, and waits for a whole body, before the proxy runs). Called from
 * instrumentation.ts at start.
 */
export function installRequestTargetGuard(http: { Server: typeof Server }): void {
  const proto = http.Server.prototype as Server & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit;
  proto.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const target = originFormTarget(req.url ?? "/");
      if (target !== null) req.url = target;
      const writeHead = res.writeHead;
      res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
        const headers = rest.find((r) => r && typeof r === "object") as Record<string, unknown> | undefined;
        const inHeaders = headers !== undefined && !Array.isArray(headers) && Object.keys(headers).some((k) => k.toLowerCase() === "cache-control");
        if (noStoreOnRedirect(status, this.hasHeader("cache-control") || inHeaders)) this.setHeader("cache-control", "no-store");
        return (writeHead as (...a: unknown[]) => ServerResponse).call(this, status, ...rest);
      } as typeof res.writeHead;
      if (guardActionBody(this, emit as (...a: unknown[]) => boolean, req, res)) return true;
    }
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof proto.emit;
}
