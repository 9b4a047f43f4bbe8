import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import { emulatorStepContext, testEnvironment, type StepHarness } from "@/scripts/test-support/provisioning-steps";
import type { StepOutput } from "../context";
import { createResourceGroup } from "./resource-group";
import { createTaskLogStorage, grantTaskLogAccess } from "./task-logs";
import { createWorkloadIdentity } from "./workload-identity";

let emulator: TestEmulator;
let h: StepHarness;
const outputs = () => h.ctx.outputs as Record<string, StepOutput>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  h = emulatorStepContext(emulator, SUBSCRIPTION, testEnvironment("logs"));
  await createResourceGroup(h.ctx);
  outputs()["workload-identity"] = await createWorkloadIdentity(h.ctx);
});
afterAll(() => emulator?.close());

describe("task logs' storage", () => {
  it("is an account with no keys and nothing public, and a private container; one whose settings were changed is set back", async () => {
    outputs()["task-log-storage"] = await createTaskLogStorage(h.ctx);
    const { storage } = h.ctx.arm;
    const rg = h.ctx.env.names.resourceGroup;
    const name = h.ctx.env.names.storageAccount;
    const secure = { allowSharedKeyAccess: false, defaultToOAuthAuthentication: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false, enableHttpsTrafficOnly: true };
    expect(await storage.storageAccounts.getProperties(rg, name)).toMatchObject({ kind: "StorageV2", sku: { name: "Standard_LRS" }, ...secure });
    expect(await storage.blobContainers.get(rg, name, "airflow-logs")).toMatchObject({ publicAccess: "None" });
    expect(outputs()["task-log-storage"]).toMatchObject({ account: name, container: "airflow-logs", blobEndpoint: expect.stringContaining(`/${name}/`) });

    // Someone turns shared keys back on and lowers TLS: the next run (a retry, a reapply) puts them back.
    await storage.storageAccounts.update(rg, name, { allowSharedKeyAccess: true, minimumTlsVersion: "TLS1_0" });
    await createTaskLogStorage(h.ctx);
    expect(await storage.storageAccounts.getProperties(rg, name)).toMatchObject(secure);
    expect(h.logs.at(-2)).toMatch(/allowSharedKeyAccess, minimumTlsVersion back to the secure settings/);
  });

  it("is writable by the environment's identity alone, as Storage Blob Data Contributor on that account", async () => {
    await grantTaskLogAccess(h.ctx);
    const scope = String(outputs()["task-log-storage"]!.id);
    const auth = new AuthorizationManagementClient(h.ctx.credential, SUBSCRIPTION, h.ctx.arm.options);
    const grants = [];
    for await (const a of auth.roleAssignments.listForScope(scope)) grants.push(a);
    expect(grants.map((a) => [a.principalId, a.roleDefinitionId?.split("/").pop(), a.scope])).toEqual([
      [outputs()["workload-identity"]!.principalId, "ba92f5b4-2d11-453d-a403-e96b0029c9fe", scope],
    ]);
  });
});
