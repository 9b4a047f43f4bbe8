import { recordAudit } from "@/lib/audit";
import type { Prisma } from "@/lib/generated/prisma/client";

const TORN_DOWN = "The environment is being torn down.";

/**
 * A teardown (an admin's, or expiry's) ends any change still waiting: it would apply to nothing.
 * Called in the teardown's transaction, before the teardown's operation is created.
 */
export async function cancelPendingChanges(tx: Prisma.TransactionClient, environmentId: string, actorId: string | null): Promise<void> {
  const pending = await tx.operation.findMany({ where: { environmentId, status: "PENDING_APPROVAL" }, select: { id: true } });
  for (const op of pending) {
    await tx.operation.update({ where: { id: op.id }, data: { status: "CANCELLED", finishedAt: new Date(), decisionReason: TORN_DOWN } });
    await recordAudit(tx, { environmentId, actorId, action: "environment.change-cancelled", reason: TORN_DOWN, details: { operationId: op.id } });
  }
}

