import { expect, type Page } from "@playwright/test";

/** The emulator's test users (emulator/src/identity/users.ts). */
export const TEST_USERS = {
  admin: { password: "admin-pass", name: "Ada Admin" },
  ana: { password: "ana-pass", name: "Ana Analyst" },
  milo: { password: "milo-pass", name: "Milo Modeler" },
} as const;

export type TestUser = keyof typeof TEST_USERS;

/**
 * Signs in through the real flow: the portal's sign-in page, MSAL's redirect to the emulator's
 * OpenID provider, its form, and back. Expects a browser context that is not signed in at the
 * provider yet (a fresh context), so the form is shown. Resolves once the portal shows a page
 * other than sign-in, with the session cookie set.
 */
export async function signIn(page: Page, user: TestUser, options: { returnTo?: string } = {}): Promise<void> {
  await page.goto(options.returnTo ? `/signin?returnTo=${encodeURIComponent(options.returnTo)}` : "/signin");
  const portalOrigin = new URL(page.url()).origin;

  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await fillProviderForm(page, user);
  await page.waitForURL(
    (url) => url.origin === portalOrigin && !url.pathname.startsWith("/signin") && !url.pathname.startsWith("/auth/"),
    { timeout: 30_000 },
  );
}

/** On the emulator's sign-in form: types the user's name and password and submits. */
export async function fillProviderForm(page: Page, user: TestUser, password: string = TEST_USERS[user].password): Promise<void> {
  await expect(page.getByRole("heading", { name: "Sign in", exact: true })).toBeVisible();
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}
