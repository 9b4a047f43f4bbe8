import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { EventLevel } from "./deployed";
import type { OperationKindName, PlannedStep } from "./plan";

/**
 * The engine's reads and writes of `operations`, `operation_steps` and `operation_events`. Every
 * write after the claim is conditioned on this worker still owning the operation, so a worker
 * that lost it (stalled, then taken over) cannot overwrite the new owner's progress.
 */
export interface ClaimedOperation {
  id: string;
  kind: OperationKindName;
  environmentId: string;
  /** The worker that held it before, when this claim took it over from a stalled one. */
  takenOverFrom: string | null;
}

export async function claimOperation(db: PrismaClient, operationId: string, workerId: string, staleAfterMs: number): Promise<ClaimedOperation | null> {
  const rows = await db.$queryRaw<{ id: string; kind: OperationKindName; environment_id: string; previous_status: string; previous_worker: string | null }[]>`
    WITH previous AS (
      SELECT id, status, worker_id FROM operations WHERE id = ${operationId}::uuid FOR UPDATE
    )
    UPDATE operations o
       SET status = 'RUNNING', worker_id = ${workerId}, heartbeat_at = now(), started_at = COALESCE(o.started_at, now())
      FROM previous p
     WHERE o.id = p.id
       AND (p.status = 'QUEUED' OR (p.status = 'RUNNING' AND o.heartbeat_at < now() - make_interval(secs => ${staleAfterMs / 1000})))
    RETURNING o.id::text AS id, o.kind::text AS kind, o.environment_id::text AS environment_id, p.status::text AS previous_status, p.worker_id AS previous_worker`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    environmentId: row.environment_id,
    takenOverFrom: row.previous_status === "RUNNING" ? (row.previous_worker ?? "unknown") : null,
  };
}

/** Returns false when the operation is no longer this worker's (finished, or taken over). */
export async function beat(db: PrismaClient, operationId: string, workerId: string): Promise<boolean> {
  const { count } = await db.operation.updateMany({
    where: { id: operationId, workerId, status: "RUNNING" },
    data: { heartbeatAt: new Date() },
  });
  return count === 1;
}

const owned = (operationId: string, workerId: string) => ({ id: operationId, workerId, status: "RUNNING" as const });

const eventData = (operationId: string, stepKey: string | null, level: EventLevel, message: string) => ({ operationId, stepKey, level, message: message.slice(0, 4000) });

/** Records one event in a transaction of its own, numbered as it commits. */
export async function recordEvent(db: PrismaClient, operationId: string, stepKey: string | null, level: EventLevel, message: string): Promise<void> {
  await db.$transaction([db.operationEvent.create({ data: eventData(operationId, stepKey, level, message) }), db.$executeRaw`SELECT "operation_events_number"()`]);
}

/** Records an event inside a transaction that calls `numberEvents` before it commits. */
async function addEvent(tx: Prisma.TransactionClient, operationId: string, stepKey: string | null, level: EventLevel, message: string): Promise<void> {
  await tx.operationEvent.create({ data: eventData(operationId, stepKey, level, message) });
}

/**
 * Numbers the transaction's new events in commit order: the last statement of every transaction
 * that writes events. One committing transaction numbers at a time (an advisory lock held until
 * the commit), so a stream that has read event N has seen every event numbered below N — see the
 * migration `events_in_commit_order`. Until numbered, an event is invisible to pages and streams.
 */
export async function numberEvents(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT "operation_events_number"()`;
}

export type StepRow = { key: string; status: "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED"; output: Record<string, unknown> | null; attempts: number };

/** Creates the plan's step rows once (a resumed or retried run finds them) and returns them all. */
export async function loadSteps(db: PrismaClient, operationId: string, plan: readonly PlannedStep[]): Promise<StepRow[]> {
  await db.operationStep.createMany({ data: plan.map((s) => ({ operationId, key: s.key })), skipDuplicates: true });
  const rows = await db.operationStep.findMany({ where: { operationId }, select: { key: true, status: true, output: true, attempts: true } });
  return rows.map((r) => ({ ...r, output: (r.output as Record<string, unknown> | null) ?? null }));
}

/** Marks a step running, if this worker still owns the operation. */
export async function startStep(db: PrismaClient, operationId: string, workerId: string, key: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.operation.updateMany({ where: owned(operationId, workerId), data: { heartbeatAt: new Date() } });
    if (count === 0) return false;
    await tx.operationStep.update({
      where: { operationId_key: { operationId, key } },
      data: { status: "RUNNING", attempts: { increment: 1 }, startedAt: new Date(), finishedAt: null, error: null },
    });
    await addEvent(tx, operationId, key, "status", "RUNNING");
    await numberEvents(tx);
    return true;
  });
}

export async function finishStep(
  db: PrismaClient,
  operationId: string,
  workerId: string,
  key: string,
  result: { ok: true; output: Record<string, unknown> } | { ok: false; error: string } | { ok: "skipped"; reason: string },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.operation.updateMany({ where: owned(operationId, workerId), data: { heartbeatAt: new Date() } });
    if (count === 0) return false;
    const status = result.ok === true ? "SUCCEEDED" : result.ok === "skipped" ? "SKIPPED" : "FAILED";
    await tx.operationStep.update({
      where: { operationId_key: { operationId, key } },
      data:
        result.ok === true
          ? { status, output: result.output as Prisma.InputJsonValue, finishedAt: new Date(), error: null }
          : result.ok === "skipped"
            ? { status, finishedAt: new Date(), error: null }
            : { status, error: result.error, finishedAt: new Date() },
    });
    if (result.ok === false) await addEvent(tx, operationId, key, "error", result.error);
    if (result.ok === "skipped") await addEvent(tx, operationId, key, "info", result.reason);
    await addEvent(tx, operationId, key, "status", status);
    await numberEvents(tx);
    return true;
  });
}

/** Ends the operation and applies `then` (the environment's new state) in the same transaction, if still ours. */
export async function finishOperation(
  db: PrismaClient,
  operationId: string,
  workerId: string,
  result: { ok: true } | { ok: false; error: string },
  then: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.operation.updateMany({
      where: owned(operationId, workerId),
      data: { status: result.ok ? "SUCCEEDED" : "FAILED", error: result.ok ? null : result.error, finishedAt: new Date(), heartbeatAt: new Date() },
    });
    if (count === 0) return false;
    await addEvent(tx, operationId, null, "status", result.ok ? "SUCCEEDED" : "FAILED");
    await then(tx);
    await numberEvents(tx);
    return true;
  });
}
