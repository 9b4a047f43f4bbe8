/**
 * `npm run teams:load -- teams.json`: creates or renames the portal's teams from a file of
 * `[{"slug", "name", "entraGroupId"}]` in the database at DATABASE_URL. Teams are never deleted
 * here: their environments and audit trail outlive a change of group.
 */
import path from "node:path";
import { createPrismaClient } from "../../lib/db/create-client";
import { readTeamsFile, upsertTeams } from "../../lib/teams/upsert-teams";

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  const file = process.argv[2] ?? process.env.PORTAL_TEAMS_FILE;
  if (!url || !file) {
    console.error("Usage: DATABASE_URL=postgresql://… npm run teams:load -- teams.json   (or PORTAL_TEAMS_FILE=teams.json)");
    return 1;
  }
  // npm runs scripts from the project folder; a relative path means the folder npm was called from.
  const teams = readTeamsFile(path.resolve(process.env.INIT_CWD ?? process.cwd(), file));
  const prisma = createPrismaClient(url);
  try {
    await upsertTeams(prisma, teams);
  } finally {
    await prisma.$disconnect();
  }
  for (const team of teams) console.log(`team ${team.slug} (${team.name}) = Entra group ${team.entraGroupId}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
