import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";

/** The id Next.js gave a Server Action in this build, as a browser would find it in the page's scripts. */
function actionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const id = Object.entries(manifest.node).find(([, a]) => a.exportedName === exportedName)?.[0];
  if (!id) throw new Error(`No Server Action ${exportedName} in this build`);
  return id;
}

const MALFORMED: [string, { contentType: string; body: string }][] = [
  ["a body that is not JSON", { contentType: "text/plain;charset=UTF-8", body: "{not json" }],
  ["JSON that is not an argument list", { contentType: "text/plain;charset=UTF-8", body: '{"x":1}' }],
  ["a reference to a part that is not there", { contentType: "text/plain;charset=UTF-8", body: '["$K1","$@9"]' }],
  ["a broken multipart body", { contentType: "multipart/form-data; boundary=zzz", body: "--zzz\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\n[\"$K1\"\r\n--zzz--\r\n" }],
  ["multipart without its boundary", { contentType: "multipart/form-data; boundary=zzz", body: "garbage" }],
  // Well-formed, but not a form action's call: the previous state without the form.
  ["the previous state as the only argument", { contentType: "text/plain;charset=UTF-8", body: '[{"ok":null}]' }],
  ["a form argument that is not a form", { contentType: "text/plain;charset=UTF-8", body: '[{"ok":null},{"id":"x"}]' }],
  ["multipart whose list has no form", { contentType: "multipart/form-data; boundary=zzz", body: '--zzz\r\nContent-Disposition: form-data; name="0"\r\n\r\n[{"ok":null}]\r\n--zzz--\r\n' }],
];

for (const [label, { contentType, body }] of MALFORMED) {
  test(`a Server Action posted with ${label} is answered 400, not 500`, async ({ request, baseURL }) => {
    const response = await request.post("/admin", {
      headers: { "next-action": actionId("approveRequestAction"), "content-type": contentType, origin: new URL(baseURL!).origin, accept: "text/x-component" },
      data: body,
    });
    expect(response.status(), await response.text()).toBe(400);
  });
}

/**
 * Posts a Server Action over a raw socket, writing `total` bytes of body (chunked, or with its
 * Content-Length) as long as the server reads them, and stops at the answer: returns the status
 * line and how much of the body the server took before answering.
 */
async function postRaw(baseURL: string, options: { total: number; chunked: boolean }): Promise<{ status: number; sent: number }> {
  const url = new URL(baseURL);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let answer = "";
  const answered = new Promise<void>((resolve) => {
    socket.on("data", (chunk) => {
      answer += String(chunk);
      if (/^HTTP\/1\.1 \d{3}/.test(answer)) resolve();
    });
    socket.on("close", () => resolve());
    socket.on("error", () => resolve());
  });
  let done = false;
  void answered.then(() => (done = true));
  const framing = options.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${options.total}`;
  socket.write(
    `POST /admin HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${url.origin}\r\nNext-Action: ${actionId("approveRequestAction")}\r\n` +
      `Content-Type: text/plain;charset=UTF-8\r\nAccept: text/x-component\r\n${framing}\r\n\r\n`,
  );
  const piece = Buffer.alloc(64 * 1024, "x");
  let sent = 0;
  while (!done && sent < options.total) {
    const frame = options.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
    sent += piece.length;
    if (!socket.write(frame)) await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), answered]);
  }
  if (!done && options.chunked) socket.write("0\r\n\r\n");
  await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  socket.destroy();
  return { status: Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0), sent };
}

test("a Server Action body of 2 MB with its Content-Length is answered 413, not 500", async ({ baseURL }) => {
  const { status } = await postRaw(baseURL!, { total: 2 * 1024 * 1024, chunked: false });
  expect(status).toBe(413);
});

test("a chunked Server Action body of 64 MB is answered 413 without being read whole", async ({ baseURL }) => {
  const { status, sent } = await postRaw(baseURL!, { total: 64 * 1024 * 1024, chunked: true });
  expect(status).toBe(413);
  // The answer comes once the limit is passed; socket buffers account for the rest sent.
  expect(sent).toBeLessThan(16 * 1024 * 1024);
});
