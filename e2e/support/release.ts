import { expect, type Page } from "@playwright/test";
import { airflowChartsDir } from "../../scripts/support/stack";

/**
 * The environment page's "What the release creates": with the official chart in the emulator's
 * repository (AIRFLOW_CHARTS_DIR, or the copy beside the repository), the chart's objects by
 * category; without it, the page's honest sentence that the package has no templates.
 */
export async function expectReleaseObjects(page: Page, summary: RegExp) {
  const section = page.getByRole("region", { name: "What the release creates" });
  if (!airflowChartsDir()) {
    await expect(section).toContainText("has no templates, so the objects it creates cannot be listed");
    return;
  }
  await expect(section.getByText(summary)).toBeVisible();
  const workloads = section.getByRole("list", { name: /^Workloads \(\d+\)$/ });
  await expect(workloads.getByRole("listitem").filter({ hasText: /^Deployment airflow-scheduler$/ })).toHaveCount(1);
  // A plain Job under Flux (useHelmHooks: false): with the workloads, no hook badge.
  await expect(workloads.getByRole("listitem").filter({ hasText: /^Job airflow-run-airflow-migrations$/ })).toHaveCount(1);
  // The chart's own hooks are marked with when Helm runs them.
  const config = section.getByRole("list", { name: /^Secrets and config \(\d+\)$/ });
  await expect(config.getByRole("listitem").filter({ hasText: /^Secret airflow-broker-url hook: pre-install, weight 0$/ })).toHaveCount(1);
}
