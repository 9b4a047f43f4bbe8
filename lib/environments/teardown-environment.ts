import { z } from "zod";
import { canDecideRequests, type Actor } from "@/lib/authz";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { EnvironmentStatus, PrismaClient } from "@/lib/generated/prisma/client";
import { enqueueOperation } from "@/lib/provisioning/queue";
import { ACTIVE_OPERATION_STATUSES, anotherOperationRunning, withActiveOperationGuard } from "./active-operation";
import { reasonSchema } from "./decide-request";
import { STATUS_DISPLAY } from "./status";
import { cancelPendingChanges } from "./changes/pending";
import { transitionEnvironment } from "./transition";

export const TeardownSchema = z.object({
  id: z.string().uuid("That environment does not exist."),
  confirmName: z.string({ error: "Type the environment's name to confirm." }).trim().min(1, "Type the environment's name to confirm."),
  reason: reasonSchema().optional(),
});
export type TeardownInput = z.infer<typeof TeardownSchema>;

/** Where an environment has something to delete and nothing else is working on it. */
const TEARDOWN_FROM: readonly EnvironmentStatus[] = ["READY", "FAILED", "STOPPED"];
/** Where it may be mid-build: allowed only once no operation is queued or running. */
const TEARDOWN_FROM_IF_IDLE: readonly EnvironmentStatus[] = ["APPROVED", "PROVISIONING"];

export type TeardownOutcome = { name: string; outcome: "requested" | "already-deleting" | "already-deleted" };

/**
 * Starts tearing an environment down: DELETING, its audit event, a TEARDOWN operation and its job,
 * all in one transaction. Admins only, and only with the environment's name typed back, so a
 * slip of the mouse deletes nothing. Asking again for one already going or gone changes nothing.
 */
export async function tearDownEnvironment(db: PrismaClient, actor: Actor, input: TeardownInput): Promise<TeardownOutcome> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can tear environments down.");
  const env = await db.environment.findUnique({ where: { id: input.id }, select: { name: true } });
  if (!env) throw notFound();
  if (input.confirmName.trim() !== env.name) {
    throw new AppError("INVALID", "The name you typed does not match. Nothing was changed.", {
      fieldErrors: { confirmName: [`Type ${env.name} exactly to confirm.`] },
    });
  }
  const reason = input.reason?.trim() || null;

  return withActiveOperationGuard(() =>
    db.$transaction(async (tx) => {
      // Locks the row first, so two admins confirming at once cannot both start a teardown.
      const [row] = await tx.$queryRaw<{ status: EnvironmentStatus }[]>`
        SELECT status FROM environments WHERE id = ${input.id}::uuid FOR UPDATE`;
      if (!row) throw notFound();
      if (row.status === "DELETING") return { name: env.name, outcome: "already-deleting" as const };
      if (row.status === "DELETED") return { name: env.name, outcome: "already-deleted" as const };
      if (TEARDOWN_FROM_IF_IDLE.includes(row.status) || TEARDOWN_FROM.includes(row.status)) {
        // Mid-build, the worker may still be creating resources: deleting under it would race.
        const active = await tx.operation.count({ where: { environmentId: input.id, status: { in: [...ACTIVE_OPERATION_STATUSES] } } });
        if (active > 0) throw anotherOperationRunning();
      }
      await transitionEnvironment(tx, {
        environmentId: input.id,
        from: [...TEARDOWN_FROM, ...TEARDOWN_FROM_IF_IDLE],
        to: "DELETING",
        action: "environment.teardown-requested",
        actorId: actor.id,
        reason,
        conflictMessage: (current) =>
          `${env.name} cannot be torn down while it is ${STATUS_DISPLAY[current].label.toLowerCase()}.` +
          (current === "PENDING_APPROVAL" ? " Reject the request instead." : ""),
      });
      await cancelPendingChanges(tx, input.id, actor.id);
      const operation = await tx.operation.create({ data: { environmentId: input.id, kind: "TEARDOWN", requestedById: actor.id } });
      await enqueueOperation(tx, operation.id);
      return { name: env.name, outcome: "requested" as const };
    }),
  );
}
