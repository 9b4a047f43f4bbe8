import { readFileSync } from "node:fs";
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
