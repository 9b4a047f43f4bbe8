import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { canDecideRequests, canSeeTeam, type Actor } from "@/lib/authz";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { AirflowReleaseSettings } from "@/lib/helm/airflow-values";
import { readDeployed, taskLogsInBlob, type Deployed } from "@/lib/provisioning/deployed";
import { enqueueOperation } from "@/lib/provisioning/queue";
import { anotherOperationRunning, withActiveOperationGuard } from "../active-operation";
import { reasonSchema } from "../decide-request";
import { OWN_CHANGE_MESSAGE } from "../four-eyes";
import type { Catalog } from "../catalog";
import { deriveNames } from "../naming";
import { DAG_SOURCE_NEEDS_REPOSITORY, dagBranchField, dagRepoUrlField, dagSubPathField, expiryField, isoDate } from "../request-schema";
import { releaseSpecOf, releaseSpecSelect } from "../release-spec";
import { transitionEnvironment } from "../transition";
import { restoreOption, type RestorePlan } from "./restore";
import { powerWhatIf, teardownWhatIf } from "./release-unchanged-what-if";
import { ChangeTargetSchema, computeWhatIf, readWhatIf, type ChangeTarget, type WhatIf } from "./what-if";

const id = z.string().uuid("That environment does not exist.");

/**
 * A form's text for what a change may set: not sent keeps what is there, sent empty removes it,
 * anything else is checked as a new environment's request checks it.
 */
const changedText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), schema.nullable().optional());

/** The Airflow version may be left out: the environment keeps the one it runs; so may the DAG source and expiry. */
function changeFields(catalog: Catalog, now: Date) {
  return z.object({
    id,
    executor: ChangeTargetSchema.shape.executor,
    size: ChangeTargetSchema.shape.size,
    airflowVersion: ChangeTargetSchema.shape.airflowVersion.optional(),
    dagRepoUrl: changedText(dagRepoUrlField(catalog)),
    dagBranch: changedText(dagBranchField),
    dagSubPath: changedText(dagSubPathField),
    expiresOn: changedText(expiryField(now)),
  });
}

type ChangeFields = z.infer<ReturnType<typeof changeFields>>;

function needsRepository(value: ChangeFields, ctx: z.RefinementCtx) {
  if (!value.dagRepoUrl && (value.dagBranch || value.dagSubPath)) ctx.addIssue({ code: "custom", path: ["dagRepoUrl"], message: DAG_SOURCE_NEEDS_REPOSITORY });
}

/** The fields of the change page's choice (in its address), checked against the platform's catalog. */
export const makeChangePreviewSchema = (catalog: Catalog, now = new Date()) => changeFields(catalog, now).superRefine(needsRepository);

export const makeChangeRequestSchema = (catalog: Catalog, now = new Date()) =>
  changeFields(catalog, now).extend({ reason: reasonSchema("Say why the change is needed.") }).superRefine(needsRepository);
export type ChangeRequestInput = z.infer<ReturnType<typeof makeChangeRequestSchema>>;

/** What the fields ask for; what was not sent stays as it is. */
function targetOf(input: ChangeFields, current: { airflowVersion: string }): ChangeTarget {
  return {
    executor: input.executor,
    size: input.size,
    airflowVersion: input.airflowVersion ?? current.airflowVersion,
    ...(input.dagRepoUrl !== undefined
      ? { dagSource: input.dagRepoUrl ? { repoUrl: input.dagRepoUrl, branch: input.dagBranch ?? "main", subPath: input.dagSubPath ?? null } : null }
      : {}),
    ...(input.expiresOn !== undefined ? { expiresOn: input.expiresOn } : {}),
  };
}

export const PowerRequestSchema = z.object({
  id,
  action: z.enum(["stop", "start"], { error: "Choose to stop or to start the environment." }),
  reason: reasonSchema("Say why."),
});
export type PowerRequestInput = z.infer<typeof PowerRequestSchema>;

export const ChangeDecisionSchema = z.object({
  id,
  operationId: z.string().uuid("That change does not exist."),
  reason: reasonSchema().optional(),
});
export const ChangeRejectionSchema = ChangeDecisionSchema.extend({ reason: reasonSchema("Say why the change is rejected.") });

async function loadForChange(db: PrismaClient | Prisma.TransactionClient, actor: Actor, environmentId: string) {
  const env = await db.environment.findUnique({
    where: { id: environmentId },
    select: { ...releaseSpecSelect, id: true, teamId: true, status: true, deployed: true, expiresAt: true },
  });
  // Someone outside the team learns nothing, not even that the environment exists.
  if (!env || !canSeeTeam(actor, env.teamId)) throw notFound();
  return env;
}

/** The what-if of a change to `environmentId`, for the page before the change is asked for. Nothing is written. */
export async function previewChange(db: PrismaClient, actor: Actor, input: ChangeFields, settings: AirflowReleaseSettings): Promise<WhatIf> {
  const env = await loadForChange(db, actor, input.id);
  return whatIfFor(env, targetOf(input, env), settings);
}

function whatIfFor(env: Awaited<ReturnType<typeof loadForChange>>, target: ChangeTarget, settings: AirflowReleaseSettings, reapply = false): Promise<WhatIf> {
  const deployed = readDeployed(env.deployed);
  return computeWhatIf({
    // As applied: with the managed identity's client id and the task logs' place, when the environment has them.
    spec: { ...releaseSpecOf(env), workloadIdentity: deployed?.identity ? { clientId: deployed.identity.clientId } : null, taskLogs: taskLogsOf(deployed) },
    appliedValues: deployed?.helmValues ?? null,
    target,
    expiresOn: env.expiresAt ? isoDate(env.expiresAt) : null,
    settings,
    signal: AbortSignal.timeout(15_000),
    reapply,
  });
}

const taskLogsOf = (deployed: Deployed | null) =>
  deployed?.taskLogs ? { blobEndpoint: deployed.taskLogs.blobEndpoint, container: deployed.taskLogs.container, tenantId: deployed.taskLogs.tenantId } : null;

export type ChangeOutcome = { name: string; operationId: string; applied: boolean };

type Day2Kind = "UPDATE" | "STOP" | "START" | "TEARDOWN" | "RESTORE";
type Day2From = "READY" | "STOPPED" | "FAILED";

/** The statuses each kind of day-2 operation starts from, where it goes, and what it is called in messages. */
const DAY2: Record<Day2Kind, { from: readonly Day2From[]; to: "UPDATING" | "DELETING"; noun: string; verb: string }> = {
  UPDATE: { from: ["READY"], to: "UPDATING", noun: "change", verb: "changed" },
  STOP: { from: ["READY"], to: "UPDATING", noun: "stop", verb: "stopped" },
  START: { from: ["STOPPED"], to: "UPDATING", noun: "start", verb: "started" },
  TEARDOWN: { from: ["READY", "STOPPED", "FAILED"], to: "DELETING", noun: "teardown", verb: "torn down" },
  RESTORE: { from: ["FAILED"], to: "UPDATING", noun: "restore", verb: "restored" },
};

const fromText = (from: readonly Day2From[]) => from.map((f) => f.toLowerCase()).join(" or ");

/**
 * A team asks for a change to its running environment: the what-if is computed now, by the code
 * the worker applies it with, and stored with the change, which waits for an admin (PENDING_APPROVAL
 * holds the environment, so a second change is refused until this one is decided). An admin's own
 * change is applied at once: admins may act directly; the audit trail says it was theirs.
 */
export async function requestChange(db: PrismaClient, actor: Actor, input: ChangeRequestInput, settings: AirflowReleaseSettings): Promise<ChangeOutcome> {
  const env = await loadForAsking(db, actor, input.id, "UPDATE");
  const whatIf = await whatIfFor(env, targetOf(input, env), settings);
  if (whatIf.refusals.length > 0) throw new AppError("INVALID", whatIf.refusals.join(" "));
  // Stored whole (the DAG source and expiry resolved), so the worker applies exactly what was shown.
  return ask(db, actor, env, { kind: "UPDATE", params: whatIf.to, whatIf, reason: input.reason });
}

/** A team asks to stop (hibernate) its environment, or to start it again; decided like a change. */
export async function requestPowerChange(db: PrismaClient, actor: Actor, input: PowerRequestInput): Promise<ChangeOutcome> {
  const kind = input.action === "stop" ? "STOP" : "START";
  const env = await loadForAsking(db, actor, input.id, kind);
  return ask(db, actor, env, { kind, params: null, whatIf: powerWhatIf({ ...env, taskLogs: taskLogsInBlob(readDeployed(env.deployed)) }, input.action), reason: input.reason });
}

export const TeardownRequestSchema = z.object({
  id,
  confirmName: z.string({ error: "Type the environment's name to confirm." }).trim().min(1, "Type the environment's name to confirm."),
  reason: reasonSchema("Say why it can go."),
});
export type TeardownRequestInput = z.infer<typeof TeardownRequestSchema>;

/**
 * A team asks for its environment to be torn down, with its name typed back and a reason; an admin
 * approves it like a change (admins tear down directly from the page's Manage section).
 */
export async function requestTeardown(db: PrismaClient, actor: Actor, input: TeardownRequestInput): Promise<ChangeOutcome> {
  const env = await loadForAsking(db, actor, input.id, "TEARDOWN");
  if (input.confirmName.trim() !== env.name) {
    throw new AppError("INVALID", "The name you typed does not match. Nothing was asked for.", { fieldErrors: { confirmName: [`Type ${env.name} exactly to confirm.`] } });
  }
  return ask(db, actor, env, { kind: "TEARDOWN", params: null, whatIf: teardownWhatIf({ ...env, names: deriveNames(env.name, env.nameSuffix), taskLogs: taskLogsInBlob(readDeployed(env.deployed)) }), reason: input.reason });
}

async function loadForAsking(db: PrismaClient, actor: Actor, id: string, kind: Day2Kind) {
  const env = await loadForChange(db, actor, id);
  if (!actor.isAdmin && !actor.teamIds.includes(env.teamId)) throw forbidden(`Only the environment's team can ask for a ${DAY2[kind].noun}.`);
  if (!(DAY2[kind].from as readonly string[]).includes(env.status)) {
    throw new AppError("CONFLICT", `${env.name} can only be ${DAY2[kind].verb} while it is ${fromText(DAY2[kind].from)}; it is ${env.status.toLowerCase().replace(/_/g, " ")}.`);
  }
  return env;
}

async function ask(
  db: PrismaClient,
  actor: Actor,
  env: { id: string; name: string },
  op: { kind: Day2Kind; params: ChangeTarget | RestorePlan | null; whatIf: WhatIf; reason: string },
): Promise<ChangeOutcome> {
  const reason = op.reason.trim();
  const direct = canDecideRequests(actor);
  const { from, noun } = DAY2[op.kind];
  return withActiveOperationGuard(() =>
    db.$transaction(async (tx) => {
      // The row lock orders this with teardowns and other changes; the status is checked under it.
      const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM environments WHERE id = ${env.id}::uuid FOR UPDATE`;
      if (!row || !(from as readonly string[]).includes(row.status)) throw new AppError("CONFLICT", `${env.name} is no longer ${fromText(from)}; nothing was asked for.`);
      const active = await tx.operation.findFirst({ where: { environmentId: env.id, status: { in: ["PENDING_APPROVAL", "QUEUED", "RUNNING"] } }, select: { status: true } });
      if (active?.status === "PENDING_APPROVAL") throw new AppError("CONFLICT", "Another change to this environment is waiting for approval. It must be decided first.");
      if (active) throw anotherOperationRunning();
      const operation = await tx.operation.create({
        data: {
          environmentId: env.id,
          kind: op.kind,
          status: direct ? "QUEUED" : "PENDING_APPROVAL",
          requestedById: actor.id,
          reason,
          ...(op.params ? { params: op.params } : {}),
          whatIf: op.whatIf as unknown as Prisma.InputJsonValue,
          ...(direct ? { decidedById: actor.id, decidedAt: new Date() } : {}),
        },
      });
      await recordAudit(tx, {
        environmentId: env.id,
        actorId: actor.id,
        action: "environment.change-requested",
        reason,
        details: { operationId: operation.id, kind: op.kind, from: op.whatIf.from, to: op.whatIf.to, direct },
      });
      if (direct) await startChange(tx, env.id, { id: operation.id, kind: op.kind }, actor.id, `Applied directly by an admin (${noun})`);
      return { name: env.name, operationId: operation.id, applied: direct };
    }),
  );
}

/** The environment goes UPDATING and the worker gets the operation, in the deciding transaction. */
async function startChange(tx: Prisma.TransactionClient, environmentId: string, op: { id: string; kind: Day2Kind }, actorId: string, reason: string | null) {
  const { from, to, noun } = DAY2[op.kind];
  await transitionEnvironment(tx, {
    environmentId,
    from,
    to,
    action: op.kind === "TEARDOWN" ? "environment.teardown-requested" : "environment.change-approved",
    actorId,
    reason,
    details: { operationId: op.id, kind: op.kind },
    conflictMessage: () => `The environment is no longer ${fromText(from)}, so the ${noun} cannot start. Reject it instead.`,
  });
  await enqueueOperation(tx, op.id);
}

async function pendingChange(tx: Prisma.TransactionClient, environmentId: string, operationId: string) {
  const [op] = await tx.$queryRaw<{ status: string; kind: Day2Kind; requested_by_id: string | null; environment_id: string }[]>`
    SELECT status, kind::text AS kind, requested_by_id::text, environment_id::text FROM operations WHERE id = ${operationId}::uuid FOR UPDATE`;
  if (!op || op.environment_id !== environmentId) throw notFound("change");
  if (op.status !== "PENDING_APPROVAL") throw new AppError("CONFLICT", "That change was already decided.");
  return op;
}

/** An admin approves a team's change; four eyes: never one they asked for themselves. */
export async function approveChange(db: PrismaClient, actor: Actor, input: z.infer<typeof ChangeDecisionSchema>): Promise<{ operationId: string; kind: Day2Kind }> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can approve changes.");
  return db.$transaction(async (tx) => {
    const op = await pendingChange(tx, input.id, input.operationId);
    if (op.requested_by_id === actor.id) throw forbidden(OWN_CHANGE_MESSAGE);
    const reason = input.reason?.trim() || null;
    await tx.operation.update({ where: { id: input.operationId }, data: { status: "QUEUED", decidedById: actor.id, decidedAt: new Date(), decisionReason: reason } });
    await startChange(tx, input.id, { id: input.operationId, kind: op.kind }, actor.id, reason);
    return { operationId: input.operationId, kind: op.kind };
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

export const ChangeWithdrawalSchema = z.object({ id, operationId: z.string().uuid("That change does not exist.") });

/**
 * The team takes back a change it asked for, before an admin decides: nothing is applied, and the
 * environment is free for another. Anyone in the environment's team may (it is the team's request).
 */
export async function withdrawChange(db: PrismaClient, actor: Actor, input: z.infer<typeof ChangeWithdrawalSchema>): Promise<{ operationId: string }> {
  const env = await db.environment.findUnique({ where: { id: input.id }, select: { teamId: true } });
  if (!env || !canSeeTeam(actor, env.teamId)) throw notFound();
  if (!actor.teamIds.includes(env.teamId)) throw forbidden("Only the environment's team can withdraw its change; an admin rejects it instead.");
  return db.$transaction(async (tx) => {
    await pendingChange(tx, input.id, input.operationId);
    await tx.operation.update({ where: { id: input.operationId }, data: { status: "CANCELLED", finishedAt: new Date(), decisionReason: "Withdrawn by the team." } });
    await recordAudit(tx, { environmentId: input.id, actorId: actor.id, action: "environment.change-withdrawn", details: { operationId: input.operationId } });
    return { operationId: input.operationId };
  });
}

export const ReapplySchema = z.object({ id, reason: reasonSchema("Say why it is applied again.") });

/**
 * An admin applies an environment's approved state again, after drift: a change to the same
 * executor, size and version, run at once (the state was approved when it was first applied).
 */
export async function reapplyEnvironment(db: PrismaClient, actor: Actor, input: z.infer<typeof ReapplySchema>, settings: AirflowReleaseSettings): Promise<ChangeOutcome> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can apply an environment's approved state again.");
  const env = await loadForAsking(db, actor, input.id, "UPDATE");
  const target: ChangeTarget = { executor: env.executor, size: env.size, airflowVersion: env.airflowVersion };
  const whatIf = await whatIfFor(env, target, settings, true);
  return ask(db, actor, env, { kind: "UPDATE", params: target, whatIf, reason: input.reason });
}

export const RestoreRequestSchema = z.object({ id, reason: reasonSchema("Say why the database is restored.") });

/**
 * An admin restores an environment whose upgrade failed: its database from the backup taken before
 * the upgrade, to a new server, and the chart from before (see ./restore.ts). Admins act directly;
 * the what-if is stored with the operation like a change's.
 */
export async function requestRestore(db: PrismaClient, actor: Actor, input: z.infer<typeof RestoreRequestSchema>): Promise<ChangeOutcome> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can restore an environment's database.");
  const env = await loadForAsking(db, actor, input.id, "RESTORE");
  const option = await restoreOption(db, env.id);
  if (!option) throw new AppError("CONFLICT", `${env.name} has no failed upgrade to restore from: its database was not migrated. Retry the operation instead.`);
  return ask(db, actor, env, { kind: "RESTORE", params: option.plan, whatIf: option.whatIf, reason: input.reason });
}
