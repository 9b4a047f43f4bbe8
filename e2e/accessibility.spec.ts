import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/sign-in";
import { uniqueName } from "./support/db";

/** WCAG 2.1 A and AA rules, as axe-core checks them in the rendered page. */
async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

test("every page passes axe's WCAG 2.1 AA checks, with and without errors shown", async ({ page }) => {
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

  // The check itself works: an image without a text alternative is caught.
  await page.evaluate(() => document.querySelector("main")?.insertAdjacentHTML("beforeend", '<img src="/missing.png">'));
  expect((await violations(page)).map((v) => v.rule)).toContain("image-alt");
});
