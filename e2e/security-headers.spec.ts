import net from "node:net";
import { expect, test } from "@playwright/test";
import { signIn } from "./support/sign-in";

const FIXED = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "cross-origin-opener-policy": "same-origin",
};

test("every kind of response carries the security headers", async ({ request }) => {
  const page = await request.get("/signin");
  const html = await page.text();
  const script = html.match(/<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/)?.[1];
  expect(script).toBeTruthy();

  for (const response of [page, await request.get("/api/auth/me"), await request.get(script!), await request.get("/no-such-page")]) {
    const headers = response.headers();
    expect(headers, response.url()).toMatchObject(FIXED);
    expect(headers["permissions-policy"]).toContain("camera=()");
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).not.toContain("unsafe-eval");
    // Served over plain http here: HSTS would be ignored, and is only sent over https.
    expect(headers["strict-transport-security"]).toBeUndefined();
  }
});

test("behind an https proxy the portal asks for HTTPS from then on", async ({ request }) => {
  const response = await request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(response.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);
});

test("each page gets its own nonce, and the page's scripts carry it", async ({ request }) => {
  const nonces = [];
  for (let i = 0; i < 2; i++) {
    const response = await request.get("/signin");
    const nonce = response.headers()["content-security-policy"]!.match(/'nonce-([^']+)'/)![1]!;
    expect(await response.text()).toContain(`nonce="${nonce}"`);
    nonces.push(nonce);
  }
  expect(nonces[0]).not.toBe(nonces[1]);
});

test("no page, not even one on the same site, can frame the portal", async ({ page, baseURL }) => {
  // A page served from the portal's own origin (as a same-site attacker's would be): browsers
  // already keep public sites from framing localhost, so only the same site proves the header.
  const host = `${baseURL}/framing-test`;
  await page.route(host, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<title>waiting</title><iframe src="${baseURL}/signin" onload="document.title='frame done'" width="600" height="400"></iframe>`,
    }),
  );
  await page.goto(host);
  // The frame "loads" either way: the portal's page, or the browser's refusal in its place.
  await expect(page).toHaveTitle("frame done");
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  await expect(frame.getByRole("heading", { name: "Sign in" })).toHaveCount(0);
  expect(frame.url()).not.toContain("/signin");
});

test("sign-in through MSAL's redirect flow still works under the policy, with nothing refused", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await signIn(page, "ana");
  await expect(page.getByTestId("user-name")).toBeVisible();
  expect(violations).toEqual([]);
});

/** One request over a raw socket, exactly as written: the request line may name another host. */
async function rawGet(baseURL: string, target: string): Promise<string> {
  const url = new URL(baseURL);
  const socket = net.connect(Number(url.port), url.hostname);
  socket.write(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  let answer = "";
  for await (const chunk of socket) answer += String(chunk);
  return answer.split("\r\n\r\n")[0]!;
}

test("a request line naming another host never redirects there, and no redirect is cached", async ({ baseURL }) => {
  for (const target of ["http://evil.example/admin", "https://evil.example/environments", "http://evil.example//admin"]) {
    const head = await rawGet(baseURL!, target);
    expect(head, target).not.toMatch(/evil\.example/i);
    const location = head.match(/\r\nlocation: ([^\r]+)/i)?.[1];
    if (location) {
      expect(new URL(location, baseURL).origin, target).toBe(new URL(baseURL!).origin);
      expect(head, target).toMatch(/\r\ncache-control:[^\r]*no-store/i);
    }
  }
  // Repeated slashes still redirect, to a path on the portal, uncached.
  const repeated = await rawGet(baseURL!, "//evil.example/admin");
  expect(repeated).toMatch(/^HTTP\/1\.1 308/);
  expect(repeated).toMatch(/\r\nlocation: \/evil\.example\/admin\r\n/i);
  expect(repeated).toMatch(/\r\ncache-control:[^\r]*no-store/i);
});
