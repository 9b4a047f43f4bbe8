import { hostname } from "node:os";
import PgBoss from "pg-boss";
import { armClients, azureCredential } from "@/lib/azure/clients";
import type { EngineConfig } from "@/lib/config";
import { createPrismaClient } from "@/lib/db/create-client";
import { processOperation } from "./engine";
import { OPERATIONS_QUEUE, type OperationJob } from "./queue";
import type { EngineDeps } from "./runner";
import { findDrift, refreshDrift } from "./drift";
import { applyHibernationSchedules, keepStoppedEnvironmentsStopped } from "./hibernation";
import { operationsToDeliver, refreshHealth, tearDownExpired } from "./schedule";
import { probeEnvironmentHealth } from "./steps/airflow-health";

export interface WorkerHandle {
  workerId: string;
  stop(): Promise<void>;
}

const SWEEP_MS = 5_000;

/**
 * A worker: takes operations from the queue (several at once, up to its concurrency), sweeps for
 * operations without a live job, and tears down expired environments. Any number of workers may
 * share one database; the claim in `operations` keeps each operation to one of them.
 */
export async function startWorker(config: EngineConfig, log: (message: string) => void = console.log): Promise<WorkerHandle> {
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const db = createPrismaClient(config.databaseUrl);
  const credential = azureCredential(config.azure);
  const deps: EngineDeps = { db, config, arm: armClients(config.azure, credential), credential, workerId };
  const stopping = new AbortController();
  const inFlight = new Set<Promise<unknown>>();

  const boss = new PgBoss({ connectionString: config.databaseUrl, max: config.worker.concurrency + 2, supervise: true, schedule: false, migrate: true });
  boss.on("error", (error) => log(`[worker] queue: ${error.message}`));
  await boss.start();

  const handle = async ([job]: PgBoss.Job<OperationJob>[]) => {
    if (!job || stopping.signal.aborted) return;
    const work = processOperation(deps, job.data.operationId, stopping.signal);
    inFlight.add(work);
    try {
      const outcome = await work;
      if (outcome === "done") log(`[worker] operation ${job.data.operationId} finished`);
      if (outcome === "lost") log(`[worker] operation ${job.data.operationId} left to another worker`);
    } finally {
      inFlight.delete(work);
    }
  };
  for (let i = 0; i < config.worker.concurrency; i++) {
    await boss.work<OperationJob>(OPERATIONS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, handle);
  }

  const every = (ms: number, task: () => Promise<void>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      task()
        .catch((error: Error) => log(`[worker] ${error.message}`))
        .finally(() => (busy = false));
    }, ms);
    return () => clearInterval(timer);
  };
  const stopSweep = every(SWEEP_MS, async () => {
    for (const id of await operationsToDeliver(db, config.worker.staleAfterMs)) {
      await boss.send(OPERATIONS_QUEUE, { operationId: id } satisfies OperationJob, { singletonKey: id });
    }
  });
  const stopExpiry = every(config.worker.expirySweepMs, async () => {
    const names = await tearDownExpired(db);
    if (names.length > 0) log(`[worker] expired, tearing down: ${names.join(", ")}`);
    const scheduled = await applyHibernationSchedules(db);
    if (scheduled.length > 0) log(`[worker] hibernation schedules: stopping or starting ${scheduled.join(", ")}`);
  });

  const stopHealth = every(Math.min(config.worker.healthIntervalMs, 10_000), async () => {
    await refreshHealth(db, config.worker.healthIntervalMs, (env) => probeEnvironmentHealth(deps.arm, credential, env, stopping.signal));
    const again = await keepStoppedEnvironmentsStopped(db, config.worker.healthIntervalMs, async (names) =>
      (await deps.arm.postgres.servers.get(names.resourceGroup, names.postgresServer, { abortSignal: stopping.signal })).state,
    );
    if (again.length > 0) log(`[worker] Azure started the stopped database of ${again.join(", ")}; stopping again`);
    await refreshDrift(db, config.worker.healthIntervalMs, (target) => findDrift(deps.arm, credential, target, stopping.signal));
  });

  log(`[worker] ${workerId} ready (concurrency ${config.worker.concurrency})`);
  return {
    workerId,
    async stop() {
      stopSweep();
      stopExpiry();
      stopHealth();
      // Running operations stop where they are; another worker resumes them once the heartbeat is stale.
      stopping.abort(new Error("worker stopping"));
      await Promise.allSettled([...inFlight]);
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await db.$disconnect();
    },
  };
}
