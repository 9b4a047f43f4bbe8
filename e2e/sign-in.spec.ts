import { expect, test } from "@playwright/test";
import { fillProviderForm, signIn, TEST_USERS } from "./support/sign-in";

test("a user signs in, sees her name, signs out, and must sign in again", async ({ page }) => {
  await signIn(page, "ana");
  await expect(page).toHaveURL(/\/environments$/);
  await expect(page.getByTestId("user-name")).toHaveText(TEST_USERS.ana.name);

  const me = await page.request.get("/api/auth/me");
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({
    subject: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a02",
    name: "Ana Analyst",
    email: "ana@contoso.example",
    roles: [],
    groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02"],
    isAdmin: false,
  });
  const cookie = (await page.context().cookies()).find((c) => c.name === "portal_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();
  expect((await page.request.get("/api/auth/me")).status()).toBe(401);

  await page.goto("/environments");
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fenvironments$/);

  // Signed out at the provider too: the next sign-in asks for the password again.
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await expect(page.getByLabel("Password")).toBeVisible();
});

test("a sign-out the portal could not complete says so and leaves the user where they were", async ({ page }) => {
  await signIn(page, "milo");
  await page.route("**/api/auth/session", (route) =>
    route.request().method() === "DELETE" ? route.fulfill({ status: 503, body: "" }) : route.continue(),
  );
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Sign-out did not go through: you are still signed in/ })).toBeVisible();
  await expect(page).toHaveURL(/\/environments$/);

  await page.unroute("**/api/auth/session");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect((await page.request.get("/api/auth/me")).status()).toBe(401);
});

test("an admin's session carries the admin role", async ({ page }) => {
  await signIn(page, "admin");
  await expect(page.getByTestId("user-name")).toHaveText(TEST_USERS.admin.name);
  expect(await (await page.request.get("/api/auth/me")).json()).toMatchObject({ roles: ["Portal.Admin"], isAdmin: true });
});

test("sign-in returns to the page asked for, never to another site", async ({ page }) => {
  await page.goto("/environments/new");
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fenvironments%2Fnew$/);
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await fillProviderForm(page, "milo");
  await expect(page).toHaveURL(/\/environments\/new$/);

  await page.context().clearCookies();
  await signIn(page, "milo", { returnTo: "https://evil.example/phish" });
  await expect(page).toHaveURL(/\/environments$/);
});

test("the provider refuses a wrong password and says so", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await fillProviderForm(page, "ana", "not-her-password");
  await expect(page.getByRole("alert")).toHaveText("The user name or password is incorrect.");
  await expect(page.getByLabel("User name")).toHaveValue("ana");
});

test("the session endpoint refuses forged tokens and other sites", async ({ page, baseURL }) => {
  await page.goto("/signin");
  const forged = await page.request.post("/api/auth/session", {
    headers: { origin: new URL(baseURL!).origin },
    data: { idToken: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9." },
  });
  expect(forged.status()).toBe(401);
  const crossSite = await page.request.post("/api/auth/session", {
    headers: { origin: "https://evil.example" },
    data: { idToken: "anything" },
  });
  expect(crossSite.status()).toBe(403);
  expect((await page.request.get("/api/auth/me")).status()).toBe(401);
});

test("the sign-in redirect page runs only MSAL's bridge, under the CSP, and says so when it has no answer to pass on", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const scripts: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(r.url());
  });
  const response = await page.goto("/auth/redirect");
  expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
  await expect(page.getByRole("alert")).toHaveText("This sign-in response could not be used. Sign in again.");
  await expect(page.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", "/signin");
  expect(scripts, "no framework bundle on the redirect page").toEqual([]);
  expect(violations).toEqual([]);
});
