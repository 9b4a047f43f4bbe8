import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, serverBody } from "./arm-setup.js";
import { eventually, POLL, startTestEmulator, type TestEmulator } from "./support.js";

let env: TestEmulator;
let resources: ReturnType<typeof armClients>["resources"];
let pg: ReturnType<typeof armClients>["pg"];

const GROUP = "rg-pg-scale";
const SERVER = "pg-scale-123456";

beforeAll(async () => {
  env = await startTestEmulator();
  ({ resources, pg } = armClients(env));
  await resources.resourceGroups.createOrUpdate(GROUP, { location: "westeurope" });
  await pg.servers.beginCreateOrUpdateAndWait(GROUP, SERVER, serverBody(), POLL);
});
afterAll(() => env?.close());

describe("PostgreSQL flexible server updates (PATCH)", () => {
  it("scales compute: the server reads Updating while it restarts, then Ready on the new SKU", async () => {
    await env.control("PATCH", "latencies", { postgresServerUpdate: 400 });
    const poller = await pg.servers.beginUpdate(GROUP, SERVER, { sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" } }, POLL);
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Updating");
    await expect(pg.servers.beginUpdateAndWait(GROUP, SERVER, { tags: { again: "yes" } }, POLL)).rejects.toMatchObject({ statusCode: 409, code: "OperationNotAllowed" });
    const server = await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    expect(server).toMatchObject({ state: "Ready", sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" }, version: "16", administratorLogin: "airflowadmin" });
    // The server's parameters follow its compute size.
    expect((await pg.configurations.get(GROUP, SERVER, "max_connections")).value).toBe("859");
    const state = await env.control<{ counts: Record<string, { created: number; puts: number; patches?: number }> }>("GET", "state");
    const counted = Object.entries(state.counts).find(([id]) => id.endsWith(`/flexibleservers/${SERVER}`))?.[1];
    expect(counted).toMatchObject({ created: 1, puts: 1, patches: 1 });
  });

  it("grows storage, raising the performance tier to the size's default, and keeps what the PATCH leaves out", async () => {
    const server = await pg.servers.beginUpdateAndWait(GROUP, SERVER, { storage: { storageSizeGB: 128 } }, POLL);
    expect(server).toMatchObject({ state: "Ready", storage: { storageSizeGB: 128, tier: "P10", iops: 500, autoGrow: "Disabled" }, sku: { name: "Standard_D2ds_v5" } });
    const both = await pg.servers.beginUpdateAndWait(GROUP, SERVER, { sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" }, storage: { storageSizeGB: 256, autoGrow: "Enabled" } }, POLL);
    expect(both).toMatchObject({ sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" }, storage: { storageSizeGB: 256, tier: "P15", autoGrow: "Enabled" } });
  });

  it("refuses to shrink storage, sizes Azure does not offer, and a SKU that does not fit its tier", async () => {
    await expect(pg.servers.beginUpdateAndWait(GROUP, SERVER, { storage: { storageSizeGB: 64 } }, POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidParameterValue",
      message: expect.stringContaining("Storage size cannot be reduced"),
    });
    await expect(pg.servers.beginUpdateAndWait(GROUP, SERVER, { storage: { storageSizeGB: 300 } }, POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameterValue" });
    await expect(pg.servers.beginUpdateAndWait(GROUP, SERVER, { sku: { name: "Standard_B2s", tier: "GeneralPurpose" } }, POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidSkuName" });
    await expect(pg.servers.beginUpdateAndWait(GROUP, SERVER, { sku: { name: "Standard_E4ds_v5", tier: "Premium" as "GeneralPurpose" } }, POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameterValue" });
    // Back down to Burstable is allowed, as on Azure (compute scales both ways).
    expect(await pg.servers.beginUpdateAndWait(GROUP, SERVER, { sku: { name: "Standard_B2s", tier: "Burstable" } }, POLL)).toMatchObject({ state: "Ready", storage: { storageSizeGB: 256 } });
  });

  it("keeps an update that was under way across a restart, and it ends on schedule", async () => {
    await env.control("PATCH", "latencies", { postgresServerUpdate: 3_000 });
    await pg.servers.beginUpdate(GROUP, SERVER, { storage: { storageSizeGB: 512 } }, POLL);
    await env.restart();
    ({ pg } = armClients(env));
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Updating");
    await eventually(async () => ((await pg.servers.get(GROUP, SERVER)).state === "Ready" ? true : undefined), 6_000, "the update to end");
    expect(await pg.servers.get(GROUP, SERVER)).toMatchObject({ state: "Ready", storage: { storageSizeGB: 512, tier: "P20" } });
  });
});
