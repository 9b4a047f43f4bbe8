import { describe, expect, it } from "vitest";
import { readLimitedJson } from "./read-limited-json";

function post(body: BodyInit, headers: Record<string, string> = {}) {
  return new Request("http://portal.test/api", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readLimitedJson", () => {
  it("reads a body within the limit", async () => {
    await expect(readLimitedJson(post('{"idToken":"x"}'), 100)).resolves.toEqual({ ok: true, value: { idToken: "x" } });
  });

  it("refuses a declared length over the limit without reading the body", async () => {
    let pulled = 0;
    const body = new ReadableStream({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(10));
      },
    });
    await expect(readLimitedJson(post(body, { "content-length": "1000000" }), 100)).resolves.toEqual({ ok: false, reason: "too-large" });
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pre-fill once; nothing is consumed
  });

  it("stops reading an undeclared body as soon as it passes the limit", async () => {
    let pulled = 0;
    const endless = new ReadableStream({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64));
      },
    });
    await expect(readLimitedJson(post(endless), 1000)).resolves.toEqual({ ok: false, reason: "too-large" });
    expect(pulled).toBeLessThan(40);
  });

  it("says malformed for a body that is not JSON", async () => {
    await expect(readLimitedJson(post("{not json"), 100)).resolves.toEqual({ ok: false, reason: "malformed" });
  });
});
