import { recordAudit } from "@/lib/audit";
import { powerWhatIf } from "@/lib/environments/changes/release-unchanged-what-if";
import { deriveNames, type DerivedNames } from "@/lib/environments/naming";
import { transitionEnvironment } from "@/lib/environments/transition";
import { AppError } from "@/lib/errors";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { describeSchedule, readHibernation, wantedState } from "@/lib/environments/hibernation-schedule";
import { readDeployed, taskLogsInBlob } from "./deployed";
import { enqueueOperation } from "./queue";

export const RESTARTED_BY_AZURE = "Azure started the stopped PostgreSQL server by itself (it does after 7 days); the portal stops the environment again.";

/**
 * Azure starts a stopped flexible server by itself after 7 days, and bills it from then on. For each
 * STOPPED environment not looked at for `intervalMs` (claimed by its check time, so workers share
 * the work), the server's state is read; one found running gets a STOP operation, as if its team had
 * asked again: the stop steps find the cluster already stopped and stop the server only. Returns the
 * names of the environments stopped again.
 */
export async function keepStoppedEnvironmentsStopped(
  db: PrismaClient,
  intervalMs: number,
  serverState: (names: DerivedNames) => Promise<string | undefined>,
): Promise<string[]> {
  const due = await db.$queryRaw<{ id: string; name: string; name_suffix: string; database_server: string | null }[]>`
    UPDATE environments SET power_checked_at = now()
     WHERE id IN (
       SELECT id FROM environments
        WHERE status = 'STOPPED'
          AND (power_checked_at IS NULL OR power_checked_at < now() - make_interval(secs => ${intervalMs / 1000}))
        ORDER BY power_checked_at NULLS FIRST LIMIT 50
          FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, name, name_suffix, database_server`;
  const stoppedAgain: string[] = [];
  for (const env of due) {
    const state = await serverState(deriveNames(env.name, env.name_suffix, env.database_server)).catch(() => undefined);
    if (!state || state === "Stopped" || state === "Stopping") continue;
    try {
      await db.$transaction((tx) => restop(tx, env.id));
      stoppedAgain.push(env.name);
    } catch (error) {
      // Someone started it meanwhile, or another operation holds it: nothing to do here.
      if (error instanceof AppError || (error as { code?: string }).code === "P2002") continue;
      throw error;
    }
  }
  return stoppedAgain;
}

async function restop(tx: Prisma.TransactionClient, environmentId: string) {
  const env = await tx.environment.findUniqueOrThrow({ where: { id: environmentId }, select: { executor: true, size: true, chartVersion: true, airflowVersion: true, deployed: true } });
  await transitionEnvironment(tx, { environmentId, from: ["STOPPED"], to: "UPDATING", action: "environment.restopping", actorId: null, reason: RESTARTED_BY_AZURE });
  const op = await tx.operation.create({
    data: { environmentId, kind: "STOP", reason: RESTARTED_BY_AZURE, whatIf: powerWhatIf({ ...env, taskLogs: taskLogsInBlob(readDeployed(env.deployed)) }, "stop") as unknown as Prisma.InputJsonValue },
  });
  await recordAudit(tx, { environmentId, actorId: null, action: "environment.change-approved", reason: RESTARTED_BY_AZURE, details: { operationId: op.id, kind: "STOP" } });
  await enqueueOperation(tx, op.id);
}

/**
 * Team hibernation schedules: an environment whose schedule now asks for another state than it
 * last asked for gets a STOP or START operation, without an admin (the team set the schedule; the
 * history says the schedule did it). A state reached otherwise is left alone until the schedule's
 * next change: a start by hand in the night holds until the next stop.
 */
export async function applyHibernationSchedules(db: PrismaClient, now = new Date()): Promise<string[]> {
  const rows = await db.environment.findMany({
    where: { hibernation: { not: Prisma.DbNull }, status: { in: ["READY", "STOPPED"] }, operations: { none: { status: { in: ["PENDING_APPROVAL", "QUEUED", "RUNNING"] } } } },
    select: { id: true, name: true, status: true, hibernation: true },
    take: 200,
  });
  const acted: string[] = [];
  for (const env of rows) {
    const stored = readHibernation(env.hibernation);
    if (!stored) continue;
    const wanted = wantedState(stored.schedule, now);
    if (wanted === stored.lastWanted) continue;
    const kind = wanted === "stopped" && env.status === "READY" ? "STOP" : wanted === "running" && env.status === "STOPPED" ? "START" : null;
    try {
      await db.$transaction(async (tx) => {
        // Only if nothing changed it meanwhile: the schedule's record is the lock.
        const { count } = await tx.environment.updateMany({
          where: { id: env.id, status: env.status, hibernation: { equals: env.hibernation as Prisma.InputJsonValue } },
          data: { hibernation: { ...stored, lastWanted: wanted } },
        });
        if (count === 0 || !kind) return;
        const reason = `Hibernation schedule: ${describeSchedule(stored.schedule)}`;
        await startScheduled(tx, env.id, kind, reason);
        acted.push(env.name);
      });
    } catch (error) {
      if (error instanceof AppError || (error as { code?: string }).code === "P2002") continue;
      throw error;
    }
  }
  return acted;
}

async function startScheduled(tx: Prisma.TransactionClient, environmentId: string, kind: "STOP" | "START", reason: string) {
  const env = await tx.environment.findUniqueOrThrow({ where: { id: environmentId }, select: { executor: true, size: true, chartVersion: true, airflowVersion: true, deployed: true } });
  await transitionEnvironment(tx, { environmentId, from: [kind === "STOP" ? "READY" : "STOPPED"], to: "UPDATING", action: "environment.change-approved", actorId: null, reason });
  const op = await tx.operation.create({
    data: { environmentId, kind, reason, whatIf: powerWhatIf({ ...env, taskLogs: taskLogsInBlob(readDeployed(env.deployed)) }, kind === "STOP" ? "stop" : "start") as unknown as Prisma.InputJsonValue },
  });
  await enqueueOperation(tx, op.id);
}
