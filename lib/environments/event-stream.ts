import type { ProgressEvent } from "./progress-types";

/**
 * A server-sent-events stream of one environment's operation events, fed by polling the database:
 * any portal replica can serve any browser, with no pub/sub between them. Each event carries its
 * id, so a browser that reconnects (EventSource does, with `Last-Event-ID`) misses nothing and
 * sees nothing twice.
 */
export interface EventStreamSource {
  /** Events after the cursor, oldest first. */
  eventsAfter(after: bigint): Promise<ProgressEvent[]>;
  /** The environment's status now; null ends the stream (it is gone, no longer visible, or the session has ended). Called on every poll. */
  environmentStatus(): Promise<string | null>;
}

export interface EventStreamOptions {
  after: bigint;
  signal: AbortSignal;
  pollMs?: number;
  heartbeatMs?: number;
  /** Streams end after this long so none lives forever behind a proxy; the browser reconnects from its last id. */
  lifetimeMs?: number;
  /** What EventSource waits before reconnecting. */
  retryMs?: number;
  onError?: (error: unknown) => void;
  /** Called once when the stream has ended, for whatever reason. */
  onEnd?: () => void;
}

const MAX_EVENT_ID = 9_223_372_036_854_775_807n;

/** The cursor to resume after: the `Last-Event-ID` header (a reconnect) wins over `?after=` (the first connection). */
export function resumeCursor(lastEventId: string | null, after: string | null): bigint {
  for (const value of [lastEventId, after]) {
    if (value && /^\d{1,19}$/.test(value.trim())) {
      const id = BigInt(value.trim());
      if (id <= MAX_EVENT_ID) return id;
    }
  }
  return 0n;
}

export function formatEvent(event: ProgressEvent): string {
  return `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export function operationEventStream(source: EventStreamSource, options: EventStreamOptions): ReadableStream<Uint8Array> {
  const { pollMs = 1000, heartbeatMs = 15_000, lifetimeMs = 5 * 60_000, retryMs = 2000 } = options;
  const encoder = new TextEncoder();
  // Stops on the client's abort, on the reader's cancel, and at the end of the lifetime.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal.addEventListener("abort", onAbort, { once: true });

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => controller.enqueue(encoder.encode(text));
      const endsAt = Date.now() + lifetimeMs;
      let cursor = options.after;
      let status: string | null | undefined;
      let lastWrite = Date.now();
      try {
        write(`retry: ${retryMs}\n\n`);
        while (!stop.signal.aborted && Date.now() < endsAt) {
          for (const event of await source.eventsAfter(cursor)) {
            write(formatEvent(event));
            cursor = BigInt(event.id);
            lastWrite = Date.now();
          }
          const current = await source.environmentStatus();
          if (current === null) break;
          // No id: a status notice must not move the browser's resume point.
          if (current !== status) {
            write(`event: environment\ndata: ${JSON.stringify({ status: current })}\n\n`);
            status = current;
            lastWrite = Date.now();
          }
          if (Date.now() - lastWrite >= heartbeatMs) {
            write(": heartbeat\n\n");
            lastWrite = Date.now();
          }
          await sleep(Math.min(pollMs, Math.max(0, endsAt - Date.now())), stop.signal);
        }
      } catch (error) {
        // Ending the stream lets EventSource reconnect from its last id; nothing is lost.
        if (!stop.signal.aborted) options.onError?.(error);
      } finally {
        options.signal.removeEventListener("abort", onAbort);
        options.onEnd?.();
        try {
          controller.close();
        } catch {
          // Already closed by a cancelled reader.
        }
      }
    },
    cancel() {
      stop.abort();
    },
  });
}
