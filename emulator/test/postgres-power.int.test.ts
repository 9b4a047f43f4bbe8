import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, serverBody } from "./arm-setup.js";
import { POLL, request, startTestEmulator, type TestEmulator } from "./support.js";

let env: TestEmulator;
let resources: ReturnType<typeof armClients>["resources"];
let pg: ReturnType<typeof armClients>["pg"];

const GROUP = "rg-pg-power";
const SERVER = "pg-power-123456";
const DAY = 24 * 3600;

type Clock = { now: string; offsetSeconds: number };

beforeAll(async () => {
  env = await startTestEmulator();
  ({ resources, pg } = armClients(env));
  await resources.resourceGroups.createOrUpdate(GROUP, { location: "westeurope" });
  await pg.servers.beginCreateOrUpdateAndWait(GROUP, SERVER, serverBody(), POLL);
  await pg.databases.beginCreateAndWait(GROUP, SERVER, "airflow", { charset: "UTF8", collation: "en_US.utf8" }, POLL);
  await pg.firewallRules.beginCreateOrUpdateAndWait(GROUP, SERVER, "allow-aks", { startIpAddress: "20.1.2.3", endIpAddress: "20.1.2.3" }, POLL);
});
afterAll(() => env?.close());

describe("stopping and starting a PostgreSQL flexible server", () => {
  it("stops (Stopping, then Stopped), and a stopped server refuses every management operation but a start", async () => {
    await env.control("PATCH", "latencies", { postgresServerPower: 400 });
    const poller = await pg.servers.beginStop(GROUP, SERVER, POLL);
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Stopping");
    await expect(pg.servers.beginRestartAndWait(GROUP, SERVER, POLL)).rejects.toMatchObject({ statusCode: 409 });
    await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Stopped");

    const stopped = { statusCode: 400, code: "ServerStoppedError", message: expect.stringContaining(`server '${SERVER}' is currently in state 'Stopped'`) };
    await expect(pg.servers.beginUpdateAndWait(GROUP, SERVER, { storage: { storageSizeGB: 64 } }, POLL)).rejects.toMatchObject(stopped);
    await expect(pg.servers.beginCreateOrUpdateAndWait(GROUP, SERVER, serverBody(), POLL)).rejects.toMatchObject(stopped);
    await expect(pg.firewallRules.beginCreateOrUpdateAndWait(GROUP, SERVER, "allow-office", { startIpAddress: "192.0.2.1", endIpAddress: "192.0.2.1" }, POLL)).rejects.toMatchObject(stopped);
    await expect(pg.firewallRules.beginDeleteAndWait(GROUP, SERVER, "allow-aks", POLL)).rejects.toMatchObject(stopped);
    await expect(pg.databases.beginCreateAndWait(GROUP, SERVER, "other", { charset: "UTF8" }, POLL)).rejects.toMatchObject(stopped);
    await expect(pg.databases.beginDeleteAndWait(GROUP, SERVER, "airflow", POLL)).rejects.toMatchObject(stopped);
    await expect(pg.databases.get(GROUP, SERVER, "airflow")).rejects.toMatchObject(stopped);
    await expect(pg.configurations.get(GROUP, SERVER, "max_connections")).rejects.toMatchObject(stopped);
    await expect(pg.servers.beginRestartAndWait(GROUP, SERVER, POLL)).rejects.toMatchObject({
      statusCode: 409,
      code: "ServerIsNotReady",
      message: expect.stringContaining("Current Server State = Stopped"),
    });
    // What ARM itself keeps still reads: the server and its firewall rules.
    const rules = [];
    for await (const r of pg.firewallRules.listByServer(GROUP, SERVER)) rules.push(r.name);
    expect(rules).toEqual(["allow-aks"]);
    // Stopping it again is a no-op.
    await pg.servers.beginStopAndWait(GROUP, SERVER, POLL);
  });

  it("starts again (Starting, then Ready), and takes changes again", async () => {
    await env.control("PATCH", "latencies", { postgresServerPower: 400 });
    const poller = await pg.servers.beginStart(GROUP, SERVER, POLL);
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Starting");
    await poller.pollUntilDone();
    await env.control("PUT", "latencies", {});
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Ready");
    expect((await pg.databases.get(GROUP, SERVER, "airflow")).name).toBe("airflow");
    expect((await pg.servers.beginUpdateAndWait(GROUP, SERVER, { tags: { started: "yes" } }, POLL)).tags).toEqual({ started: "yes" });
  });

  it("starts by itself once it has been stopped for 7 days of the cloud's clock, which survives a restart", async () => {
    const before = await env.control<Clock>("GET", "clock");
    await pg.servers.beginStopAndWait(GROUP, SERVER, POLL);
    const advanced = await env.control<Clock>("POST", "clock/advance", { seconds: 6 * DAY });
    expect(advanced.offsetSeconds).toBe(before.offsetSeconds + 6 * DAY);
    expect(Date.parse(advanced.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(6 * DAY * 1000);
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Stopped");

    await env.restart();
    ({ pg } = armClients(env));
    expect((await env.control<Clock>("GET", "clock")).offsetSeconds).toBe(6 * DAY);
    expect((await pg.servers.get(GROUP, SERVER)).state).toBe("Stopped");
    await env.control("POST", "clock/advance", { seconds: DAY });
    const listed = [];
    for await (const s of pg.servers.listByResourceGroup(GROUP)) listed.push([s.name, s.state]);
    expect(listed).toEqual([[SERVER, "Ready"]]);
    expect((await pg.databases.get(GROUP, SERVER, "airflow")).name).toBe("airflow");
  });

  it("moves the clock forward only, and resets it with the cloud", async () => {
    const backwards = await request(`${env.url}/_emulator/clock/advance`, { ca: env.ca, method: "POST", body: { seconds: -5 } });
    expect(backwards.status).toBe(400);
    await env.control("POST", "reset");
    expect((await env.control<Clock>("GET", "clock")).offsetSeconds).toBe(0);
  });
});
