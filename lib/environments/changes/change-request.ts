import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { canDecideRequests, canSeeTeam, type Actor } from "@/lib/authz";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { AirflowReleaseSettings } from "@/lib/helm/airflow-values";
import { readDeployed } from "@/lib/provisioning/deployed";
import { enqueueOperation } from "@/lib/provisioning/queue";
import { anotherOperationRunning, withActiveOperationGuard } from "../active-operation";
import { reasonSchema } from "../decide-request";
import { OWN_CHANGE_MESSAGE } from "../four-eyes";
import { releaseSpecOf, releaseSpecSelect } from "../release-spec";
import { transitionEnvironment } from "../transition";
import { ChangeTargetSchema, computeWhatIf, readWhatIf, type ChangeTarget, type WhatIf } from "./what-if";

const id = z.string().uuid("That environment does not exist.");

export const ChangeRequestSchema = ChangeTargetSchema.extend({
  id,
  reason: reasonSchema("Say why the change is needed."),
});
export type ChangeRequestInput = z.infer<typeof ChangeRequestSchema>;

export const ChangePreviewSchema = ChangeTargetSchema.extend({ id });

export const ChangeDecisionSchema = z.object({
  id,
  operationId: z.string().uuid("That change does not exist."),
  reason: reasonSchema().optional(),
});
export const ChangeRejectionSchema = ChangeDecisionSchema.extend({ reason: reasonSchema("Say why the change is rejected.") });

/** Where a change can be asked for: a running environment with nothing else going on. */
const CHANGE_FROM = ["READY"] as const;

async function loadForChange(db: PrismaClient | Prisma.TransactionClient, actor: Actor, environmentId: string) {
  const env = await db.environment.findUnique({
    where: { id: environmentId },
    select: { ...releaseSpecSelect, id: true, teamId: true, status: true, deployed: true },
  });
  // Someone outside the team learns nothing, not even that the environment exists.
  if (!env || !canSeeTeam(actor, env.teamId)) throw notFound();
  return env;
}

/** The what-if of a change to `environmentId`, for the page before the change is asked for. Nothing is written. */
export async function previewChange(db: PrismaClient, actor: Actor, input: z.infer<typeof ChangePreviewSchema>, settings: AirflowReleaseSettings): Promise<WhatIf> {
  const env = await loadForChange(db, actor, input.id);
  return whatIfFor(env, { executor: input.executor, size: input.size }, settings);
}

function whatIfFor(env: Awaited<ReturnType<typeof loadForChange>>, target: ChangeTarget, settings: AirflowReleaseSettings): Promise<WhatIf> {
  return computeWhatIf({
    spec: releaseSpecOf(env),
    appliedValues: readDeployed(env.deployed)?.helmValues ?? null,
    target,
    settings,
    signal: AbortSignal.timeout(15_000),
  });
}

export type ChangeOutcome = { name: string; operationId: string; applied: boolean };

/**
 * A team asks for a change to its running environment: the what-if is computed now, by the code
 * the worker applies it with, and stored with the change, which waits for an admin (PENDING_APPROVAL
 * holds the environment, so a second change is refused until this one is decided). An admin's own
 * change is applied at once: admins may act directly; the audit trail says it was theirs.
 */
export async function requestChange(db: PrismaClient, actor: Actor, input: ChangeRequestInput, settings: AirflowReleaseSettings): Promise<ChangeOutcome> {
  const env = await loadForChange(db, actor, input.id);
  if (!actor.isAdmin && !actor.teamIds.includes(env.teamId)) throw forbidden("Only the environment's team can ask for a change.");
  if (!(CHANGE_FROM as readonly string[]).includes(env.status)) {
    throw new AppError("CONFLICT", `${env.name} can only be changed while it is ready; it is ${env.status.toLowerCase().replace(/_/g, " ")}.`);
  }
  const target: ChangeTarget = { executor: input.executor, size: input.size };
  const whatIf = await whatIfFor(env, target, settings);
  if (whatIf.refusals.length > 0) throw new AppError("INVALID", whatIf.refusals.join(" "));
  const reason = input.reason.trim();
  const direct = canDecideRequests(actor);

  return withActiveOperationGuard(() =>
    db.$transaction(async (tx) => {
      // The row lock orders this with teardowns and other changes; the status is checked under it.
      const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM environments WHERE id = ${input.id}::uuid FOR UPDATE`;
      if (!row || row.status !== "READY") throw new AppError("CONFLICT", `${env.name} is no longer ready; nothing was asked for.`);
      const active = await tx.operation.findFirst({ where: { environmentId: input.id, status: { in: ["PENDING_APPROVAL", "QUEUED", "RUNNING"] } }, select: { status: true } });
      if (active?.status === "PENDING_APPROVAL") throw new AppError("CONFLICT", "Another change to this environment is waiting for approval. It must be decided (or withdrawn) first.");
      if (active) throw anotherOperationRunning();
      const operation = await tx.operation.create({
        data: {
          environmentId: input.id,
          kind: "UPDATE",
          status: direct ? "QUEUED" : "PENDING_APPROVAL",
          requestedById: actor.id,
          reason,
          params: target,
          whatIf: whatIf as unknown as Prisma.InputJsonValue,
          ...(direct ? { decidedById: actor.id, decidedAt: new Date() } : {}),
        },
      });
      await recordAudit(tx, {
        environmentId: input.id,
        actorId: actor.id,
        action: "environment.change-requested",
        reason,
        details: { operationId: operation.id, from: whatIf.from, to: whatIf.to, direct },
      });
      if (direct) await startChange(tx, input.id, operation.id, actor.id, "Applied directly by an admin");
      return { name: env.name, operationId: operation.id, applied: direct };
    }),
  );
}

/** The environment goes UPDATING and the worker gets the change, in the deciding transaction. */
async function startChange(tx: Prisma.TransactionClient, environmentId: string, operationId: string, actorId: string, reason: string | null) {
  await transitionEnvironment(tx, {
    environmentId,
    from: CHANGE_FROM,
    to: "UPDATING",
    action: "environment.change-approved",
    actorId,
    reason,
    details: { operationId },
    conflictMessage: () => "The environment is no longer ready, so the change cannot start. Reject it instead.",
  });
  await enqueueOperation(tx, operationId);
}

async function pendingChange(tx: Prisma.TransactionClient, environmentId: string, operationId: string) {
  const [op] = await tx.$queryRaw<{ status: string; requested_by_id: string | null; environment_id: string }[]>`
    SELECT status, requested_by_id::text, environment_id::text FROM operations WHERE id = ${operationId}::uuid FOR UPDATE`;
  if (!op || op.environment_id !== environmentId) throw notFound("change");
  if (op.status !== "PENDING_APPROVAL") throw new AppError("CONFLICT", "That change was already decided.");
  return op;
}

/** An admin approves a team's change; four eyes: never one they asked for themselves. */
export async function approveChange(db: PrismaClient, actor: Actor, input: z.infer<typeof ChangeDecisionSchema>): Promise<{ operationId: string }> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can approve changes.");
  return db.$transaction(async (tx) => {
    const op = await pendingChange(tx, input.id, input.operationId);
    if (op.requested_by_id === actor.id) throw forbidden(OWN_CHANGE_MESSAGE);
    const reason = input.reason?.trim() || null;
    await tx.operation.update({ where: { id: input.operationId }, data: { status: "QUEUED", decidedById: actor.id, decidedAt: new Date(), decisionReason: reason } });
    await startChange(tx, input.id, input.operationId, actor.id, reason);
    return { operationId: input.operationId };
  });
}

/** An admin rejects a change: nothing is applied, the reason is kept with it and in the trail. */
export async function rejectChange(db: PrismaClient, actor: Actor, input: z.infer<typeof ChangeRejectionSchema>): Promise<{ operationId: string }> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can reject changes.");
  return db.$transaction(async (tx) => {
    await pendingChange(tx, input.id, input.operationId);
    const reason = input.reason.trim();
    await tx.operation.update({ where: { id: input.operationId }, data: { status: "REJECTED", decidedById: actor.id, decidedAt: new Date(), decisionReason: reason, finishedAt: new Date() } });
    await recordAudit(tx, { environmentId: input.id, actorId: actor.id, action: "environment.change-rejected", reason, details: { operationId: input.operationId } });
    return { operationId: input.operationId };
  });
}

export { readWhatIf };
