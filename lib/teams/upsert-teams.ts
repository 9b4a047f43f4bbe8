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

/** Creates or renames teams; a team is identified by its slug. Never deletes one. */
export async function upsertTeams(db: PrismaClient, teams: TeamDefinition[]): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const team of teams) {
      await tx.team.upsert({
        where: { slug: team.slug },
        create: team,
        update: { name: team.name, entraGroupId: team.entraGroupId },
      });
    }
  });
}
