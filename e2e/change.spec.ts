import { expect, test } from "@playwright/test";
import { uniqueName } from "./support/db";
import { requestReadyEnvironment } from "./support/ready";
import { startE2eWorker } from "./support/worker";
import type { WorkerHandle } from "../scripts/support/stack";

/**
 * Day 2 in the browser, with a real worker and the emulated Azure: Ana asks for a switch from the
 * Celery executor to the Kubernetes executor, sees what it does before anyone decides, an admin
 * approves it with the same what-if in front of them, and the dashboard shows the new executor.
 */
let worker: WorkerHandle;
test.beforeAll(() => {
  worker = startE2eWorker();
});
test.afterAll(() => worker?.stop());

test("a team asks for an executor switch, sees its what-if, an admin approves it, and it is applied", async ({ browser }) => {
  test.setTimeout(240_000);
  const name = uniqueName("switch");

  const { ana, admin, page } = await requestReadyEnvironment(browser, name, { purpose: "Celery now, per-task pods later", executor: /Celery executor/ });

  // Ana picks the Kubernetes executor and sees what the switch does before asking for it.
  await ana.goto(page);
  await ana.getByRole("link", { name: "Change executor, size, Airflow version, DAG source or expiry" }).click();
  await ana.getByLabel("Executor").selectOption({ label: "Kubernetes executor" });
  await ana.getByRole("button", { name: "Show what it does" }).click();
  const whatIf = ana.getByRole("region", { name: "What this change does" });
  await expect(whatIf).toContainText("Celery executor → Kubernetes executor");
  await expect(whatIf).toContainText(/Goes away: Redis \(the Celery broker\)/);
  await expect(whatIf).toContainText(/Goes away: Celery workers/);
  await expect(whatIf.getByRole("heading", { name: "Disks deleted with the change" })).toBeVisible();
  await expect(whatIf).toContainText(/Monthly cost\$\d[\d,]* → \$\d/);
  await whatIf.getByLabel("Why is this change needed?").fill("Isolate each task in its own pod");
  await whatIf.getByRole("button", { name: "Ask for this change" }).click();
  await expect(ana.getByRole("status").filter({ hasText: "Change asked for." })).toBeVisible();
  const waiting = ana.getByRole("region", { name: "Change waiting for approval" });
  await expect(waiting).toContainText("Isolate each task in its own pod");
  // One change at a time: the link to ask for another is gone while this one waits.
  await expect(ana.getByRole("link", { name: "Change executor, size, Airflow version, DAG source or expiry" })).toHaveCount(0);

  // The admin finds it in the queue and decides on the same what-if.
  await admin.goto("/admin");
  await admin.getByRole("region", { name: /Changes waiting/ }).getByRole("link", { name }).click();
  const decision = admin.getByRole("region", { name: "Change waiting for approval" });
  await expect(decision).toContainText(/Goes away: Redis/);
  await decision.getByRole("button", { name: "Approve change" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Change approved" })).toBeVisible();
  await expect(admin.getByRole("list", { name: "Steps of the change" }).getByRole("listitem").filter({ hasText: "Delete the disks the change leaves behind" })).toContainText("Done", { timeout: 150_000 });

  // Ready again, with the new executor on the dashboard.
  await ana.goto("/environments");
  const row = ana.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Ready", { timeout: 60_000 });
  await expect(row).toContainText("Kubernetes");
});
