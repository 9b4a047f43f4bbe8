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

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The certificate an https server presented (its expiry, for pages), when there was one. */
  certificate: { validTo: string; subject: string } | null;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default 1 MB; a longer answer fails the request. */
  maxBytes?: number;
  /** A CA to trust for this request only (tests); the process's trust store otherwise. */
  ca?: string;
}

/** One HTTP request with a deadline, its whole answer read; certificates are verified as usual. */
export function send(url: string | URL, options: SendOptions = {}): Promise<Answer> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 1_048_576;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      // A connection of its own each time (no keep-alive reuse): a probe must see the certificate
      // the server presents now, not the one a pooled connection was opened with.
      { method: options.method ?? "GET", headers: options.headers, lookup: lookupWithLocalhost, signal: options.signal, timeout: timeoutMs, agent: false, ...(options.ca ? { ca: options.ca } : {}) },
      (res) => {
        const socket = res.socket as TLSSocket;
        const peer: PeerCertificate | undefined = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
        const certificate = peer && peer.valid_to ? { validTo: new Date(peer.valid_to).toISOString(), subject: String(peer.subject?.CN ?? "") } : null;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.length > maxBytes) req.destroy(new Error("response too large"));
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, certificate }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A health probe: one GET with a short deadline, reading at most 64 kB. */
export function probe(url: URL, options: { signal?: AbortSignal; ca?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return send(url, { ...options, headers: { accept: "application/json", ...options.headers }, timeoutMs: 5_000, maxBytes: 65_536 });
}
