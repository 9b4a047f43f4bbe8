import { expect, test } from "@playwright/test";
import { seedPendingRequests, uniqueName } from "./support/db";
import { signIn } from "./support/sign-in";

test("the dashboard pages through many environments, keeping the status filter in the address", async ({ page }) => {
  await signIn(page, "milo");
  const prefix = uniqueName("bulk").slice(0, 18);
  // Failed rather than pending: fifty-two requests would fill the admins' approval queue for later specs.
  const names = await seedPendingRequests({ teamSlug: "ml", requesterName: "Milo Modeler", prefix, count: 52, status: "FAILED" });

  await page.goto("/environments?status=FAILED");
  const table = page.getByRole("table", { name: "Airflow environments" });
  const pages = page.getByRole("navigation", { name: "Environment pages" });
  await expect(pages).toContainText(/Showing 1–50 of \d+/);
  await expect(table.getByRole("link", { name: names[51]! })).toBeVisible();
  await expect(table.getByRole("link", { name: names[1]! })).toHaveCount(0);

  await pages.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/\/environments\?status=FAILED&page=2&after=\d+_[0-9a-f-]{36}$/);
  await expect(table.getByRole("link", { name: names[0]! })).toBeVisible();
  await expect(table.getByRole("link", { name: names[51]! })).toHaveCount(0);
  await expect(pages.getByRole("link", { name: "Next page" })).toHaveCount(0);

  await pages.getByRole("link", { name: "Previous page" }).click();
  await expect(page).toHaveURL(/\/environments\?status=FAILED$/);
});
