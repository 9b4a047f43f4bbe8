import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/sign-in";
import { uniqueName } from "./support/db";
import { logLine, seedEnvironment } from "./support/operations";

/** WCAG 2.1 A and AA rules, as axe-core checks them in the rendered page. */
async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

test("every page passes axe's WCAG 2.1 AA checks, with and without errors shown", async ({ page }) => {
  // A dozen pages, each analysed twice over: more than one page's worth of time on a busy machine.
  test.slow();
  await page.goto("/signin");
  expect(await violations(page), "/signin").toEqual([]);

  await signIn(page, "admin");
  await page.goto("/environments/new");
  expect(await violations(page), "/environments/new").toEqual([]);

  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
  expect(await violations(page), "/environments/new with field errors").toEqual([]);

  const name = uniqueName("axe");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Purpose").fill("Accessibility check");
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  expect(await violations(page), "/environments/[id]").toEqual([]);

  for (const path of ["/environments", "/admin"]) {
    await page.goto(path);
    expect(await violations(page), path).toEqual([]);
  }

  // The live progress, its logs and failure, and the admin's retry and teardown forms with a field error.
  const failed = uniqueName("axe-failed");
  const { environmentId, operationId } = await seedEnvironment({
    name: failed,
    teamSlug: "analytics",
    requesterName: "Ada Admin",
    status: "FAILED",
    expiresAt: new Date(Date.now() + 36 * 3_600_000),
    operation: {
      kind: "PROVISION",
      status: "FAILED",
      error: "The AKS cluster could not be created.",
      steps: { "resource-group": { status: "SUCCEEDED" }, cluster: { status: "FAILED", error: "QuotaExceeded" }, "database-server": { status: "RUNNING" } },
    },
  });
  await logLine(operationId!, "resource-group", "PUT resource group");
  await logLine(operationId!, "cluster", "Quota exceeded", "error");
  await page.goto(`/environments/${environmentId}`);
  await expect(page.getByRole("heading", { name: "Provisioning progress" })).toBeVisible();
  await page.getByText(/Log of “Create the AKS cluster”/).click();
  await page.getByRole("button", { name: `Tear down ${failed}` }).click();
  await expect(page.getByLabel(`Type ${failed} to confirm`)).toHaveAttribute("aria-invalid", "true");
  expect(await violations(page), "/environments/[id] with progress and admin controls").toEqual([]);
  await page.goto("/environments");
  await expect(page.getByText("Expires in 1 day — will be torn down").first()).toBeVisible();
  expect(await violations(page), "/environments with an expiry warning").toEqual([]);

  // Day 2: a ready environment's page with its stop what-if open, and a change's what-if.
  const ready = uniqueName("axe-ready");
  const { environmentId: readyId } = await seedEnvironment({ name: ready, teamSlug: "analytics", requesterName: "Ada Admin", status: "READY" });
  await page.goto(`/environments/${readyId}`);
  await page.getByText("Stop (hibernate) this environment").click();
  await expect(page.getByLabel(`Why stop ${ready}?`)).toBeVisible();
  expect(await violations(page), "/environments/[id] ready, with hibernation and the stop what-if").toEqual([]);
  await page.goto(`/environments/${readyId}/change?executor=CeleryExecutor&size=medium`);
  await expect(page.getByRole("heading", { name: "What this change does" })).toBeVisible();
  await page.getByText(/Helm values diff/).click();
  expect(await violations(page), "/environments/[id]/change with its what-if").toEqual([]);

  // The check itself works: an image without a text alternative is caught.
  await page.evaluate(() => document.querySelector("main")?.insertAdjacentHTML("beforeend", '<img src="/missing.png">'));
  expect((await violations(page)).map((v) => v.rule)).toContain("image-alt");
});
