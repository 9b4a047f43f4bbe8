import { ContainerServiceClient } from "@azure/arm-containerservice";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

/** A client pinned to an api-version Azure does not have fails here as it would there. */
let env: TestEmulator;

beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env?.close());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ statusCode: 0, code: "", message: "" }),
    (e: { statusCode?: number; code?: string; message?: string }) => ({ statusCode: e.statusCode, code: e.code, message: e.message ?? "" }),
  );

describe("api-versions", () => {
  it("are taken as the SDKs send them", async () => {
    const { resources, aks, pg } = armClients(env);
    await resources.resourceGroups.createOrUpdate("rg-versions", { location: "westeurope" });
    await expect(aks.managedClusters.listByResourceGroup("rg-versions").next()).resolves.toBeDefined();
    await expect(pg.servers.listByResourceGroup("rg-versions").next()).resolves.toBeDefined();
  });

  it("that Azure does not have are refused with InvalidApiVersionParameter, naming the supported ones", async () => {
    const pinned = <T>(Client: new (...args: never[]) => T, apiVersion: string) =>
      new (Client as unknown as new (c: unknown, s: string, o: object) => T)(env.credential, SUBSCRIPTION, { ...env.clientOptions, apiVersion });
    const groups = await failure(pinned(ResourceManagementClient, "2099-01-01").resourceGroups.get("rg-versions"));
    expect(groups).toMatchObject({ statusCode: 400, code: "InvalidApiVersionParameter" });
    expect(groups.message).toMatch(/The api-version '2099-01-01' is invalid\. The supported versions are '2025-04-01,.*2021-04-01/);

    const clusters = await failure(pinned(ContainerServiceClient, "2024-05-07").managedClusters.listByResourceGroup("rg-versions").next());
    expect(clusters).toMatchObject({ statusCode: 400, code: "InvalidApiVersionParameter" });
    const servers = await failure(pinned(PostgreSQLManagementFlexibleServerClient, "2023-01-01").servers.listByResourceGroup("rg-versions").next());
    expect(servers).toMatchObject({ statusCode: 400, code: "InvalidApiVersionParameter" });
    expect(servers.message).toMatch(/2025-08-01/);
  });
});
