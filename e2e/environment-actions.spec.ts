import { expect, test } from "@playwright/test";
import { uniqueName } from "./support/db";
import { readEnvironment, seedEnvironment } from "./support/operations";
import { signIn } from "./support/sign-in";

test("an admin tears an environment down only with its name typed back", async ({ page }) => {
  await signIn(page, "admin");
  const name = uniqueName("gone");
  const { environmentId } = await seedEnvironment({ name, teamSlug: "analytics", requesterName: "Ada Admin", status: "READY" });

  await page.goto("/admin");
  await page.getByRole("table", { name: "All environments" }).getByRole("link", { name: `Tear down ${name}` }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();

  const confirm = page.getByLabel(`Type ${name} to confirm`);
  await confirm.fill(`${name}x`);
  await page.getByRole("button", { name: `Tear down ${name}` }).click();
  await expect(confirm).toHaveAttribute("aria-invalid", "true");
  await expect(confirm).toHaveAccessibleDescription(`Type ${name} exactly to confirm.`);
  expect(await readEnvironment(environmentId)).toEqual({ status: "READY", operations: [] });

  await confirm.fill(name);
  await page.getByLabel("Reason").fill("Project ended");
  await page.getByRole("button", { name: `Tear down ${name}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Teardown of ${name} is queued.` })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Teardown progress" })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Delete the resource group and everything in it" })).toContainText("Waiting");
  await expect(page.getByRole("button", { name: `Tear down ${name}` })).toHaveCount(0);
  expect(await readEnvironment(environmentId)).toEqual({ status: "DELETING", operations: [{ kind: "TEARDOWN", status: "QUEUED", attempt: 0 }] });
});

test("an admin retries a failed environment: the same operation runs again", async ({ page }) => {
  await signIn(page, "admin");
  const name = uniqueName("again");
  const { environmentId } = await seedEnvironment({
    name,
    teamSlug: "analytics",
    requesterName: "Ada Admin",
    status: "FAILED",
    operation: {
      kind: "PROVISION",
      status: "FAILED",
      error: "The AKS cluster could not be created.",
      steps: { "resource-group": { status: "SUCCEEDED" }, cluster: { status: "FAILED", error: "QuotaExceeded" } },
    },
  });
  await page.goto(`/environments/${environmentId}`);
  const cluster = page.getByRole("listitem").filter({ hasText: "Create the AKS cluster" });
  await expect(cluster).toContainText("Failed: QuotaExceeded");
  await page.getByRole("button", { name: `Retry ${name}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Retrying" })).toBeVisible();
  await expect(cluster).toContainText("Waiting");
  await expect(page.getByRole("listitem").filter({ hasText: "Create the resource group" })).toContainText("Done");
  expect(await readEnvironment(environmentId)).toEqual({ status: "PROVISIONING", operations: [{ kind: "PROVISION", status: "QUEUED", attempt: 2 }] });
});

test("the requester withdraws a pending request; another team cannot even see it", async ({ browser }) => {
  const milo = await browser.newContext();
  const miloPage = await milo.newPage();
  await signIn(miloPage, "milo");

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "ana");
  const name = uniqueName("oops");
  const { environmentId } = await seedEnvironment({ name, teamSlug: "analytics", requesterName: "Ana Analyst", status: "PENDING_APPROVAL" });

  // The same answer as for an environment that does not exist, status included: nothing to tell them apart.
  const response = await miloPage.goto(`/environments/${environmentId}`);
  expect(response!.status()).toBe(404);
  await expect(miloPage.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
  expect((await miloPage.goto("/environments/00000000-0000-4000-8000-00000000dead"))!.status()).toBe(404);
  await miloPage.goto(`/environments/${environmentId}`);
  await expect(miloPage.getByText(name)).toHaveCount(0);
  expect((await miloPage.request.get(`/api/environments/${environmentId}/progress`)).status()).toBe(404);

  await page.goto(`/environments/${environmentId}`);
  await page.getByRole("button", { name: `Withdraw request ${name}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Request ${name} withdrawn.` })).toBeVisible();
  await expect(page.getByRole("button", { name: /Withdraw request/ })).toHaveCount(0);
  await expect(page.getByText("Withdrawn by Ana Analyst")).toBeVisible();
  expect((await readEnvironment(environmentId)).status).toBe("DELETED");

  await milo.close();
  await context.close();
});
