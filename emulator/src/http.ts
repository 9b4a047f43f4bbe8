import type { IncomingMessage, ServerResponse } from "node:http";

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

export async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
