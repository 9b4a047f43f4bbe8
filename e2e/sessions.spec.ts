import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/sign-in";

/** Signs in and keeps what an attacker could have copied: the session cookie and the ID token posted for it. */
async function signInAndCopy(page: Page, user: "ana" | "milo" | "admin") {
  let idToken: string | undefined;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/auth/session")) idToken = (request.postDataJSON() as { idToken: string }).idToken;
  });
  await signIn(page, user);
  const cookie = (await page.context().cookies()).find((c) => c.name === "portal_session")!;
  expect(idToken).toBeTruthy();
  return { cookie: cookie.value, idToken: idToken! };
}

test("after sign-out, a copy of the session cookie is worthless and the ID token cannot mint a new session", async ({ page, playwright, baseURL }) => {
  const copied = await signInAndCopy(page, "ana");
  // The cookie carries no claims anymore, only a signed random id.
  expect(copied.cookie).not.toMatch(/^eyJ/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);

  const attacker = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie: `portal_session=${copied.cookie}` } });
  expect((await attacker.get("/api/auth/me")).status()).toBe(401);
  const replay = await attacker.post("/api/auth/session", { headers: { origin: new URL(baseURL!).origin }, data: { idToken: copied.idToken } });
  expect(replay.status()).toBe(401);
  await attacker.dispose();
});

test("an ID token is good for one sign-in only, even in the same browser", async ({ page, baseURL }) => {
  const copied = await signInAndCopy(page, "milo");
  const again = await page.request.post("/api/auth/session", { headers: { origin: new URL(baseURL!).origin }, data: { idToken: copied.idToken } });
  expect(again.status()).toBe(401);
  // The session that token did open is unaffected.
  expect((await page.request.get("/api/auth/me")).status()).toBe(200);
});

test("an admin signs a user out everywhere", async ({ browser }) => {
  const anaContext = await browser.newContext();
  const anaPage = await anaContext.newPage();
  await signIn(anaPage, "ana");
  expect((await anaPage.request.get("/api/auth/me")).status()).toBe(200);

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, "admin", { returnTo: "/admin" });
  await expect(adminPage.getByTestId("audit-chain")).toHaveText(/^Audit trail verified: all \d+ events are intact and in order\.$/);
  const signedIn = adminPage.getByRole("table", { name: "People signed in now" });
  const row = signedIn.getByRole("row").filter({ hasText: "Ana Analyst" });
  await row.getByRole("button", { name: /Sign out everywhere/ }).click();
  await expect(adminPage.getByText("Signed out everywhere: their next request asks them to sign in again.")).toBeVisible();
  await expect(row).toHaveCount(0);

  expect((await anaPage.request.get("/api/auth/me")).status()).toBe(401);
  await anaPage.goto("/environments");
  await expect(anaPage).toHaveURL(/\/signin\?returnTo=/);
  // The admin's own session is untouched.
  expect((await adminPage.request.get("/api/auth/me")).status()).toBe(200);
  await anaContext.close();
  await adminContext.close();
});

test("the session endpoint refuses an oversized body before reading it", async ({ request, baseURL }) => {
  const response = await request.post("/api/auth/session", {
    headers: { origin: new URL(baseURL!).origin, "content-type": "application/json" },
    data: JSON.stringify({ idToken: "x".repeat(2_000_000) }),
  });
  expect(response.status()).toBe(413);
});
