import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, failNextDelete, serverBody } from "./arm-setup.js";
import { POLL, startTestEmulator, type TestEmulator } from "./support.js";

let env: TestEmulator;
let resources: ReturnType<typeof armClients>["resources"];
let pg: ReturnType<typeof armClients>["pg"];

beforeAll(async () => {
  env = await startTestEmulator();
  ({ resources, pg } = armClients(env));
});
afterAll(() => env?.close());

describe("PostgreSQL flexible servers", () => {
  it("creates a server, a database and a firewall rule, stops and starts it", async () => {
    await resources.resourceGroups.createOrUpdate("rg-pg", { location: "westeurope" });
    const server = await pg.servers.beginCreateOrUpdateAndWait("rg-pg", "pg-airflow-one-a1b2c3", serverBody(), POLL);
    expect(server).toMatchObject({ state: "Ready", fullyQualifiedDomainName: "pg-airflow-one-a1b2c3.postgres.database.azure.com", version: "16" });
    expect(server.administratorLoginPassword).toBeUndefined();
    const db = await pg.databases.beginCreateAndWait("rg-pg", "pg-airflow-one-a1b2c3", "airflow", { charset: "UTF8", collation: "en_US.utf8" }, POLL);
    expect(db.name).toBe("airflow");
    const rule = await pg.firewallRules.beginCreateOrUpdateAndWait("rg-pg", "pg-airflow-one-a1b2c3", "allow-aks", { startIpAddress: "10.0.0.1", endIpAddress: "10.0.0.9" }, POLL);
    expect(rule.startIpAddress).toBe("10.0.0.1");
    const dbs = [];
    for await (const d of pg.databases.listByServer("rg-pg", "pg-airflow-one-a1b2c3")) dbs.push(d.name);
    expect(dbs).toContain("airflow");
    await pg.servers.beginStopAndWait("rg-pg", "pg-airflow-one-a1b2c3", POLL);
    expect((await pg.servers.get("rg-pg", "pg-airflow-one-a1b2c3")).state).toBe("Stopped");
    await pg.servers.beginStartAndWait("rg-pg", "pg-airflow-one-a1b2c3", POLL);
    expect((await pg.servers.get("rg-pg", "pg-airflow-one-a1b2c3")).state).toBe("Ready");
    await pg.firewallRules.beginDeleteAndWait("rg-pg", "pg-airflow-one-a1b2c3", "allow-aks", POLL);
    await expect(pg.firewallRules.get("rg-pg", "pg-airflow-one-a1b2c3", "allow-aks")).rejects.toMatchObject({ statusCode: 404 });
    await pg.databases.beginDeleteAndWait("rg-pg", "pg-airflow-one-a1b2c3", "airflow", POLL);
  });

  it("validates server names, SKUs, locations and firewall addresses", async () => {
    await expect(pg.servers.beginCreateOrUpdateAndWait("rg-pg", "PG_Upper", serverBody(), POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidResourceName" });
    await expect(pg.servers.beginCreateOrUpdateAndWait("rg-pg", "pg-bad-sku", { ...serverBody(), sku: { name: "Standard_D2ds_v4", tier: "Burstable" } }, POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(pg.servers.beginCreateOrUpdateAndWait("rg-pg", "pg-nowhere-123456", { ...serverBody(), location: "mars" }, POLL)).rejects.toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceType" });
    await expect(pg.firewallRules.beginCreateOrUpdateAndWait("rg-pg", "pg-airflow-one-a1b2c3", "bad", { startIpAddress: "10.0.0.9", endIpAddress: "10.0.0.1" }, POLL)).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("reading and deleting servers", () => {
  it("lists servers, gets a database, lists firewall rules, then deletes the server and what is under it", async () => {
    await resources.resourceGroups.createOrUpdate("rg-pg-read", { location: "westeurope" });
    await pg.servers.beginCreateOrUpdateAndWait("rg-pg-read", "pg-read-one-111111", serverBody(), POLL);
    await pg.servers.beginCreateOrUpdateAndWait("rg-pg-read", "pg-read-two-222222", serverBody(), POLL);
    const servers = [];
    for await (const s of pg.servers.listByResourceGroup("rg-pg-read")) servers.push([s.name, s.state]);
    expect(servers.sort()).toEqual([["pg-read-one-111111", "Ready"], ["pg-read-two-222222", "Ready"]]);

    await pg.databases.beginCreateAndWait("rg-pg-read", "pg-read-one-111111", "airflow", { charset: "UTF8", collation: "en_US.utf8" }, POLL);
    expect(await pg.databases.get("rg-pg-read", "pg-read-one-111111", "airflow")).toMatchObject({ name: "airflow", charset: "UTF8", collation: "en_US.utf8" });
    await expect(pg.databases.get("rg-pg-read", "pg-read-one-111111", "missing")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });

    await pg.firewallRules.beginCreateOrUpdateAndWait("rg-pg-read", "pg-read-one-111111", "allow-aks", { startIpAddress: "10.0.0.1", endIpAddress: "10.0.0.9" }, POLL);
    await pg.firewallRules.beginCreateOrUpdateAndWait("rg-pg-read", "pg-read-one-111111", "allow-office", { startIpAddress: "192.0.2.10", endIpAddress: "192.0.2.10" }, POLL);
    const rules = [];
    for await (const r of pg.firewallRules.listByServer("rg-pg-read", "pg-read-one-111111")) rules.push([r.name, r.startIpAddress, r.endIpAddress]);
    expect(rules.sort()).toEqual([["allow-aks", "10.0.0.1", "10.0.0.9"], ["allow-office", "192.0.2.10", "192.0.2.10"]]);

    // Long enough that a loaded machine still reads the server while it is being dropped.
    await env.control("PATCH", "latencies", { delete: 1_000 });
    const poller = await pg.servers.beginDelete("rg-pg-read", "pg-read-one-111111", POLL);
    expect((await pg.servers.get("rg-pg-read", "pg-read-one-111111")).state).toBe("Dropping");
    await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    await expect(pg.servers.get("rg-pg-read", "pg-read-one-111111")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    const left = [];
    for await (const s of pg.servers.listByResourceGroup("rg-pg-read")) left.push(s.name);
    expect(left).toEqual(["pg-read-two-222222"]);
    const state = await env.control<{ resources: { id: string }[] }>("GET", "state");
    expect(state.resources.filter((r) => r.id.includes("pg-read-one-111111"))).toEqual([]);
  });
});

describe("a flexible server delete that fails", () => {
  it("puts the server back in the state it had", async () => {
    await resources.resourceGroups.createOrUpdate("rg-pg-undeleted", { location: "westeurope" });
    await pg.servers.beginCreateOrUpdateAndWait("rg-pg-undeleted", "pg-undeleted-123456", serverBody(), POLL);
    await failNextDelete(env, "pg-undeleted-123456");
    await expect(pg.servers.beginDeleteAndWait("rg-pg-undeleted", "pg-undeleted-123456", POLL)).rejects.toThrow(/InternalOperationError/);
    expect((await pg.servers.get("rg-pg-undeleted", "pg-undeleted-123456")).state).toBe("Ready");
    await pg.servers.beginUpdateAndWait("rg-pg-undeleted", "pg-undeleted-123456", { tags: { retried: "yes" } }, POLL);
    expect((await pg.servers.get("rg-pg-undeleted", "pg-undeleted-123456")).tags).toEqual({ retried: "yes" });
  });
});
