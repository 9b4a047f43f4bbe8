import { DefaultAzureCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestEmulator, SUBSCRIPTION, TENANT, type TestEmulator } from "./support.js";

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await env?.close();
});

describe("@azure/identity from the environment", () => {
  it("takes a service principal and AZURE_AUTHORITY_HOST from the environment, as a deployment configures it", async () => {
    vi.stubEnv("AZURE_AUTHORITY_HOST", env.url);
    vi.stubEnv("AZURE_TENANT_ID", TENANT);
    vi.stubEnv("AZURE_CLIENT_ID", "portal-client");
    vi.stubEnv("AZURE_CLIENT_SECRET", "portal-secret");
    // Instance discovery asks login.microsoftonline.com about the authority: off for any other host.
    const credential = new DefaultAzureCredential({ disableInstanceDiscovery: true, tlsOptions: { ca: env.ca } });

    const token = await credential.getToken("https://management.azure.com/.default");
    expect(token.token.split(".")).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());

    const resources = new ResourceManagementClient(credential, SUBSCRIPTION, env.clientOptions);
    const group = await resources.resourceGroups.createOrUpdate("rg-from-env", { location: "westeurope" });
    expect(group.properties?.provisioningState).toBe("Succeeded");
  });
});
