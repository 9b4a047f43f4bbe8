import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** A part of the emulator. Returns false when the request is not one of its paths. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface EmulatorPart {
  handle: Handler;
  close?: () => Promise<void> | void;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

const BODY = Symbol("body");

/**
 * The request body as text. Read once and kept on the request, so a part that looked at it (to
 * route by `grant_type`, say) can still leave the request to another.
 */
export async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<string> {
  const cached = (req as IncomingMessage & { [BODY]?: string })[BODY];
  if (cached !== undefined) return cached;
  const text = await readStream(req, limit);
  (req as IncomingMessage & { [BODY]?: string })[BODY] = text;
  return text;
}

async function readStream(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Listens on 127.0.0.1:`port` (0 for any free one); rejects with the listen error (EADDRINUSE, …). */
export function listenOnLoopback(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}
