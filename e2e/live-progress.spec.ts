import { expect, test, type Page } from "@playwright/test";
import { uniqueName } from "./support/db";
import { finishOperation, logLine, seedEnvironment, setStepStatus, updateEnvironment } from "./support/operations";
import { signIn } from "./support/sign-in";

/** Set once on the page: it survives client-side updates and router.refresh(), never a reload. */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { notReloaded?: boolean }).notReloaded = true));
}
async function expectNotReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
}

test("the detail page follows provisioning step by step, without reloading", async ({ page }) => {
  await signIn(page, "ana");
  const name = uniqueName("live");
  const { environmentId, operationId } = await seedEnvironment({
    name,
    teamSlug: "analytics",
    requesterName: "Ana Analyst",
    status: "PROVISIONING",
    operation: { kind: "PROVISION", status: "RUNNING", steps: { "resource-group": { status: "RUNNING" } } },
  });
  await page.goto(`/environments/${environmentId}`);
  await expect(page.getByRole("heading", { name: "Provisioning progress" })).toBeVisible();
  const steps = page.getByRole("list", { name: "Steps of the provisioning" });
  const step = (label: string) => steps.getByRole("listitem").filter({ hasText: label });
  await expect(step("Create the resource group")).toContainText("Running");
  await expect(step("Create the AKS cluster")).toContainText("Waiting");
  await markPage(page);

  await logLine(operationId!, "resource-group", `PUT resource group rg-airflow-${name}`);
  await setStepStatus(operationId!, "resource-group", "SUCCEEDED");
  await setStepStatus(operationId!, "cluster", "RUNNING");
  await expect(step("Create the resource group")).toContainText("Done");
  await expect(step("Create the AKS cluster")).toContainText("Running");
  await expect(page.getByRole("status").filter({ hasText: "Create the resource group: done." })).toBeAttached();

  // The step's log opens from the keyboard.
  const log = step("Create the resource group").getByText(/Log of “Create the resource group” \(1 line\)/);
  await log.focus();
  await page.keyboard.press("Enter");
  await expect(step("Create the resource group")).toContainText(`PUT resource group rg-airflow-${name}`);

  await setStepStatus(operationId!, "cluster", "FAILED", "QuotaExceeded: not enough vCPU quota in westeurope for Standard_D4ds_v5.");
  await expect(step("Create the AKS cluster")).toContainText("Failed: QuotaExceeded: not enough vCPU quota");
  await expect(page.getByRole("status").filter({ hasText: "Create the AKS cluster: failed." })).toBeAttached();

  await finishOperation(operationId!, "FAILED", "FAILED", "The AKS cluster could not be created.");
  // The server-rendered status follows, through router.refresh().
  await expect(page.getByText("What went wrong: The AKS cluster could not be created.")).toBeVisible();
  await expect(page.locator("h1 + span")).toHaveText("Failed");
  // All of it came over the stream, not the fallback.
  await expect(page.getByText("Live updates are unavailable")).toHaveCount(0);
  await expectNotReloaded(page);
});

test("without EventSource the page falls back to polling, and still follows the steps", async ({ page }) => {
  await page.addInitScript(() => {
    delete (window as { EventSource?: unknown }).EventSource;
  });
  await signIn(page, "ana");
  const name = uniqueName("poll");
  const { environmentId, operationId } = await seedEnvironment({
    name,
    teamSlug: "analytics",
    requesterName: "Ana Analyst",
    status: "APPROVED",
    operation: { kind: "PROVISION", status: "QUEUED" },
  });
  await page.goto(`/environments/${environmentId}`);
  await expect(page.getByText("Provisioning waiting for a worker.")).toBeVisible();
  await expect(page.getByText("Live updates are unavailable here; this view checks again every few seconds.")).toBeVisible();
  await markPage(page);

  await setStepStatus(operationId!, "resource-group", "RUNNING");
  await expect(page.getByRole("listitem").filter({ hasText: "Create the resource group" })).toContainText("Running");
  await expectNotReloaded(page);
});

test("the dashboard updates statuses by itself while an environment is changing", async ({ page }) => {
  await signIn(page, "ana");
  const name = uniqueName("dash");
  const { environmentId } = await seedEnvironment({
    name,
    teamSlug: "analytics",
    requesterName: "Ana Analyst",
    status: "PROVISIONING",
    expiresAt: new Date(Date.now() + 2.5 * 24 * 3_600_000),
  });
  await page.goto("/environments");
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("Provisioning");
  await expect(row).toContainText("Expires in 2 days — will be torn down");
  await expect(row.getByRole("link", { name: /Open Airflow/ })).toHaveCount(0);
  await markPage(page);

  await updateEnvironment(environmentId, { status: "READY", airflowUrl: `https://${name}.airflow.example.test`, health: "healthy" });
  await expect(row).toContainText("Ready", { timeout: 15_000 });
  await expect(row).toContainText("Healthy");
  await expect(row.getByRole("link", { name: `Open Airflow for ${name} (opens in a new tab)` })).toHaveAttribute("href", `https://${name}.airflow.example.test`);
  await expectNotReloaded(page);
});
