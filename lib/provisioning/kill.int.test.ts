import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { requestChange } from "@/lib/environments/changes/change-request";
import { withTestDatabase } from "@/scripts/test-support/db";
import type { WorkerHandle } from "@/scripts/support/stack";
import { eventLog, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";

/**
 * Workers killed in the middle of a cloud call, not before it: the emulator holds the cluster's
 * (and the server's) PUT or long-running operation, so the kill lands while Azure has the request,
 * and the test counts, from the emulator's own counters, the PUTs the resources received.
 */
const database = withTestDatabase();
let h: EngineHarness;

type Counter = { created: number; puts: number; patches?: number };
type Hold = { id: string; phase: string; held: number };
type State = { counts: Record<string, Counter>; operations: { resourceId: string; status: string }[] };

const state = () => h.emulator.control<State>("GET", "state");
const hold = (kind: string, name: string, phase: "put" | "get" | "operation") => h.emulator.control<Hold>("POST", "holds", { kind, name, phase });
const heldBy = async (id: string) => (await h.emulator.control<Hold[]>("GET", "holds")).find((x) => x.id === id)?.held ?? 0;
const release = (id: string) => h.emulator.control("DELETE", `holds/${id}`);

const clusterPattern = (name: string) => new RegExp(`/managedclusters/aks-airflow-${name}$`);
const serverPattern = (name: string) => new RegExp(`/flexibleservers/pg-airflow-${name}-[0-9a-f]{6}$`);

/** The counter of the one resource whose id matches, or zeros while it has none. */
async function counter(pattern: RegExp): Promise<Counter> {
  const found = Object.entries((await state()).counts).filter(([id]) => pattern.test(id));
  expect(found.length, String(pattern)).toBeLessThanOrEqual(1);
  return found[0]?.[1] ?? { created: 0, puts: 0 };
}

/** Polls `check` until it is true; past the deadline fails naming what it waited for, with the environment's events. */
async function until(what: string, environmentId: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Events:\n${await eventLog(database.prisma, environmentId)}`);
    await sleep(100);
  }
}

async function stepStatus(environmentId: string, key: string) {
  return (await database.prisma.operationStep.findFirst({ where: { operation: { environmentId }, key }, select: { status: true } }))?.status;
}

async function kill(worker: WorkerHandle) {
  const exited = new Promise((resolve) => worker.child.once("exit", resolve));
  worker.child.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
}, 120_000);
afterAll(() => h?.close());
afterEach(async () => {
  await h.emulator.control("DELETE", "holds");
  for (const w of h.workers.splice(0)) await w.stop();
});

describe("a worker killed during a cloud call", () => {
  it("is resumed by the next worker waiting on the cluster's and the server's running operations, with no second PUT", async () => {
    const name = "kill-op";
    const cluster = await hold("managedCluster", `aks-airflow-${name}`, "operation");
    const server = await hold("postgresServer", `pg-airflow-${name}-*`, "operation");
    const doomed = h.startWorker();
    const id = await requestAndApprove(database.prisma, h, name);

    // Both PUTs answered (201/202 with their operations), both operations held InProgress.
    await until("both PUTs to be answered and their operations held", id, async () => (await counter(clusterPattern(name))).puts === 1 && (await counter(serverPattern(name))).puts === 1 && (await heldBy(cluster.id)) >= 1 && (await heldBy(server.id)) >= 1);
    expect([await stepStatus(id, "cluster"), await stepStatus(id, "database-server")]).toEqual(["RUNNING", "RUNNING"]);
    await kill(doomed);

    h.startWorker();
    // The new worker takes the operation over (the old one's heartbeat goes stale) and finds both
    // resources still being created: it waits on them instead of writing them again.
    await until("the new worker to wait on the cluster and the server", id, async () => {
      const log = await eventLog(database.prisma, id);
      return /cluster info Cluster aks-airflow-kill-op is creating; waiting for it/.test(log) && /database-server info Server pg-airflow-kill-op-[0-9a-f]{6} is \w+; waiting for it/.test(log);
    });
    expect(await counter(clusterPattern(name))).toMatchObject({ puts: 1 });
    expect(await counter(serverPattern(name))).toMatchObject({ puts: 1 });
    await release(cluster.id);
    await release(server.id);

    await waitForStatus(database.prisma, id, ["READY"], 120_000);
    expect(await eventLog(database.prisma, id)).toMatch(/stopped responding/);
    // One PUT each: the killed worker's. The server's password went with the killed worker, so the
    // new one sets another with a PATCH, which is no creation attempt.
    expect(await counter(clusterPattern(name))).toMatchObject({ created: 1, puts: 1 });
    expect(await counter(serverPattern(name))).toMatchObject({ created: 1, puts: 1, patches: 1 });
  }, 180_000);

  it("is resumed after a kill while its cluster PUT was unanswered: the accepted PUT is carried out, and it is the only one", async () => {
    const name = "kill-put";
    const put = await hold("managedCluster", `aks-airflow-${name}`, "put");
    const doomed = h.startWorker();
    const id = await requestAndApprove(database.prisma, h, name);

    await until("the cluster PUT to be held", id, async () => (await heldBy(put.id)) === 1);
    // Received by the emulator, not yet carried out.
    expect((await counter(clusterPattern(name))).puts).toBe(0);
    expect(await stepStatus(id, "cluster")).toBe("RUNNING");
    await kill(doomed);

    // Released after its client died: ARM carries out a request it accepted, and so does the
    // emulator. The new worker starts after that, so it finds the cluster being created (or
    // created) and does not PUT it. Had it looked before the accepted PUT was carried out, it
    // would have found nothing and PUT once more, as a client of ARM would; that ordering is not
    // what this test arranges.
    await release(put.id);
    await until("the accepted PUT to be carried out", id, async () => (await counter(clusterPattern(name))).puts === 1);
    h.startWorker();

    await waitForStatus(database.prisma, id, ["READY"], 120_000);
    expect(await counter(clusterPattern(name))).toMatchObject({ created: 1, puts: 1 });
  }, 180_000);

  it("is resumed after a kill between the end of the cluster's operation and the step's record, with no second PUT", async () => {
    const name = "kill-after";
    const operation = await hold("managedCluster", `aks-airflow-${name}`, "operation");
    const doomed = h.startWorker();
    const id = await requestAndApprove(database.prisma, h, name);
    await until("the cluster PUT to be answered and its operation held", id, async () => (await counter(clusterPattern(name))).puts === 1 && (await heldBy(operation.id)) >= 1);

    // Hold the GET the SDK sends for the result once the operation has succeeded, then let the operation end.
    const result = await hold("managedCluster", `aks-airflow-${name}`, "get");
    await release(operation.id);
    await until("the SDK's result GET to be held", id, async () => (await heldBy(result.id)) >= 1);
    // Azure is done; the worker has not seen it, and the step is not recorded.
    expect((await state()).operations.filter((o) => clusterPattern(name).test(o.resourceId.toLowerCase())).map((o) => o.status)).toEqual(["Succeeded"]);
    expect(await stepStatus(id, "cluster")).toBe("RUNNING");
    await kill(doomed);
    await release(result.id);

    h.startWorker();
    await waitForStatus(database.prisma, id, ["READY"], 120_000);
    expect(await counter(clusterPattern(name))).toMatchObject({ created: 1, puts: 1 });
    expect(await eventLog(database.prisma, id)).toMatch(/cluster info Cluster aks-airflow-kill-after already exists/);
  }, 180_000);

  it("is resumed after a kill while a change's server update runs: the next worker waits on it and sends no second PATCH", async () => {
    const name = "kill-change";
    h.startWorker();
    const id = await requestAndApprove(database.prisma, h, name);
    await waitForStatus(database.prisma, id, ["READY"], 120_000);
    const before = (await counter(serverPattern(name))).patches ?? 0;
    const update = await hold("postgresServer", `pg-airflow-${name}-*`, "operation");
    const [doomed] = h.workers.splice(0);

    // An admin's own change to a larger size: applied at once, without a chart repository to render
    // from (the what-if then says the objects cannot be compared; the sizes are the presets').
    const settings = { helmRepositoryUrl: "http://127.0.0.1:9", airflowExposure: "internal" as const, airflowAccess: null };
    await requestChange(database.prisma, h.admin, { id, executor: "KubernetesExecutor", size: "medium", reason: "More DAGs" }, settings);
    await until("the server's update to be sent and its operation held", id, async () => ((await counter(serverPattern(name))).patches ?? 0) === before + 1 && (await heldBy(update.id)) >= 1);
    expect(await stepStatus(id, "database-size")).toBe("RUNNING");
    await kill(doomed!);

    h.startWorker();
    await until("the new worker to wait on the server's update", id, async () => /database-size info Server pg-airflow-kill-change-[0-9a-f]{6} is updating; waiting for it/.test(await eventLog(database.prisma, id)));
    await release(update.id);
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 120_000), await eventLog(database.prisma, id)).toBe("READY");
    expect(((await counter(serverPattern(name))).patches ?? 0) - before).toBe(1);
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ size: "medium" });
  }, 240_000);
});
