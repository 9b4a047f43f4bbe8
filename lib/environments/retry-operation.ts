import { z } from "zod";
import { canDecideRequests, type Actor } from "@/lib/authz";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { EnvironmentStatus, OperationKind, PrismaClient } from "@/lib/generated/prisma/client";
import { enqueueOperation } from "@/lib/provisioning/queue";
import { numberEvents } from "@/lib/provisioning/store";
import { withActiveOperationGuard } from "./active-operation";
import { transitionEnvironment } from "./transition";

export const RetrySchema = z.object({ id: z.string().uuid("That environment does not exist.") });

/** The status an environment shows while each kind of operation runs again. */
const RUNNING_STATUS: Partial<Record<OperationKind, EnvironmentStatus>> = {
  PROVISION: "PROVISIONING",
  TEARDOWN: "DELETING",
  UPDATE: "UPDATING",
  STOP: "UPDATING",
  START: "UPDATING",
};

/**
 * Runs a failed environment's last operation again: the SAME operation goes back to the queue, so
 * its finished steps stay finished and the worker skips them (nothing is created twice); only the
 * steps that did not finish are reset. Admins only; one transaction with the audit event and the job.
 */
export async function retryEnvironment(db: PrismaClient, actor: Actor, id: string): Promise<{ name: string; operationId: string }> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can retry a failed environment.");
  return withActiveOperationGuard(() =>
    db.$transaction(async (tx) => {
      const env = await tx.environment.findUnique({ where: { id }, select: { name: true, status: true } });
      if (!env) throw notFound();
      const operation = await tx.operation.findFirst({
        where: { environmentId: id },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true, kind: true, status: true, attempt: true },
      });
      if (env.status !== "FAILED" || !operation || operation.status !== "FAILED") {
        throw new AppError("CONFLICT", `Only a failed environment can be retried; ${env.name} has nothing that failed to run again.`);
      }
      const to = RUNNING_STATUS[operation.kind];
      if (!to) throw new AppError("CONFLICT", `A failed ${operation.kind.toLowerCase()} cannot be retried from here.`);

      // The transition locks the environment row and re-checks FAILED: a second click loses here.
      await transitionEnvironment(tx, {
        environmentId: id,
        from: ["FAILED"],
        to,
        action: "environment.retried",
        actorId: actor.id,
        details: { operationId: operation.id, kind: operation.kind, attempt: operation.attempt + 1 },
        conflictMessage: () => `${env.name} is no longer failed: someone else has already retried it or torn it down.`,
      });
      await tx.operation.update({
        where: { id: operation.id },
        data: { status: "QUEUED", attempt: { increment: 1 }, error: null, finishedAt: null, workerId: null, heartbeatAt: null },
      });
      // A step still RUNNING in a failed operation was cut off by the failure: it did not finish either.
      const unfinished = await tx.operationStep.findMany({
        where: { operationId: operation.id, status: { in: ["FAILED", "RUNNING"] } },
        select: { key: true },
      });
      await tx.operationStep.updateMany({
        where: { operationId: operation.id, status: { in: ["FAILED", "RUNNING"] } },
        data: { status: "PENDING", error: null, startedAt: null, finishedAt: null },
      });
      // Status events, as the worker writes them, so a page following the stream sees the reset.
      await tx.operationEvent.createMany({
        data: [
          { operationId: operation.id, stepKey: null, level: "status", message: "QUEUED" },
          ...unfinished.map((s) => ({ operationId: operation.id, stepKey: s.key, level: "status", message: "PENDING" })),
        ],
      });
      await enqueueOperation(tx, operation.id);
      await numberEvents(tx);
      return { name: env.name, operationId: operation.id };
    }),
  );
}
