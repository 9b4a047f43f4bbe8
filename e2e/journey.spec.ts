import { expect, request, test, type Page } from "@playwright/test";
import { AIRFLOW_APP } from "../emulator/src/cloud/airflow-app";
import { TENANT_ID as USER_TENANT_ID } from "../emulator/src/identity/users";
import { uniqueName } from "./support/db";
import { expectReleaseObjects } from "./support/release";
import { fillProviderForm, signIn, type TestUser } from "./support/sign-in";
import { startE2eWorker } from "./support/worker";
import type { WorkerHandle } from "../scripts/support/stack";

/**
 * The whole way, with a real worker driving the emulated Azure: request, approval, the steps
 * advancing on the page without a reload, a working Airflow link, and teardown.
 */
/** On the stand-in Airflow's FAB login page: "Sign In with azure", then the Entra sign-in form. */
async function signInToAirflow(page: Page, user: TestUser) {
  await page.getByRole("link", { name: "Sign In with azure" }).click();
  await fillProviderForm(page, user);
  await page.getByTestId("airflow-role").waitFor();
}

/** What a platform engineer would do in Entra: take a redirect URI off the Airflow app registration (through Graph). */
async function removeRedirectUri(uri: string) {
  const emulator = process.env.E2E_EMULATOR_URL!;
  const api = await request.newContext({ ignoreHTTPSErrors: true });
  const token = await api.post(`${emulator}/${USER_TENANT_ID}/oauth2/v2.0/token`, {
    form: { grant_type: "client_credentials", client_id: "platform-engineer", client_secret: "emulator-secret", scope: "https://graph.microsoft.com/.default" },
  });
  const auth = { authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` };
  const app = `${emulator}/v1.0/applications(appId='${AIRFLOW_APP.appId}')`;
  const current = ((await (await api.get(app, { headers: auth })).json()) as { web: { redirectUris: string[] } }).web.redirectUris;
  expect(current).toContain(uri);
  const patched = await api.patch(app, { headers: auth, data: { web: { redirectUris: current.filter((u) => u !== uri) } } });
  expect(patched.status()).toBe(204);
  await api.dispose();
}

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
  // Before approval, the page renders the chart with the values that will be applied.
  await expectReleaseObjects(requester, /^Rendered from the values that will be applied, with chart airflow 1\.22\.0/);
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
  await expect(step("Peer the virtual network with the platform's hub")).toContainText("Done");

  // The requester's page, open since the request, shows it ready by itself too.
  await expect(requester.getByText("Ready").first()).toBeVisible({ timeout: 30_000 });
  for (const page of [requester, admin]) {
    expect(await page.evaluate(() => (window as unknown as { stillSamePage?: boolean }).stillSamePage)).toBe(true);
  }
  // Once applied, the page shows what the worker recorded with the release, not a new render.
  await admin.reload();
  await expectReleaseObjects(admin, /^As applied with chart airflow 1\.22\.0/);

  // "Open Airflow" is the environment's https address; Ana signs in there with her Entra account, as Op.
  const address = `https://${name}.airflow.localhost:${process.env.E2E_INGRESS_PORT}/`;
  const open = requester.getByRole("link", { name: /Open Airflow/ }).first();
  await expect(open).toBeVisible({ timeout: 30_000 });
  await expect(open).toHaveAttribute("href", address);
  // The page says from where the UI is reachable, and which network the environment is part of.
  await expect(requester.getByText("https, through the cluster's ingress, with Entra sign-in").first()).toBeVisible();
  await expect(requester.getByText(/^10\.64\.\d+\.0\/24, peered with the hub vnet-hub-platform$/)).toBeVisible();
  // Task logs are kept in the environment's own blob container, which the page links to in the Azure portal.
  const logs = requester.getByRole("link", { name: /^Container airflow-logs in st/ });
  await expect(logs).toHaveAttribute("href", /^https:\/\/portal\.azure\.com\/#view\/Microsoft_Azure_Storage\/ContainerMenuBlade\/.*storageAccounts%2Fst[a-z0-9]+\/path\/airflow-logs$/);
  const access = requester.getByRole("region", { name: "Airflow sign-in" });
  await expect(access.getByRole("row", { name: /Team Analytics/ })).toContainText("Op");
  await expect(access.getByRole("row", { name: /Platform admins/ })).toContainText("Admin");
  await expect(access).toContainText(/Valid until/);
  const [airflow] = await Promise.all([requester.waitForEvent("popup"), open.click()]);
  // Airflow's sign-in is its own: the portal's session does not carry over, so the form shows.
  await signInToAirflow(airflow, "ana");
  await expect(airflow.getByTestId("airflow-role")).toHaveText("Op");
  expect(new URL(airflow.url()).origin).toBe(new URL(address).origin);
  await expect(airflow.locator("body")).toContainText(name);

  // Milo, of another team, signs in but gets no role; the admin gets Admin.
  for (const [user, role] of [["milo", "Public"], ["admin", "Admin"]] as const) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(address);
    await signInToAirflow(page, user);
    await expect(page.getByTestId("airflow-role")).toHaveText(role);
    if (user === "milo") await expect(page.getByRole("alert")).toHaveText("Your user has no roles and/or permissions!");
    await page.context().close();
  }

  // Without its redirect URI in the app registration, Entra refuses the sign-in (as after a teardown).
  await removeRedirectUri(`${address}auth/oauth-authorized/azure`);
  const refused = await (await browser.newContext()).newPage();
  await refused.goto(address);
  await refused.getByRole("link", { name: "Sign In with azure" }).click();
  await expect(refused.locator("body")).toContainText("AADSTS50011");
  await refused.context().close();

  await admin.goto("/admin");
  await admin.getByRole("table", { name: "All environments" }).getByRole("link", { name: `Tear down ${name}` }).click();
  await admin.getByLabel(`Type ${name} to confirm`).fill(name);
  await admin.getByRole("button", { name: `Tear down ${name}` }).click();
  await expect(admin.getByRole("status").filter({ hasText: `Teardown of ${name} is queued.` })).toBeVisible();
  await expect(admin.getByText("Deleted").first()).toBeVisible({ timeout: 60_000 });
});
