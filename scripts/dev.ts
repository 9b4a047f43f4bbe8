/**
 * `npm run dev`: the whole portal on one machine with nothing else to install — the embedded
 * database (PGlite over the Postgres protocol, data under .data/), the emulated Azure and Entra ID,
 * and Next.js in development mode on http://localhost:3000.
 *
 * DATABASE_URL switches to a real PostgreSQL; PORT and EMULATOR_PORT move the ports.
 */
import path from "node:path";
import { applyMigrations } from "@/lib/db/migrate";
import { createPrismaClient } from "@/lib/db/create-client";
import { readTeamsFile, upsertTeams } from "@/lib/teams/upsert-teams";
import { startPglite } from "./support/pglite";
import { ROOT, sessionSecretFor, startEmulatorProcess, startPortal } from "./support/stack";

const dataDir = path.join(ROOT, ".data");
const port = Number(process.env.PORT ?? 3000);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8443);
const stoppers: (() => Promise<void>)[] = [];

async function shutdown(code: number) {
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pglite = await startPglite({ dataDir: path.join(dataDir, "pglite") });
    stoppers.push(pglite.stop);
    databaseUrl = pglite.url;
    console.log(`[dev] embedded PostgreSQL (PGlite) at ${databaseUrl}`);
  }
  await applyMigrations(databaseUrl, { log: (m) => console.log(`[dev] ${m}`) });

  const emulator = await startEmulatorProcess({ dataDir: path.join(dataDir, "emulator"), port: emulatorPort });
  stoppers.push(emulator.stop);

  const usesEntra = Boolean(process.env.ENTRA_TENANT_ID);
  const teamsFile = process.env.PORTAL_TEAMS_FILE ?? (usesEntra ? undefined : path.join(ROOT, "scripts/teams.emulator.json"));
  if (teamsFile) {
    const prisma = createPrismaClient(databaseUrl);
    await upsertTeams(prisma, readTeamsFile(teamsFile));
    await prisma.$disconnect();
  }

  const portal = await startPortal({
    mode: "dev",
    port,
    databaseUrl,
    sessionSecret: process.env.SESSION_SECRET ?? sessionSecretFor(dataDir),
    emulator,
  });
  stoppers.push(portal.stop);
  console.log(`
  Airflow portal:  ${portal.url}
  Emulator:        ${emulator.url}  (test CA: ${emulator.caCertPath})
  Sign in as admin / admin-pass, ana / ana-pass or milo / milo-pass. Stop with Ctrl+C.
`);
}

main().catch(async (error) => {
  console.error("[dev]", error instanceof Error ? error.message : error);
  await shutdown(1);
});
