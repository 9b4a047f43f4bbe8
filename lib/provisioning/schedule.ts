import { AppError } from "@/lib/errors";
import { cancelPendingChanges } from "@/lib/environments/changes/pending";
import { transitionEnvironment } from "@/lib/environments/transition";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { enqueueOperation } from "./queue";
import type { HealthTarget } from "./steps/airflow-health";

/**
 * Operations that should be moving but have no live job: QUEUED ones whose job was lost (or never
 * sent by an older portal), and RUNNING ones whose worker stopped beating. Re-sending is harmless:
 * the queue keeps one waiting job per operation, and the claim decides who works on it.
 */
export async function operationsToDeliver(db: PrismaClient, staleAfterMs: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT o.id::text AS id FROM operations o
     WHERE (o.status = 'QUEUED' AND o.created_at < now() - interval '5 seconds'
            AND NOT EXISTS (SELECT 1 FROM pgboss.job j WHERE j.name = 'operations' AND j.singleton_key = o.id::text AND j.state IN ('created', 'retry')))
        OR (o.status = 'RUNNING' AND o.heartbeat_at < now() - make_interval(secs => ${staleAfterMs / 1000}))
     LIMIT 100`;
  return rows.map((r) => r.id);
}

/** Environments past their expiry date get a teardown, as if an admin had asked for it. */
export async function tearDownExpired(db: PrismaClient, now = new Date()): Promise<string[]> {
  const due = await db.environment.findMany({
    where: { expiresAt: { lte: now }, status: { in: ["READY", "FAILED", "STOPPED"] }, operations: { none: { status: { in: ["QUEUED", "RUNNING"] } } } },
    select: { id: true, name: true, expiresAt: true },
    take: 50,
  });
  const started: string[] = [];
  for (const env of due) {
    try {
      await db.$transaction(async (tx) => {
        await transitionEnvironment(tx, {
          environmentId: env.id,
          from: ["READY", "FAILED", "STOPPED"],
          to: "DELETING",
          action: "environment.teardown-requested",
          actorId: null,
          reason: `Expired on ${env.expiresAt!.toISOString().slice(0, 10)}`,
        });
        await cancelPendingChanges(tx, env.id, null);
        const op = await tx.operation.create({ data: { environmentId: env.id, kind: "TEARDOWN" } });
        await enqueueOperation(tx, op.id);
      });
      started.push(env.name);
    } catch (error) {
      // Another worker (or an admin) got there first: the row lock and the one-active-operation index decide.
      if (error instanceof AppError || (error as { code?: string }).code === "P2002") continue;
      throw error;
    }
  }
  return started;
}

/**
 * Probes the Airflow of READY environments not checked for `intervalMs`, and records the
 * answer for the dashboard. Claiming rows by their check time keeps several workers from
 * probing the same environment at once.
 */
export async function refreshHealth(db: PrismaClient, intervalMs: number, probe: (env: HealthTarget) => Promise<string | null>): Promise<number> {
  const due = await db.$queryRaw<{ id: string; name: string; name_suffix: string; airflow_url: string; airflow_version: string }[]>`
    UPDATE environments SET health_checked_at = now()
     WHERE id IN (
       SELECT id FROM environments
        WHERE status = 'READY' AND airflow_url IS NOT NULL
          AND (health_checked_at IS NULL OR health_checked_at < now() - make_interval(secs => ${intervalMs / 1000}))
        ORDER BY health_checked_at NULLS FIRST LIMIT 50
          FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, name, name_suffix, airflow_url, airflow_version`;
  await Promise.all(
    due.map(async (env) => {
      const problem = await probe({ name: env.name, nameSuffix: env.name_suffix, airflowUrl: env.airflow_url, airflowVersion: env.airflow_version });
      await db.environment.updateMany({ where: { id: env.id, status: "READY" }, data: { health: problem ? problem.slice(0, 200) : "healthy", healthCheckedAt: new Date() } });
    }),
  );
  return due.length;
}
