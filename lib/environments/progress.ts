import { visibleEnvironmentsWhere, type Actor } from "@/lib/authz";
import { notFound } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { planFor, PLANS, stepLabel, type OperationKindName } from "@/lib/provisioning/plan";
import type { OperationStatusName, ProgressEvent, ProgressSnapshot, StepProgress } from "./progress-types";
import type { StatusName } from "./status";
import { RUN_OPERATIONS } from "./active-operation";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SNAPSHOT_EVENTS = 200;
/** A stream sends at most this many events per poll; the rest follow on the next one. */
export const STREAM_BATCH = 500;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type EventRow = { seq: bigint | null; operationId: string; stepKey: string | null; level: string; message: string; createdAt: Date };
/** An event as pages and streams carry it: its id is its place in commit order (`seq`). */
export const toProgressEvent = (e: EventRow): ProgressEvent => ({
  id: String(e.seq),
  operationId: e.operationId,
  stepKey: e.stepKey,
  level: e.level,
  message: e.message,
  createdAt: e.createdAt.toISOString(),
});

/**
 * The environment if the actor may see it (admins: all; others: their teams'), else not found, so
 * a stranger cannot tell a hidden environment from a missing one.
 */
export async function getVisibleEnvironmentStatus(db: PrismaClient, actor: Actor, id: string): Promise<{ id: string; status: StatusName }> {
  if (!UUID.test(id)) throw notFound();
  const env = await db.environment.findFirst({ where: { id, ...visibleEnvironmentsWhere(actor) }, select: { id: true, status: true } });
  if (!env) throw notFound();
  return env;
}

type KnownEnvironment = {
  id: string;
  status: StatusName;
  airflowUrl: string | null;
  health: string | null;
  healthCheckedAt: Date | null;
  latestOperation: { id: string } | null;
};

/**
 * The environment's state, its latest operation with every planned step, and that operation's last
 * events. A page that has just read the environment for this actor passes it as `known`, which
 * saves reading it again and lets the operation and its events be read side by side.
 */
export async function getProgress(
  db: PrismaClient,
  actor: Actor,
  id: string,
  known?: KnownEnvironment,
  /** At most this many of the operation's last events (never more than the snapshot's usual 200); `partial` says when more exist. */
  options: { events?: number } = {},
): Promise<ProgressSnapshot> {
  const take = Math.min(options.events ?? SNAPSHOT_EVENTS, SNAPSHOT_EVENTS);
  // One more than wanted tells whether the snapshot leaves some out.
  const read = take < SNAPSHOT_EVENTS ? take + 1 : take;
  if (!UUID.test(id)) throw notFound();
  const env =
    known && known.id === id
      ? known
      : await db.environment.findFirst({
          where: { id, ...visibleEnvironmentsWhere(actor) },
          select: { id: true, status: true, airflowUrl: true, health: true, healthCheckedAt: true },
        });
  if (!env) throw notFound();
  const latestId = known?.id === id ? (known.latestOperation?.id ?? null) : undefined;
  const [operation, last, knownEvents] = await Promise.all([
    db.operation.findFirst({
      where: { environmentId: id, ...RUN_OPERATIONS },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      include: { steps: true },
    }),
    db.operationEvent.findFirst({ where: { operation: { environmentId: id }, seq: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true } }),
    latestId ? db.operationEvent.findMany({ where: { operationId: latestId, seq: { not: null } }, orderBy: { seq: "desc" }, take: read }) : null,
  ]);
  // An operation started since the page read the environment: its own events, not the one before's.
  const rows = !operation
    ? []
    : knownEvents && operation.id === latestId
      ? knownEvents
      : await db.operationEvent.findMany({ where: { operationId: operation.id, seq: { not: null } }, orderBy: { seq: "desc" }, take: read });
  const events = rows.slice(0, take);

  return {
    environment: { id: env.id, status: env.status, airflowUrl: env.airflowUrl, health: env.health, healthCheckedAt: iso(env.healthCheckedAt) },
    operation: operation && {
      id: operation.id,
      kind: operation.kind,
      // RUN_OPERATIONS leaves the decision-only statuses out of the query.
      status: operation.status as OperationStatusName,
      error: operation.error,
      attempt: operation.attempt,
      createdAt: operation.createdAt.toISOString(),
      startedAt: iso(operation.startedAt),
      finishedAt: iso(operation.finishedAt),
      steps: orderSteps(operation.kind, operation.steps),
    },
    events: events.reverse().map(toProgressEvent),
    lastEventId: last?.seq != null ? last.seq.toString() : null,
    ...(rows.length > take ? { partial: true } : {}),
  };
}

type StepRow = { key: string; status: StepProgress["status"]; attempts: number; startedAt: Date | null; finishedAt: Date | null; error: string | null };

/** Planned steps first, in the plan's order (rows the worker has not written yet read as PENDING), then any step the plan no longer names. */
export function orderSteps(kind: OperationKindName, rows: readonly StepRow[]): StepProgress[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const plan = PLANS[kind] ? planFor(kind) : [];
  const planned = plan.map((p) => byKey.get(p.key) ?? { key: p.key, status: "PENDING" as const, attempts: 0, startedAt: null, finishedAt: null, error: null });
  const extra = rows.filter((r) => !plan.some((p) => p.key === r.key));
  return [...planned, ...extra].map((r) => ({
    key: r.key,
    label: stepLabel(kind, r.key),
    status: r.status,
    attempts: r.attempts,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    error: r.error,
  }));
}

/**
 * The environment's operation events after `afterSeq` in commit order, oldest first. Callers check
 * visibility first. Reading by commit order (not by id, drawn at insert) means an event whose
 * transaction committed after a later-inserted one is still read after the cursor has passed it.
 */
export async function listEventsAfter(db: PrismaClient, environmentId: string, afterSeq: bigint, take = STREAM_BATCH): Promise<ProgressEvent[]> {
  const rows = await db.operationEvent.findMany({
    where: { seq: { gt: afterSeq }, operation: { environmentId } },
    orderBy: { seq: "asc" },
    take,
  });
  return rows.map(toProgressEvent);
}
