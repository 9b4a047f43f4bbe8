import { KeyVaultManagementClient, type VaultCreateOrUpdateParameters } from "@azure/arm-keyvault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { collect, failure } from "./msi-client.js";
import { POLL, request, SUBSCRIPTION, TENANT, type TestEmulator, startTestEmulator } from "./support.js";

/** Key Vault vaults through ARM: names, settings Azure will not take back, soft delete, purge, recover. */
let env: TestEmulator;
let kv: KeyVaultManagementClient;
let clients: ReturnType<typeof armClients>;

beforeAll(async () => {
  env = await startTestEmulator();
  kv = new KeyVaultManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  clients = armClients(env);
  await clients.resources.resourceGroups.createOrUpdate("rg-kv", { location: "westeurope" });
});
afterAll(() => env?.close());

const vaultBody = (properties: Partial<VaultCreateOrUpdateParameters["properties"]> = {}): VaultCreateOrUpdateParameters => ({
  location: "westeurope",
  properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, ...properties },
});
const create = (name: string, properties: Partial<VaultCreateOrUpdateParameters["properties"]> = {}, group = "rg-kv") => kv.vaults.createOrUpdate(group, name, vaultBody(properties), POLL);

interface Dump {
  deletedVaults: { name: string; scheduledPurgeDate: string; purgeProtection: boolean }[];
  vaultPorts: Record<string, number>;
}

describe("vaults", () => {
  it("are created at once with Key Vault's defaults and their own loopback URI, read, updated and listed", async () => {
    const token = (await env.credential.getToken(`${env.url}/.default`)).token;
    const raw = await request(`${env.url}/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-raw-1?api-version=2026-02-01`, { ca: env.ca, method: "PUT", body: vaultBody(), headers: { authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(201);
    expect(raw.headers["azure-asyncoperation"]).toBeUndefined();
    expect(JSON.parse(raw.text).properties.provisioningState).toBe("Succeeded");

    const vault = await create("kv-airflow-1", { enablePurgeProtection: true, softDeleteRetentionInDays: 7 });
    expect(vault).toMatchObject({
      name: "kv-airflow-1",
      type: "Microsoft.KeyVault/vaults",
      location: "westeurope",
      properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, softDeleteRetentionInDays: 7, publicNetworkAccess: "Enabled", provisioningState: "Succeeded" },
    });
    expect(vault.properties.vaultUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(vault.properties.vaultUri).not.toBe(JSON.parse(raw.text).properties.vaultUri);
    // A PUT of an existing vault is an update (200), at the same URI.
    const again = await create("kv-airflow-1", { enablePurgeProtection: true, softDeleteRetentionInDays: 7, publicNetworkAccess: "Disabled" });
    expect(again.properties).toMatchObject({ publicNetworkAccess: "Disabled", vaultUri: vault.properties.vaultUri });
    const patched = await kv.vaults.update("rg-kv", "kv-airflow-1", { tags: { env: "e1" }, properties: { publicNetworkAccess: "Enabled" } });
    expect(patched).toMatchObject({ tags: { env: "e1" }, properties: { publicNetworkAccess: "Enabled", enablePurgeProtection: true } });
    expect((await kv.vaults.get("rg-kv", "kv-airflow-1")).tags).toEqual({ env: "e1" });
    expect((await collect(kv.vaults.listByResourceGroup("rg-kv"))).map((v) => v.name).sort()).toEqual(["kv-airflow-1", "kv-raw-1"]);
  });

  it("refuse turning purge protection or soft delete off, and retention outside 7-90 days", async () => {
    await create("kv-protected", { enablePurgeProtection: true });
    const off = await failure(kv.vaults.update("rg-kv", "kv-protected", { properties: { enablePurgeProtection: false } }));
    expect(off).toMatchObject({ statusCode: 400, code: "BadRequest", message: 'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.' });
    expect((await kv.vaults.get("rg-kv", "kv-protected")).properties.enablePurgeProtection).toBe(true);
    expect(await failure(create("kv-no-soft", { enableSoftDelete: false }))).toMatchObject({ statusCode: 400, code: "BadRequest" });
    for (const days of [6, 91]) expect(await failure(create(`kv-days-${days}`, { softDeleteRetentionInDays: days }))).toMatchObject({ statusCode: 400, code: "BadRequest" });
    expect(await failure(kv.vaults.createOrUpdate("rg-kv", "kv-no-tenant", { location: "westeurope", properties: { sku: { family: "A", name: "standard" } } as never }, POLL))).toMatchObject({ statusCode: 400 });
  });

  it("refuse bad names and names another vault holds, in any subscription's group", async () => {
    for (const bad of ["ab", "1vault", "vault-", "my--vault", "a".repeat(25), "vault_1"]) {
      expect(await failure(create(bad)), bad).toMatchObject({ statusCode: 400, code: "VaultNameNotValid" });
    }
    await create("kv-taken");
    await clients.resources.resourceGroups.createOrUpdate("rg-kv-other", { location: "westeurope" });
    const taken = await failure(create("KV-TAKEN", {}, "rg-kv-other"));
    expect(taken).toMatchObject({ statusCode: 409, code: "VaultAlreadyExists" });
    expect(taken.message).toContain("The vault name 'KV-TAKEN' is already in use.");
  });

  it("go to the deleted state when deleted, keep their name there, refuse a purge under purge protection, and come back by recover", async () => {
    const vault = await create("kv-soft", { enablePurgeProtection: true });
    const before = Date.now();
    await kv.vaults.delete("rg-kv", "kv-soft");
    expect(await failure(kv.vaults.get("rg-kv", "kv-soft"))).toMatchObject({ statusCode: 404 });
    const deleted = await kv.vaults.getDeleted("kv-soft", "westeurope");
    expect(deleted).toMatchObject({ name: "kv-soft", type: "Microsoft.KeyVault/deletedVaults", properties: { vaultId: vault.id, location: "westeurope", purgeProtectionEnabled: true } });
    const purgeDate = deleted.properties!.scheduledPurgeDate!.getTime();
    expect(purgeDate - before).toBeGreaterThanOrEqual(90 * 86_400_000 - 5_000);
    expect(purgeDate - before).toBeLessThan(90 * 86_400_000 + 60_000);
    expect((await collect(kv.vaults.listDeleted())).map((d) => d.name)).toContain("kv-soft");
    const dump = await env.control<Dump>("GET", "state");
    expect(dump.deletedVaults).toContainEqual(expect.objectContaining({ name: "kv-soft", purgeProtection: true, scheduledPurgeDate: deleted.properties!.scheduledPurgeDate!.toISOString() }));

    const recreate = await failure(create("kv-soft"));
    expect(recreate).toMatchObject({ statusCode: 409, code: "ConflictError" });
    expect(recreate.message).toContain("A vault with the same name already exists in deleted state.");
    const purge = await failure(kv.vaults.purgeDeleted("kv-soft", "westeurope", POLL).pollUntilDone());
    expect(purge).toMatchObject({ statusCode: 405, code: "MethodNotAllowed", message: "Operation 'DeletedVaultPurge' is not allowed." });

    const recovered = await kv.vaults.createOrUpdate("rg-kv", "kv-soft", { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, createMode: "recover" } }, POLL);
    expect(recovered.properties).toMatchObject({ enablePurgeProtection: true, vaultUri: vault.properties.vaultUri, provisioningState: "Succeeded" });
    expect(await failure(kv.vaults.getDeleted("kv-soft", "westeurope"))).toMatchObject({ statusCode: 404 });
  });

  it("without purge protection purge through the poller, which frees the name; a resource group's delete soft-deletes its vaults", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-kv-gone", { location: "westeurope" });
    await create("kv-purgeable", {}, "rg-kv-gone");
    await clients.resources.resourceGroups.beginDeleteAndWait("rg-kv-gone", POLL);
    expect((await kv.vaults.getDeleted("kv-purgeable", "westeurope")).properties?.purgeProtectionEnabled).toBe(false);
    expect((await env.control<Dump>("GET", "state")).vaultPorts["kv-purgeable"]).toBeGreaterThan(0);
    await kv.vaults.purgeDeleted("kv-purgeable", "westeurope", POLL).pollUntilDone();
    expect(await failure(kv.vaults.getDeleted("kv-purgeable", "westeurope"))).toMatchObject({ statusCode: 404 });
    const dump = await env.control<Dump>("GET", "state");
    expect(dump.deletedVaults.map((d) => d.name)).not.toContain("kv-purgeable");
    expect(dump.vaultPorts["kv-purgeable"]).toBeUndefined();
    expect((await create("kv-purgeable")).properties.provisioningState).toBe("Succeeded");
  });

  // Last: it moves the cloud's clock.
  it("leave the deleted state by themselves once their retention has passed, purge protection or not", async () => {
    await create("kv-retention", { enablePurgeProtection: true, softDeleteRetentionInDays: 7 });
    await kv.vaults.delete("rg-kv", "kv-retention");
    const purgeDate = (await kv.vaults.getDeleted("kv-retention", "westeurope")).properties!.scheduledPurgeDate!;
    expect(purgeDate.getTime() - Date.now()).toBeLessThan(7 * 86_400_000 + 60_000);
    await env.control("POST", "clock/advance", { seconds: 6 * 86_400 });
    expect((await kv.vaults.getDeleted("kv-retention", "westeurope")).name).toBe("kv-retention");
    await env.control("POST", "clock/advance", { seconds: 86_400 + 60 });
    expect(await failure(kv.vaults.getDeleted("kv-retention", "westeurope"))).toMatchObject({ statusCode: 404 });
    expect((await create("kv-retention")).properties.provisioningState).toBe("Succeeded");
  });

  it("recover only what is in the deleted state", async () => {
    const missing = await failure(kv.vaults.createOrUpdate("rg-kv", "kv-never", { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, createMode: "recover" } }, POLL));
    expect(missing).toMatchObject({ statusCode: 404, code: "DeletedVaultNotFound" });
  });
});
