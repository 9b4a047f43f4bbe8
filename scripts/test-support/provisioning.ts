import { request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { approveRequest } from "@/lib/environments/decide-request";
import { DEFAULT_CATALOG } from "@/lib/environments/catalog";
import { requestEnvironment } from "@/lib/environments/request-environment";
import { resolveUser, type CurrentUser } from "@/lib/users/resolve-user";
import { emulatorAzureEnv, startWorkerProcess, type WorkerHandle } from "@/scripts/support/stack";
import { startTestEmulator, type TestEmulator } from "@/emulator/test/support";
import type { StatusName } from "@/lib/environments/status";

/**
 * What an engine test needs: the emulator (in this process, reached over HTTPS like Azure), users
 * and teams in the test database, and workers as real processes — the way they run for real, so
 * one can be killed mid-step.
 */
export const GROUPS = { platform: "00000000-0000-4000-8000-00000000000a", analytics: "00000000-0000-4000-8000-00000000000b" };

export interface EngineHarness {
  emulator: TestEmulator;
  admin: CurrentUser;
  ana: CurrentUser;
  workers: WorkerHandle[];
  startWorker(env?: Record<string, string>): WorkerHandle;
  close(): Promise<void>;
}

export async function startEngineHarness(db: PrismaClient, databaseUrl: string, adminGroupId: string): Promise<EngineHarness> {
  const emulator = await startTestEmulator();
  await db.team.createMany({
    data: [
      { slug: "data-platform", name: "Data Platform", entraGroupId: GROUPS.platform },
      { slug: "analytics", name: "Analytics", entraGroupId: GROUPS.analytics },
    ],
    skipDuplicates: true,
  });
  const admin = await resolveUser(db, { subject: "admin", name: "Ada Admin", email: "admin@example.test", groups: [GROUPS.platform], roles: ["Portal.Admin"] }, "Portal.Admin");
  const ana = await resolveUser(db, { subject: "ana", name: "Ana Analyst", email: "ana@example.test", groups: [GROUPS.analytics], roles: [] }, "Portal.Admin");
  const workers: WorkerHandle[] = [];
  const harness: EngineHarness = {
    emulator,
    admin,
    ana,
    workers,
    startWorker(env = {}) {
      const worker = startWorkerProcess({
        databaseUrl,
        label: `worker-${workers.length + 1}`,
        quiet: !process.env.ENGINE_TEST_LOGS,
        env: {
          ...emulatorAzureEnv({ url: emulator.url, caCertPath: emulator.emulator.caCertPath }, adminGroupId),
          AZURE_POLL_INTERVAL_MS: "100",
          WORKER_HEARTBEAT_MS: "500",
          WORKER_STALE_AFTER_MS: "3000",
          PORTAL_HELM_TIMEOUT_MS: "60000",
          WORKER_EXPIRY_SWEEP_MS: "500",
          ...env,
        },
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await emulator.close();
    },
  };
  return harness;
}

/** Requests an environment as Ana and approves it as the admin; returns its id. */
export async function requestAndApprove(
  db: PrismaClient,
  h: EngineHarness,
  name: string,
  overrides: Record<string, unknown> = {},
  /** Edits the pending request before approval, as a record written by an earlier portal would be. */
  before?: (id: string) => Promise<void>,
): Promise<string> {
  const { id } = await requestEnvironment(
    db,
    h.ana,
    { name, team: "analytics", purpose: "Engine test", region: "westeurope", size: "small", executor: "KubernetesExecutor", airflowVersion: "3.2.2", ...overrides },
    DEFAULT_CATALOG,
  );
  await before?.(id);
  await approveRequest(db, h.admin, id);
  return id;
}

/**
 * A GET sent as a machine in `virtualNetworkId` would send it: through the emulator's vantage point
 * in that network, which reaches an internal address only when the networks are one or peered.
 */
export async function getFromNetwork(emulator: TestEmulator, virtualNetworkId: string, url: string): Promise<{ status: number; body: string } | { unreachable: string }> {
  const { proxy } = await emulator.control<{ proxy: string }>("POST", "networks/vantage", { virtualNetworkId });
  const via = new URL(proxy);
  return new Promise((resolve) => {
    const req = httpRequest({ host: via.hostname, port: via.port, path: url, headers: { host: new URL(url).host }, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error) => resolve({ unreachable: error.message }));
    req.end();
  });
}

/** The environment's operation events, one per line: what a failing test prints. */
export async function eventLog(db: PrismaClient, environmentId: string): Promise<string> {
  const events = await db.operationEvent.findMany({ where: { operation: { environmentId } }, orderBy: { id: "asc" } });
  return events.map((e) => `${e.stepKey ?? "-"} ${e.level} ${e.message}`).join("\n");
}

/** Waits for one of `wanted`; a different end state or a timeout fails with the event log. */
export async function waitForStatus(db: PrismaClient, id: string, wanted: StatusName[], timeoutMs = 120_000): Promise<StatusName> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const env = await db.environment.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (wanted.includes(env.status)) return env.status;
    if ((env.status === "FAILED" && !wanted.includes("FAILED")) || Date.now() > deadline) {
      throw new Error(`Environment is ${env.status}, waiting for ${wanted.join("/")}. Events:\n${await eventLog(db, id)}`);
    }
    await sleep(200);
  }
}
