import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export const TeamsFileSchema = z.array(
  z.object({
    slug: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "slug: lowercase letters, digits and hyphens"),
    name: z.string().min(1).max(100),
    entraGroupId: z.string().uuid("entraGroupId: the Entra ID group's object id"),
  }),
);
export type TeamDefinition = z.infer<typeof TeamsFileSchema>[number];

/** Creates or renames teams; a team is identified by its slug. Never deletes one. */
export async function upsertTeams(db: PrismaClient, teams: TeamDefinition[]): Promise<void> {
  for (const team of teams) {
    await db.team.upsert({
      where: { slug: team.slug },
      create: team,
      update: { name: team.name, entraGroupId: team.entraGroupId },
    });
  }
}
