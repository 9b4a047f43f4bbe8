import { describe, expect, it } from "vitest";
import { operationEventStream, resumeCursor, type EventStreamSource } from "./event-stream";
import type { ProgressEvent } from "./progress-types";

const event = (id: number): ProgressEvent => ({ id: String(id), operationId: "op", stepKey: null, level: "info", message: `line ${id}`, createdAt: "2026-12-01T00:00:00Z" });

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
  return text;
}

describe("the resume cursor", () => {
  it("prefers Last-Event-ID, then ?after=, and ignores what is not an event id", () => {
    expect(resumeCursor("42", "7")).toBe(42n);
    expect(resumeCursor(null, "7")).toBe(7n);
    expect(resumeCursor("x; drop", "7")).toBe(7n);
    expect(resumeCursor("-1", null)).toBe(0n);
    expect(resumeCursor("99999999999999999999", null)).toBe(0n);
  });
});

describe("the event stream", () => {
  it("sends each event once with its id, heartbeats while idle, and ends at its lifetime", async () => {
    const stored = [event(1), event(2), event(3)];
    const asked: bigint[] = [];
    const source: EventStreamSource = {
      eventsAfter: async (after) => {
        asked.push(after);
        return stored.filter((e) => BigInt(e.id) > after);
      },
      environmentStatus: async () => "PROVISIONING",
    };
    const text = await readAll(operationEventStream(source, { after: 1n, signal: new AbortController().signal, pollMs: 5, heartbeatMs: 20, lifetimeMs: 80 }));
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1])).toEqual(["2", "3"]);
    expect(text.match(/event: environment/g)).toHaveLength(1);
    expect(text).toContain(": heartbeat");
    expect(text.startsWith("retry: ")).toBe(true);
    expect(asked[0]).toBe(1n);
    expect(asked.at(-1)).toBe(3n);
  });

  it("ends when the client aborts, and when the environment can no longer be seen", async () => {
    const abort = new AbortController();
    const source: EventStreamSource = { eventsAfter: async () => [], environmentStatus: async () => "READY" };
    const reading = readAll(operationEventStream(source, { after: 0n, signal: abort.signal, pollMs: 10, lifetimeMs: 60_000 }));
    setTimeout(() => abort.abort(), 30);
    await expect(reading).resolves.toContain('data: {"status":"READY"}');

    const gone: EventStreamSource = { eventsAfter: async () => [], environmentStatus: async () => null };
    await expect(readAll(operationEventStream(gone, { after: 0n, signal: new AbortController().signal, lifetimeMs: 60_000 }))).resolves.not.toContain("event:");
  });
});
