import type { Server } from "@azure/arm-postgresql-flexible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, serverBody } from "./arm-setup.js";
import { POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

let env: TestEmulator;
let resources: ReturnType<typeof armClients>["resources"];
let pg: ReturnType<typeof armClients>["pg"];

const GROUP = "rg-pg-backups";
const SOURCE = "pg-backups-123456";
const SOURCE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${SOURCE}`;
const HOUR = 3600;
const DAY = 24 * HOUR;

type Clock = { now: string; offsetSeconds: number };
const clockNow = async () => new Date((await env.control<Clock>("GET", "clock")).now);
const advance = (seconds: number) => env.control<Clock>("POST", "clock/advance", { seconds });

async function backups(server = SOURCE) {
  const out = [];
  for await (const b of pg.backupsAutomaticAndOnDemand.listByServer(GROUP, server)) out.push(b);
  return out;
}
async function databases(server: string) {
  const out = [];
  for await (const d of pg.databases.listByServer(GROUP, server)) out.push(d.name);
  return out.sort();
}
const restoreBody = (pointInTimeUTC: Date, extra: Partial<Server> = {}): Server => ({
  location: "westeurope",
  createMode: "PointInTimeRestore",
  sourceServerResourceId: SOURCE_ID,
  pointInTimeUTC,
  ...extra,
});

let createdAt: Date;
let beforeChanges: Date;

beforeAll(async () => {
  env = await startTestEmulator();
  ({ resources, pg } = armClients(env));
  await resources.resourceGroups.createOrUpdate(GROUP, { location: "westeurope" });
  await pg.servers.beginCreateOrUpdateAndWait(GROUP, SOURCE, { ...serverBody(), sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" } }, POLL);
  createdAt = await clockNow();
  await pg.databases.beginCreateAndWait(GROUP, SOURCE, "airflow", { charset: "UTF8", collation: "en_US.utf8" }, POLL);
  await pg.firewallRules.beginCreateOrUpdateAndWait(GROUP, SOURCE, "allow-aks", { startIpAddress: "20.1.2.3", endIpAddress: "20.1.2.3" }, POLL);
});
afterAll(() => env?.close());

describe("backups of a flexible server (backupsAutomaticAndOnDemand)", () => {
  it("lists the automatic full backup taken when the server was made, and takes an on-demand one", async () => {
    const automatic = await backups();
    expect(automatic).toHaveLength(1);
    expect(automatic[0]).toMatchObject({ name: expect.stringMatching(/^backup_\d{8}T\d{6}$/), backupType: "Full", type: "Microsoft.DBforPostgreSQL/flexibleServers/backups" });
    expect(Math.abs(automatic[0]!.completedTime!.getTime() - createdAt.getTime())).toBeLessThan(60_000);
    expect(await pg.backupsAutomaticAndOnDemand.get(GROUP, SOURCE, automatic[0]!.name!)).toMatchObject({ backupType: "Full" });

    await env.control("PATCH", "latencies", { postgresBackup: 300 });
    const poller = await pg.backupsAutomaticAndOnDemand.beginCreate(GROUP, SOURCE, "before-upgrade", POLL);
    expect((await pg.backupsAutomaticAndOnDemand.get(GROUP, SOURCE, "before-upgrade")).completedTime).toBeUndefined();
    const taken = await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    expect(taken).toMatchObject({ name: "before-upgrade", backupType: "Customer On-Demand" });
    expect(taken.completedTime).toBeInstanceOf(Date);
    expect((await backups()).map((b) => b.backupType).sort()).toEqual(["Customer On-Demand", "Full"]);
    await expect(pg.backupsAutomaticAndOnDemand.beginCreateAndWait(GROUP, SOURCE, "before-upgrade", POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(pg.backupsAutomaticAndOnDemand.get(GROUP, SOURCE, "missing")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("takes a full backup every day, deletes on-demand ones on request, and keeps automatic ones", async () => {
    beforeChanges = await clockNow();
    await advance(2 * DAY + HOUR);
    const list = await backups();
    expect(list.filter((b) => b.backupType === "Full")).toHaveLength(3);
    const server = await pg.servers.get(GROUP, SOURCE);
    expect(Math.abs(server.backup!.earliestRestoreDate!.getTime() - createdAt.getTime())).toBeLessThan(60_000);

    await pg.backupsAutomaticAndOnDemand.beginCreateAndWait(GROUP, SOURCE, "scratch", POLL);
    await pg.backupsAutomaticAndOnDemand.beginDeleteAndWait(GROUP, SOURCE, "scratch", POLL);
    expect((await backups()).map((b) => b.name)).not.toContain("scratch");
    const full = list.find((b) => b.backupType === "Full")!;
    await expect(pg.backupsAutomaticAndOnDemand.beginDeleteAndWait(GROUP, SOURCE, full.name!, POLL)).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("point-in-time restore", () => {
  it("makes a new server with the source's databases as they were then, its login and compute, but not its firewall rules", async () => {
    // After the restore point: a new database, and the old one dropped.
    const restorePoint = await clockNow();
    await advance(HOUR);
    await pg.databases.beginCreateAndWait(GROUP, SOURCE, "later", { charset: "UTF8" }, POLL);
    await pg.databases.beginDeleteAndWait(GROUP, SOURCE, "airflow", POLL);
    expect(await databases(SOURCE)).toEqual(["azure_maintenance", "azure_sys", "later", "postgres"]);

    await env.control("PATCH", "latencies", { postgresServer: 300 });
    const poller = await pg.servers.beginCreateOrUpdate(GROUP, "pg-restored-1", restoreBody(restorePoint), POLL);
    expect((await pg.servers.get(GROUP, "pg-restored-1")).state).toBe("Provisioning");
    const restored = await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    expect(restored).toMatchObject({
      state: "Ready",
      version: "16",
      administratorLogin: "airflowadmin",
      sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
      storage: { storageSizeGB: 32 },
      fullyQualifiedDomainName: "pg-restored-1.postgres.database.azure.com",
    });
    expect(restored.createMode).toBeUndefined();
    expect(await databases("pg-restored-1")).toEqual(["airflow", "azure_maintenance", "azure_sys", "postgres"]);
    const rules = [];
    for await (const r of pg.firewallRules.listByServer(GROUP, "pg-restored-1")) rules.push(r.name);
    expect(rules).toEqual([]);
    // The source is as it was.
    expect(await databases(SOURCE)).toEqual(["azure_maintenance", "azure_sys", "later", "postgres"]);

    // Restoring to before the first changes finds the database made before them too, and not the later one.
    const earlier = await pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-restored-2", restoreBody(beforeChanges), POLL);
    expect(earlier.state).toBe("Ready");
    expect(await databases("pg-restored-2")).toEqual(["airflow", "azure_maintenance", "azure_sys", "postgres"]);
  });

  it("refuses a time in the future, before the source's first backup, or outside its retention period", async () => {
    const now = await clockNow();
    const refusal = (words: string) => ({ statusCode: 400, code: "InvalidPointInTimeRestoreTime", message: expect.stringContaining(words) });
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-future", restoreBody(new Date(now.getTime() + HOUR * 1000)), POLL)).rejects.toMatchObject(refusal("is in the future"));
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-too-early", restoreBody(new Date(createdAt.getTime() - HOUR * 1000)), POLL)).rejects.toMatchObject(
      refusal("before the earliest restore point"),
    );
    await expect(pg.servers.get(GROUP, "pg-future")).rejects.toMatchObject({ statusCode: 404 });

    await advance(8 * DAY);
    const eightDaysOn = await clockNow();
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-too-old", restoreBody(new Date(eightDaysOn.getTime() - 7.5 * DAY * 1000)), POLL)).rejects.toMatchObject(
      refusal("outside the backup retention period of 7 days"),
    );
    // The window moved: the earliest restore point is a week ago now, and the first backups have aged out.
    const server = await pg.servers.get(GROUP, SOURCE);
    expect(Math.abs(server.backup!.earliestRestoreDate!.getTime() - (eightDaysOn.getTime() - 7 * DAY * 1000))).toBeLessThan(60_000);
    const kept = await backups();
    expect(kept.filter((b) => b.backupType === "Full")).toHaveLength(7);
    expect(kept.map((b) => b.name)).not.toContain("before-upgrade");
    expect(await pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-restored-3", restoreBody(new Date(eightDaysOn.getTime() - 6 * DAY * 1000)), POLL)).toMatchObject({ state: "Ready" });
  });

  it("refuses a missing source, another region, and a name in use", async () => {
    const now = await clockNow();
    const missing = SOURCE_ID.replace(SOURCE, "pg-nowhere-000000");
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-orphan", restoreBody(now, { sourceServerResourceId: missing }), POLL)).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-abroad", restoreBody(now, { location: "northeurope" }), POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-no-time", { ...restoreBody(now), pointInTimeUTC: undefined }, POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameterValue" });
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-restored-1", restoreBody(now), POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, SOURCE, restoreBody(now), POLL)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("keeps the databases' history across a restart", async () => {
    const now = await clockNow();
    await env.restart();
    ({ pg } = armClients(env));
    const again = await pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-restored-4", restoreBody(now), POLL);
    expect(again.state).toBe("Ready");
    expect(await databases("pg-restored-4")).toEqual(["azure_maintenance", "azure_sys", "later", "postgres"]);
  });
});
