import { z } from "zod";
import { canSeeTeam, type Actor } from "@/lib/authz";
import { notFound } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { STATUS_DISPLAY } from "./status";
import { transitionEnvironment } from "./transition";

export const WithdrawSchema = z.object({ id: z.string().uuid("That request does not exist.") });

/**
 * Withdraws a request still waiting for approval: it becomes DELETED, its name free again. Any
 * member of the request's team may (they share its environments), and admins; nobody else learns
 * that it exists.
 */
export async function withdrawRequest(db: PrismaClient, actor: Actor, id: string): Promise<{ name: string }> {
  const env = await db.environment.findUnique({ where: { id }, select: { name: true, teamId: true } });
  if (!env || !canSeeTeam(actor, env.teamId)) throw notFound("request");
  await db.$transaction((tx) =>
    transitionEnvironment(tx, {
      environmentId: id,
      from: ["PENDING_APPROVAL"],
      to: "DELETED",
      action: "environment.withdrawn",
      actorId: actor.id,
      conflictMessage: (current) =>
        `Only a request still waiting for approval can be withdrawn; ${env.name} is ${STATUS_DISPLAY[current].label.toLowerCase()}.`,
    }),
  );
  return { name: env.name };
}
