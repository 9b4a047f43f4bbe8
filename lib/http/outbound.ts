/** Outbound HTTP the worker makes itself (health probes, Microsoft Graph), with `*.localhost` resolving to loopback. */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { PeerCertificate, TLSSocket } from "node:tls";

/**
 * Names under `localhost.` are loopback (RFC 6761 §6.3), as browsers and systemd-resolved answer
 * them; glibc alone does not. Everything else resolves as usual.
 */
export const lookupWithLocalhost: LookupFunction = (hostname, options, callback) => {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    const opts = options as dns.LookupOptions;
    if (opts.all) {
      (callback as unknown as (err: null, addresses: dns.LookupAddress[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
    } else {
      callback(null, "127.0.0.1", 4);
    }
    return;
  }
  dns.lookup(hostname, options, callback);
};

export interface ProbeResult {
  status: number;
  body: string;
  /** The certificate an https server presented (its expiry, for pages), when there was one. */
  certificate: { validTo: string; subject: string } | null;
}

/** One GET with a deadline, reading at most 64 kB; certificates are verified as usual. */
export function probe(url: URL, options: { signal?: AbortSignal; timeoutMs?: number; ca?: string } = {}): Promise<ProbeResult> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: "GET", lookup: lookupWithLocalhost, ...(options.ca ? { ca: options.ca } : {}), headers: { accept: "application/json" }, signal: options.signal, timeout: options.timeoutMs ?? 5_000 }, (res) => {
      const socket = res.socket as TLSSocket;
      const peer: PeerCertificate | undefined = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
      const certificate = peer && peer.valid_to ? { validTo: new Date(peer.valid_to).toISOString(), subject: String(peer.subject?.CN ?? "") } : null;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
        if (body.length > 65_536) req.destroy(new Error("response too large"));
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, certificate }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5_000} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** One HTTP request with a deadline and a JSON or text body; the whole answer is read (at most 1 MB). */
export function send(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal; timeoutMs?: number; ca?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      { method: options.method, headers: options.headers, lookup: lookupWithLocalhost, signal: options.signal, timeout: options.timeoutMs ?? 30_000, ...(options.ca ? { ca: options.ca } : {}) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.length > 1_048_576) req.destroy(new Error("response too large"));
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 30_000} ms`)));
    req.on("error", reject);
    req.end(options.body);
  });
}
