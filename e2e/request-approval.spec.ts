import { expect, test } from "@playwright/test";
import { signIn } from "./support/sign-in";
import { countEnvironmentsNamed, uniqueName } from "./support/db";

test("a requester asks for an environment, an admin approves it, the requester sees it approved", async ({ browser }) => {
  const name = uniqueName("sales");

  const requester = await browser.newContext();
  const page = await requester.newPage();
  await signIn(page, "ana");
  await page.getByRole("link", { name: "Request an environment" }).first().click();
  await expect(page.getByRole("heading", { name: "Request an Airflow environment" })).toBeVisible();

  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Purpose").fill("Nightly sales pipelines for the analytics team");
  await page.getByLabel("Region").selectOption("westeurope");
  await page.getByRole("radio", { name: /Medium/ }).check();
  await expect(page.getByText(/Estimated cost: \$\d/)).toBeVisible();
  await page.getByRole("radio", { name: /Celery executor/ }).check();
  await page.getByLabel("Repository URL").fill("https://github.com/contoso/dags.git");
  await page.getByRole("button", { name: "Submit request" }).click();

  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByText("Pending approval").first()).toBeVisible();
  const values = page.getByLabel(`Helm values of ${name}`);
  await expect(values).toContainText("executor: CeleryExecutor");
  await expect(values).toContainText("repo: https://github.com/contoso/dags.git");
  await expect(values).toContainText("metadataSecretName: airflow-metadata");
  await page.getByRole("link", { name: "Environments", exact: true }).click();
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("Pending approval");
  await expect(row).toContainText("Celery executor");
  await expect(row).toContainText("Analytics");

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, "admin");
  await admin.goto("/admin");
  const request = admin.getByRole("article", { name });
  await expect(request).toContainText("Nightly sales pipelines");
  await request.getByLabel(/Reason/).fill("Looks good");
  await request.getByRole("button", { name: `Approve ${name}` }).click();
  // A decided request leaves the queue and shows up, approved, among all environments.
  await expect(admin.getByRole("status")).toHaveText(`Approved ${name}. Provisioning is queued.`);
  await expect(request).toHaveCount(0);
  const allEnvironments = admin.getByRole("table", { name: "All environments" });
  await expect(allEnvironments.getByRole("row", { name: new RegExp(name) })).toContainText("Approved");
  await expect(admin.getByRole("table", { name: "Most recent audit events" })).toContainText("Approved");

  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Approved");
  await page.getByRole("link", { name }).click();
  await expect(page.getByText(/Approved by Ada Admin/)).toBeVisible();

  await requester.close();
  await adminContext.close();
});

test("an invalid name shows the error at the field and nothing is created", async ({ page }) => {
  await signIn(page, "milo");
  await page.goto("/environments/new");
  const bad = "Bad_Name";
  await page.getByLabel("Name", { exact: true }).fill(bad);
  await page.getByLabel("Purpose").fill("Feature store experiments");
  await page.getByRole("button", { name: "Submit request" }).click();

  const nameInput = page.getByLabel("Name", { exact: true });
  await expect(nameInput).toHaveAttribute("aria-invalid", "true");
  await expect(nameInput).toHaveAccessibleDescription(/lowercase letters, digits and hyphens/);
  await expect(page.getByRole("alert").filter({ hasText: "Check the highlighted fields" })).toBeVisible();
  await expect(page).toHaveURL(/\/environments\/new$/);
  expect(await countEnvironmentsNamed(bad)).toBe(0);
  expect(await countEnvironmentsNamed(bad.toLowerCase())).toBe(0);
});

test("a requester opening the admin page is refused", async ({ page }) => {
  await signIn(page, "ana");
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You cannot open this page" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Approval queue" })).toHaveCount(0);
});

test("a name only the server can refuse is refused at the field, with what was typed kept", async ({ page }) => {
  const name = uniqueName("taken");
  await signIn(page, "ana");
  for (const attempt of [1, 2]) {
    await page.goto("/environments/new");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Purpose").fill(`Attempt ${attempt}`);
    await page.getByRole("radio", { name: /Large/ }).check();
    await page.getByRole("button", { name: "Submit request" }).click();
    if (attempt === 1) await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  }

  const nameInput = page.getByLabel("Name", { exact: true });
  await expect(nameInput).toHaveAttribute("aria-invalid", "true");
  await expect(nameInput).toHaveAccessibleDescription(new RegExp(`"${name}" already exists`));
  await expect(nameInput).toBeFocused();
  await expect(page.getByLabel("Purpose")).toHaveValue("Attempt 2");
  await expect(page.getByRole("radio", { name: /Large/ })).toBeChecked();
  expect(await countEnvironmentsNamed(name)).toBe(1);
});

test("an admin acting on a request another admin decided sees why, not an older message", async ({ browser }) => {
  const name = uniqueName("twice");
  const requester = await browser.newContext();
  const page = await requester.newPage();
  await signIn(page, "milo");
  await page.goto("/environments/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Purpose").fill("Two admins at once");
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();

  const [first, second] = [await browser.newContext(), await browser.newContext()];
  const [adminA, adminB] = [await first.newPage(), await second.newPage()];
  for (const admin of [adminA, adminB]) {
    await signIn(admin, "admin");
    await admin.goto("/admin");
  }
  const staleRequest = adminB.getByRole("article", { name });
  await staleRequest.getByRole("button", { name: `Reject ${name}` }).click();
  await expect(staleRequest.getByLabel(/Reason/)).toHaveAccessibleDescription("Give the requester a reason.");

  await adminA.getByRole("article", { name }).getByRole("button", { name: `Approve ${name}` }).click();
  await expect(adminA.getByRole("status")).toHaveText(`Approved ${name}. Provisioning is queued.`);

  await staleRequest.getByRole("button", { name: `Approve ${name}` }).click();
  await expect(staleRequest.getByRole("alert")).toHaveText("This request was already decided: it is approved.");
  await expect(staleRequest.getByLabel(/Reason/)).not.toHaveAttribute("aria-invalid", "true");

  for (const context of [requester, first, second]) await context.close();
});
