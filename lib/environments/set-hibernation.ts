import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { canSeeTeam, type Actor } from "@/lib/authz";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { describeSchedule, HibernationScheduleSchema } from "./hibernation-schedule";

const id = z.string().uuid("That environment does not exist.");
export const ClearHibernationSchema = z.object({ id, clear: z.literal("1") });
export const ScheduleHibernationSchema = HibernationScheduleSchema.safeExtend({ id, clear: z.undefined().optional() });
export type SetHibernationInput = z.infer<typeof ClearHibernationSchema> | z.infer<typeof ScheduleHibernationSchema>;

/** Where a schedule may be set: an environment that runs or is stopped (or is on its way to one). */
const SCHEDULABLE = ["READY", "STOPPED", "UPDATING", "FAILED"] as const;

/**
 * The team sets (or clears) its environment's hibernation schedule. The worker then stops and starts
 * it on time, without an admin: stopping saves money and harms nobody else, and the team could ask
 * for each stop anyway. Audited either way.
 */
export async function setHibernation(db: PrismaClient, actor: Actor, given: SetHibernationInput): Promise<{ name: string; schedule: string | null }> {
  // Parsed here too, whoever calls: a schedule the worker cannot read must never be stored.
  const parsed = (given.clear ? ClearHibernationSchema : ScheduleHibernationSchema).safeParse(given);
  if (!parsed.success) {
    throw new AppError("INVALID", parsed.error.issues[0]?.message ?? "That schedule cannot be used.", {
      fieldErrors: z.flattenError(parsed.error as z.ZodError).fieldErrors as Record<string, string[]>,
    });
  }
  const input = parsed.data as SetHibernationInput;
  const env = await db.environment.findUnique({ where: { id: input.id }, select: { name: true, teamId: true, status: true } });
  if (!env || !canSeeTeam(actor, env.teamId)) throw notFound();
  if (!actor.isAdmin && !actor.teamIds.includes(env.teamId)) throw forbidden("Only the environment's team can schedule its hibernation.");
  if (!(SCHEDULABLE as readonly string[]).includes(env.status)) throw new AppError("CONFLICT", `${env.name} cannot be scheduled while it is ${env.status.toLowerCase().replace(/_/g, " ")}.`);
  return db.$transaction(async (tx) => {
    if (input.clear) {
      await tx.environment.update({ where: { id: input.id }, data: { hibernation: Prisma.DbNull } });
      await recordAudit(tx, { environmentId: input.id, actorId: actor.id, action: "environment.hibernation-cleared" });
      return { name: env.name, schedule: null };
    }
    const schedule = { timeZone: input.timeZone, stopAt: input.stopAt, startAt: input.startAt, weekends: input.weekends };
    // lastWanted null: the worker acts at once on what the schedule asks for now.
    await tx.environment.update({ where: { id: input.id }, data: { hibernation: { schedule, lastWanted: null } } });
    await recordAudit(tx, { environmentId: input.id, actorId: actor.id, action: "environment.hibernation-scheduled", reason: describeSchedule(schedule), details: schedule });
    return { name: env.name, schedule: describeSchedule(schedule) };
  });
}
