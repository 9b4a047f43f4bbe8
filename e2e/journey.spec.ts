import { expect, test } from "@playwright/test";
import { uniqueName } from "./support/db";
import { signIn } from "./support/sign-in";
import { startE2eWorker } from "./support/worker";
import type { WorkerHandle } from "../scripts/support/stack";

/**
 * The whole way, with a real worker driving the emulated Azure: request, approval, the steps
 * advancing on the page without a reload, a working Airflow link, and teardown.
 */
let worker: WorkerHandle;
test.beforeAll(() => {
  worker = startE2eWorker();
});
test.afterAll(() => worker?.stop());

test("an environment goes from request to a working Airflow, live on its page, and comes down again", async ({ browser }) => {
  test.setTimeout(180_000);
  const name = uniqueName("journey");

  const requester = await (await browser.newContext()).newPage();
  await signIn(requester, "ana");
  await requester.goto("/environments/new");
  await requester.getByLabel("Name", { exact: true }).fill(name);
  await requester.getByLabel("Purpose").fill("Watching an environment being built");
  await requester.getByRole("radio", { name: /Kubernetes executor/ }).check();
  await requester.getByRole("button", { name: "Submit request" }).click();
  await expect(requester.getByRole("heading", { name, level: 1 })).toBeVisible();
  // A reload would clear this: it shows the page followed the build by itself.
  await requester.evaluate(() => ((window as unknown as { stillSamePage: boolean }).stillSamePage = true));

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  await admin.goto("/admin");
  await admin.getByRole("article", { name }).getByRole("button", { name: `Approve ${name}` }).click();
  await expect(admin.getByRole("status")).toHaveText(`Approved ${name}. Provisioning is queued.`);

  // The admin follows the build from its page: the steps advance there without a reload.
  await admin.goto(`/environments/${requester.url().split("/").pop()}`);
  await admin.evaluate(() => ((window as unknown as { stillSamePage: boolean }).stillSamePage = true));
  const steps = admin.getByRole("list", { name: "Steps of the provisioning" });
  const step = (label: string) => steps.getByRole("listitem").filter({ hasText: label });
  await expect(step("Check that Airflow is healthy")).toContainText("Waiting");
  await expect(step("Create the AKS cluster")).toContainText(/Running|Done/);
  await expect(step("Check that Airflow is healthy")).toContainText("Done", { timeout: 120_000 });
  await expect(step("Create the resource group")).toContainText("Done");

  // The requester's page, open since the request, shows it ready by itself too.
  await expect(requester.getByText("Ready").first()).toBeVisible({ timeout: 30_000 });
  for (const page of [requester, admin]) {
    expect(await page.evaluate(() => (window as unknown as { stillSamePage?: boolean }).stillSamePage)).toBe(true);
  }

  const open = requester.getByRole("link", { name: /Open Airflow/ }).first();
  await expect(open).toBeVisible({ timeout: 30_000 });
  const [airflow] = await Promise.all([requester.waitForEvent("popup"), open.click()]);
  await expect(airflow.locator("body")).toContainText(name);

  await admin.goto("/admin");
  await admin.getByRole("table", { name: "All environments" }).getByRole("link", { name: `Tear down ${name}` }).click();
  await admin.getByLabel(`Type ${name} to confirm`).fill(name);
  await admin.getByRole("button", { name: `Tear down ${name}` }).click();
  await expect(admin.getByRole("status").filter({ hasText: `Teardown of ${name} is queued.` })).toBeVisible();
  await expect(admin.getByText("Deleted").first()).toBeVisible({ timeout: 60_000 });
});
