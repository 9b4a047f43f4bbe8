import { recordAudit, type AuditAction } from "@/lib/audit";
import { AppError, notFound } from "@/lib/errors";
import type { EnvironmentStatus, Prisma } from "@/lib/generated/prisma/client";
import { STATUS_DISPLAY } from "./status";

export interface Transition {
  environmentId: string;
  /** The states the change is allowed from; checked in the same statement that changes it. */
  from: readonly EnvironmentStatus[];
  to: EnvironmentStatus;
  action: AuditAction;
  actorId: string | null;
  reason?: string | null;
  details?: Prisma.InputJsonValue;
  /** Other columns to set with the status (the Airflow URL, what was deployed). */
  data?: Prisma.EnvironmentUpdateInput;
  /** What the person is told when the environment is no longer in a `from` state. */
  conflictMessage?: (current: EnvironmentStatus) => string;
}

/**
 * Changes an environment's status and writes its audit event, in the caller's transaction. The
 * row is locked first, so two concurrent changes cannot both pass the status check.
 */
export async function transitionEnvironment(tx: Prisma.TransactionClient, t: Transition): Promise<EnvironmentStatus> {
  // The row lock makes the check, the change and the audit's `fromStatus` one consistent step.
  const [row] = await tx.$queryRaw<{ status: EnvironmentStatus }[]>`
    SELECT status FROM environments WHERE id = ${t.environmentId}::uuid FOR UPDATE`;
  if (!row) throw notFound();
  if (!t.from.includes(row.status)) {
    throw new AppError(
      "CONFLICT",
      t.conflictMessage?.(row.status) ?? `That cannot be done now: the environment is ${STATUS_DISPLAY[row.status].label.toLowerCase()}.`,
    );
  }
  await tx.environment.update({ where: { id: t.environmentId }, data: { ...t.data, status: t.to } });
  await recordAudit(tx, {
    environmentId: t.environmentId,
    actorId: t.actorId,
    action: t.action,
    fromStatus: row.status,
    toStatus: t.to,
    reason: t.reason ?? null,
    details: t.details,
  });
  return row.status;
}
