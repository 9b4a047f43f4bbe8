import type { EnvironmentStatus, Prisma } from "@/lib/generated/prisma/client";

export type AuditAction =
  | "environment.requested"
  | "environment.approved"
  | "environment.rejected";

/** Written in the same transaction as the change it records, so the trail never misses one. */
export async function recordAudit(
  tx: Prisma.TransactionClient,
  event: {
    environmentId: string;
    actorId: string;
    action: AuditAction;
    fromStatus?: EnvironmentStatus | null;
    toStatus?: EnvironmentStatus | null;
    reason?: string | null;
    details?: Prisma.InputJsonValue;
  },
): Promise<void> {
  await tx.auditEvent.create({ data: event });
}
