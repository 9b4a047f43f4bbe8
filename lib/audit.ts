import type { EnvironmentStatus, Prisma } from "@/lib/generated/prisma/client";

export type AuditAction =
  | "environment.requested"
  | "environment.approved"
  | "environment.rejected"
  | "environment.withdrawn"
  | "environment.provisioning"
  | "environment.ready"
  | "environment.failed"
  | "environment.retried"
  | "environment.teardown-requested"
  | "environment.change-requested"
  | "environment.change-approved"
  | "environment.change-rejected"
  | "environment.change-cancelled"
  | "environment.change-withdrawn"
  | "environment.updated"
  | "environment.restored"
  | "environment.stopped"
  | "environment.started"
  | "environment.restopping"
  | "environment.hibernation-scheduled"
  | "environment.hibernation-cleared"
  | "environment.deleted";

export type UserAuditAction = "user.sessions-revoked";

/**
 * Written in the same transaction as the change it records, so the trail never misses one.
 * `actorId` is null for what the portal did by itself (a worker, the expiry schedule).
 */
export async function recordAudit(
  tx: Prisma.TransactionClient,
  event: {
    environmentId: string;
    actorId: string | null;
    action: AuditAction;
    fromStatus?: EnvironmentStatus | null;
    toStatus?: EnvironmentStatus | null;
    reason?: string | null;
    details?: Prisma.InputJsonValue;
  },
): Promise<void> {
  await tx.auditEvent.create({ data: event });
}

/** For what concerns a person rather than an environment (an admin ending someone's sessions). */
export async function recordUserAudit(
  tx: Prisma.TransactionClient,
  event: { actorId: string; action: UserAuditAction; reason?: string | null; details?: Prisma.InputJsonValue },
): Promise<void> {
  await tx.auditEvent.create({ data: { environmentId: null, ...event } });
}
