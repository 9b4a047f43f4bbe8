import { z } from "zod";
import { DECEPTIVE_TEXT_MESSAGE, hasDeceptiveCharacters } from "@/lib/text-safety";
import { canDecideRequests, type Actor } from "@/lib/authz";
import { recordAudit } from "@/lib/audit";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { enqueueOperation } from "@/lib/provisioning/queue";
import { OWN_REQUEST_MESSAGE } from "./four-eyes";
import type { ReleaseCheck } from "./release-check";
import { releaseSpecOf, releaseSpecSelect } from "./release-spec";
import { STATUS_DISPLAY } from "./status";
import { asPlanned } from "./changes/seed-adoption";

export const REASON_MAX = 500;

/** A reason an admin gives for a decision or a teardown; `required` names what to ask for when it is empty. */
export function reasonSchema(required?: string) {
  const text = z.string(required ? { error: required } : undefined).trim();
  return (required ? text.min(1, required) : text)
    .max(REASON_MAX, `Keep the reason under ${REASON_MAX} characters.`)
    .refine((v) => !hasDeceptiveCharacters(v), DECEPTIVE_TEXT_MESSAGE);
}

export const DecisionSchema = z.object({
  id: z.string().uuid("That request does not exist."),
  reason: reasonSchema().optional(),
});

export const RejectionSchema = DecisionSchema.extend({
  reason: reasonSchema("Give the requester a reason."),
});

type Decision = { approve: true; reason?: string; checkRelease?: ReleaseCheck } | { approve: false; reason: string };

/**
 * Approves or rejects a pending request. The status check and the change are one conditional
 * update, so two admins deciding at once cannot both succeed. No one approves their own request
 * (four eyes); rejecting it is allowed, as withdrawing is. Approval writes the provisioning
 * operation and enqueues its job in the same transaction: an approval that commits is never lost.
 * With `checkRelease`, the chart renders the request's values before the decision is written.
 */
async function decideRequest(db: PrismaClient, actor: Actor, id: string, decision: Decision): Promise<{ name: string }> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can approve or reject requests.");
  const toStatus = decision.approve ? "APPROVED" : "REJECTED";
  const reason = decision.reason?.trim() || null;
  if (decision.approve && decision.checkRelease) {
    const pending = await db.environment.findFirst({
      where: { id, status: "PENDING_APPROVAL", requestedById: { not: actor.id } },
      select: releaseSpecSelect,
    });
    // Anything else (decided meanwhile, one's own request, gone) is answered by the update below.
    if (pending) await decision.checkRelease(asPlanned(releaseSpecOf(pending)));
  }

  return db.$transaction(async (tx) => {
    const { count } = await tx.environment.updateMany({
      // Four eyes: an approval by the requester matches no row, whatever the form sent.
      where: { id, status: "PENDING_APPROVAL", ...(decision.approve ? { requestedById: { not: actor.id } } : {}) },
      data: { status: toStatus, decidedById: actor.id, decidedAt: new Date(), decisionReason: reason },
    });
    if (count === 0) {
      const current = await tx.environment.findUnique({ where: { id }, select: { status: true, requestedById: true } });
      if (!current) throw notFound("request");
      if (decision.approve && current.status === "PENDING_APPROVAL" && current.requestedById === actor.id) {
        throw forbidden(OWN_REQUEST_MESSAGE);
      }
      throw new AppError(
        "CONFLICT",
        `This request was already decided: it is ${STATUS_DISPLAY[current.status].label.toLowerCase()}.`,
      );
    }
    await recordAudit(tx, {
      environmentId: id,
      actorId: actor.id,
      action: decision.approve ? "environment.approved" : "environment.rejected",
      fromStatus: "PENDING_APPROVAL",
      toStatus,
      reason,
    });
    if (decision.approve) {
      const operation = await tx.operation.create({ data: { environmentId: id, kind: "PROVISION", requestedById: actor.id } });
      await enqueueOperation(tx, operation.id);
    }
    return tx.environment.findUniqueOrThrow({ where: { id }, select: { name: true } });
  });
}

export function approveRequest(db: PrismaClient, actor: Actor, id: string, reason?: string, checkRelease?: ReleaseCheck) {
  return decideRequest(db, actor, id, { approve: true, reason, checkRelease });
}

export function rejectRequest(db: PrismaClient, actor: Actor, id: string, reason: string) {
  return decideRequest(db, actor, id, { approve: false, reason });
}
