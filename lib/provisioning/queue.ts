import pg from "pg";
import PgBoss from "pg-boss";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * The queue that delivers operations to workers (pg-boss, in the portal's own PostgreSQL, schema
 * `pgboss`). It only delivers: the `operations` and `operation_steps` rows are the record of truth,
 * and a worker claims an operation there before it works on it. Delivering twice is harmless.
 */
export const OPERATIONS_QUEUE = "operations";
export type OperationJob = { operationId: string };

/**
 * "short": per operation (the singleton key) at most one job waits, so a sweep may re-send freely.
 * A running job does not hold back a new one: when its worker dies, the sweep's job is fetched by
 * another worker at once, and the claim in `operations` decides who works on it.
 */
const QUEUE_OPTIONS = {
  policy: "short",
  retryLimit: 1000,
  retryDelay: 2,
  expireInSeconds: 60 * 60,
  retentionMinutes: 60 * 24 * 7,
} as const;

/** Any constant: it names the lock that serialises queue installs across processes. */
const INSTALL_LOCK_KEY = 7_204_381_662;

/**
 * Creates pg-boss's schema and the operations queue. Several processes starting at once take
 * turns behind an advisory lock: pg-boss's own queue creation deadlocks when run concurrently.
 */
export async function installQueue(connectionString: string): Promise<void> {
  const lock = new pg.Client({ connectionString });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [INSTALL_LOCK_KEY]);
    const boss = new PgBoss({ connectionString, supervise: false, schedule: false, migrate: true, max: 2 });
    boss.on("error", () => {});
    await boss.start();
    try {
      if (!(await boss.getQueue(OPERATIONS_QUEUE))) await boss.createQueue(OPERATIONS_QUEUE, { name: OPERATIONS_QUEUE, ...QUEUE_OPTIONS });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  } finally {
    await lock.query("SELECT pg_advisory_unlock($1)", [INSTALL_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

// Used only to build pg-boss's SQL; every statement runs on the connection passed with `db`.
const sender = new PgBoss({
  db: {
    executeSql: () => Promise.reject(new Error("pg-boss sender used without a transaction")),
  },
});

/**
 * Enqueues the operation inside the caller's transaction: the job exists if and only if the
 * transaction that wrote the operation commits.
 */
export async function enqueueOperation(tx: Prisma.TransactionClient, operationId: string): Promise<void> {
  const db = {
    executeSql: async (text: string, values: unknown[]) => ({
      rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values),
    }),
  };
  await sender.send(OPERATIONS_QUEUE, { operationId } satisfies OperationJob, { db, singletonKey: operationId });
}
