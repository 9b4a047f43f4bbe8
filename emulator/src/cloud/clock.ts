import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../http.js";
import type { Store } from "./store.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The cloud's calendar: real time plus an offset the control API moves forward, so what Azure does
 * after days (a stopped PostgreSQL server starting by itself after 7, backups leaving the retention
 * window) can be seen in a test. The offset is kept with the cloud's state; a reset sets it back.
 * Long-running operations keep real time.
 */
export class Clock {
  /** Run after each advance, for what the passing of time changes. */
  readonly onAdvance: Array<() => void> = [];

  constructor(private readonly store: Store) {}

  get offsetMs(): number {
    return this.store.state.clockOffsetMs ?? 0;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(seconds: number) {
    this.store.state.clockOffsetMs = this.offsetMs + Math.round(seconds * 1000);
    this.store.changed();
    for (const hook of this.onAdvance) hook();
  }

  describe() {
    return { now: this.iso(), offsetSeconds: this.offsetMs / 1000 };
  }
}

/** `GET /_emulator/clock` and `POST /_emulator/clock/advance {"seconds": N}` (loopback only, like the rest of the control API). */
export async function handleClockControl(clock: Clock, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, "");
  if (path !== "/_emulator/clock" && path !== "/_emulator/clock/advance") return false;
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    sendJson(res, 403, { error: "the control API answers loopback callers only" });
    return true;
  }
  if (req.method === "GET" && path === "/_emulator/clock") {
    sendJson(res, 200, clock.describe());
    return true;
  }
  if (req.method === "POST" && path === "/_emulator/clock/advance") {
    let seconds: unknown;
    try {
      const text = await readBody(req);
      seconds = text.trim() ? (JSON.parse(text) as { seconds?: unknown }).seconds : undefined;
    } catch {
      seconds = undefined;
    }
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      sendJson(res, 400, { error: 'send {"seconds": N}, N a number ≥ 0: the clock only moves forward' });
      return true;
    }
    clock.advance(seconds);
    sendJson(res, 200, clock.describe());
    return true;
  }
  sendJson(res, 405, { error: "GET /_emulator/clock, POST /_emulator/clock/advance" });
  return true;
}
