import { expect, type Browser, type Page } from "@playwright/test";
import { signIn } from "./sign-in";

/**
 * Ana requests an environment in her own browser, the admin approves it in theirs, and Ana's page
 * shows it ready (built by the spec's worker). Returns both pages and the environment's address.
 */
export async function requestReadyEnvironment(browser: Browser, name: string, options: { purpose: string; executor?: RegExp }): Promise<{ ana: Page; admin: Page; page: string }> {
  const ana = await (await browser.newContext()).newPage();
  await signIn(ana, "ana");
  await ana.goto("/environments/new");
  await ana.getByLabel("Name", { exact: true }).fill(name);
  await ana.getByLabel("Purpose").fill(options.purpose);
  if (options.executor) await ana.getByRole("radio", { name: options.executor }).check();
  await ana.getByRole("button", { name: "Submit request" }).click();
  await expect(ana.getByRole("heading", { name, level: 1 })).toBeVisible();
  const page = ana.url();

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  await admin.goto("/admin");
  await admin.getByRole("article", { name }).getByRole("button", { name: `Approve ${name}` }).click();
  await expect(admin.getByRole("status")).toHaveText(`Approved ${name}. Provisioning is queued.`);
  await expect(ana.getByText("Ready").first()).toBeVisible({ timeout: 150_000 });
  return { ana, admin, page };
}
