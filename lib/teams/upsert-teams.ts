import { readFileSync } from "node:fs";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export const TeamsFileSchema = z
  .array(
    z.object({
      slug: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "slug: lowercase letters, digits and hyphens"),
      name: z.string().trim().min(1, "name: required").max(100, "name: at most 100 characters"),
      entraGroupId: z.string().uuid("entraGroupId: the Entra ID group's object id"),
    }),
  )
  .superRefine((teams, ctx) => {
    for (const key of ["slug", "entraGroupId"] as const) {
      const seen = new Set<string>();
      teams.forEach((team, i) => {
        if (seen.has(team[key])) ctx.addIssue({ code: "custom", path: [i, key], message: `${key}: ${team[key]} appears twice` });
        seen.add(team[key]);
      });
    }
  });
export type TeamDefinition = z.infer<typeof TeamsFileSchema>[number];

/** Reads a teams file (`[{"slug", "name", "entraGroupId"}]`), naming the file and the entry when it is wrong. */
export function readTeamsFile(file: string): TeamDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read the teams file ${file}: ${(error as Error).message}`);
  }
  const parsed = TeamsFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.length ? `[${i.path.join(".")}] ` : ""}${i.message}`);
    throw new Error(`The teams file ${file} is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/**
 * Creates or renames teams and maps them to their groups; a team is identified by its slug. Never
 * deletes one. All or nothing: a group that stays with a team the file does not list is refused.
 */
export async function upsertTeams(db: PrismaClient, teams: TeamDefinition[]): Promise<void> {
  await db.$transaction(async (tx) => {
    // Groups may move between the listed teams (even swap): free them all first, so the unique
    // group column never sees one group on two teams halfway through.
    const listed = await tx.team.findMany({ where: { slug: { in: teams.map((t) => t.slug) } }, select: { id: true } });
    for (const { id } of listed) await tx.team.update({ where: { id }, data: { entraGroupId: `moving:${id}` } });

    const holders = await tx.team.findMany({
      where: { entraGroupId: { in: teams.map((t) => t.entraGroupId) } },
      select: { slug: true, entraGroupId: true },
    });
    if (holders.length > 0) {
      const taken = holders.map((h) => `${h.entraGroupId} (team ${h.slug})`).join(", ");
      throw new Error(`These groups belong to teams the file does not list: ${taken}. List those teams too, with their new groups.`);
    }
    for (const team of teams) {
      await tx.team.upsert({
        where: { slug: team.slug },
        create: team,
        update: { name: team.name, entraGroupId: team.entraGroupId },
      });
    }
  });
}
