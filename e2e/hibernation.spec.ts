import { expect, test } from "@playwright/test";
import { uniqueName } from "./support/db";
import { requestReadyEnvironment } from "./support/ready";
import { startE2eWorker } from "./support/worker";
import type { WorkerHandle } from "../scripts/support/stack";

/**
 * Hibernation in the browser, with a real worker: Ana schedules her environment to stop around now,
 * the worker stops it with nobody approving, and her page and the dashboard show it STOPPED with
 * what stopping saves a month. Then she asks for its teardown (its name typed back, and what goes
 * shown first), and an admin approves it.
 */
let worker: WorkerHandle;
test.beforeAll(() => {
  worker = startE2eWorker();
});
test.afterAll(() => worker?.stop());

test("a team schedules hibernation, sees its environment stopped and the saving, then asks for its teardown", async ({ browser }) => {
  test.setTimeout(240_000);
  const name = uniqueName("sleepy");

  const { ana, admin, page } = await requestReadyEnvironment(browser, name, { purpose: "Only used in office hours" });

  // A window around now, in UTC, so the schedule asks for the environment to be stopped at once.
  await ana.goto(page);
  const section = ana.getByRole("region", { name: "Hibernation schedule" });
  await expect(section).toContainText(/stopped all month it would save about \$\d/);
  const hhmm = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * 60_000).toISOString().slice(11, 16);
  await section.getByLabel("Time zone").fill("UTC");
  await section.getByLabel("Stop at").fill(hhmm(-60));
  await section.getByLabel("Start at").fill(hhmm(60));
  await section.getByRole("checkbox", { name: /Stopped all weekend too/ }).uncheck();
  await section.getByRole("button", { name: /Schedule hibernation/ }).click();
  await expect(ana.getByRole("status").filter({ hasText: "Hibernation scheduled" })).toBeVisible();
  await expect(ana.getByRole("region", { name: "Hibernation schedule" })).toContainText(/Stopped daily \d\d:\d\d–\d\d:\d\d \(UTC\): saves about \$\d[\d,]* a month/);

  // The worker stops it on time, with nobody approving; the page says it is stopped.
  await expect(async () => {
    await ana.reload();
    await expect(ana.getByText(`${name} is stopped`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 120_000 });
  await expect(ana.getByRole("list", { name: "Steps of the stopping" }).getByRole("listitem").filter({ hasText: "Stop the PostgreSQL server" })).toContainText("Done");
  await ana.goto("/environments");
  await expect(ana.getByRole("row").filter({ hasText: name })).toContainText("Stopped");
  await expect(ana.getByTestId("hibernation-savings")).toContainText(/stopped now.*saving about \$\d[\d,]* a month at list prices/);

  // Done with it: Ana asks for the teardown; what goes is shown before she asks.
  await ana.goto(page);
  const teardown = ana.getByRole("region", { name: "Ask to tear down this environment" });
  await teardown.getByText("Ask to tear down this environment").click();
  await expect(teardown.getByTestId("what-if")).toContainText(/Nothing can be recovered afterwards/);
  await teardown.getByLabel(`Type ${name} to confirm`).fill(name);
  await teardown.getByLabel("Why can it go?").fill("The quarter's reporting is done");
  await teardown.getByRole("button", { name: /Ask to tear down/ }).click();
  await expect(ana.getByRole("region", { name: "Teardown waiting for approval" })).toContainText("The quarter's reporting is done");

  // The admin approves it on the same what-if; it is gone.
  await admin.goto(page);
  const decision = admin.getByRole("region", { name: "Teardown waiting for approval" });
  await expect(decision.getByTestId("what-if")).toContainText(/Nothing can be recovered afterwards/);
  await decision.getByRole("button", { name: "Approve teardown" }).click();
  await expect(async () => {
    await admin.reload();
    await expect(admin.getByText("Deleted", { exact: true }).first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 120_000 });
});
