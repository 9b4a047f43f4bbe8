/**
 * End-to-end tests in Chromium against the built portal: the embedded PostgreSQL server (a
 * temporary data folder), the emulator (sign-in
 * and cloud) and `next start`, each on a free loopback port, stopped by PID afterwards.
 * Requires a prior `next build` (npm test does it).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "@/lib/db/migrate";
import { createPrismaClient } from "@/lib/db/create-client";
import { readTeamsFile, upsertTeams } from "@/lib/teams/upsert-teams";
import { startEmbeddedPostgres } from "./support/embedded-postgres";
import { freePort } from "./support/ports";
import { PLATFORM_ADMINS_GROUP_ID } from "../emulator/src/cloud/groups";
import { emulatorAirflowAccessEnv, emulatorPlatformNetworkEnv, prepareEmulatedPlatform } from "./support/emulated-platform";
import { emulatorAzureEnv, portalReleaseEnv, ROOT, startEmulatorProcess, startPortal } from "./support/stack";

async function main(): Promise<number> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "portal-e2e-"));
  const stoppers: (() => Promise<void>)[] = [];
  try {
    const postgres = await startEmbeddedPostgres();
    stoppers.push(postgres.stop);
    await applyMigrations(postgres.url);
    const prisma = createPrismaClient(postgres.url);
    await upsertTeams(prisma, readTeamsFile(path.join(ROOT, "scripts/teams.emulator.json")));
    await prisma.$disconnect();

    // Fast, but slow enough for a person (and a test) to watch the steps advance on the page. No
    // worker runs by default: specs that play the worker's part need the database to themselves;
    // the journey spec starts a real one (e2e/support/worker.ts).
    const emulator = await startEmulatorProcess({
      dataDir: path.join(workDir, "emulator"),
      quiet: true,
      env: { ...process.env, EMULATOR_PROFILE: "fast", EMULATOR_LATENCIES: JSON.stringify({ managedCluster: 6_000, postgresServer: 1_000, helmRelease: 1_500 }) },
    });
    stoppers.push(emulator.stop);
    await prepareEmulatedPlatform(emulator);

    const portal = await startPortal({
      mode: "start",
      port: await freePort(),
      databaseUrl: postgres.url,
      sessionSecret: "e2e-session-secret-".padEnd(48, "x"),
      // Specs seed dozens of requests straight into the database (paging, many rows) for the same
      // people within minutes; the per-person limit itself is proven by lib/environments/rate-limit.int.test.ts.
      env: {
        ...process.env,
        PORTAL_REQUESTS_PER_HOUR: process.env.PORTAL_REQUESTS_PER_HOUR ?? "1000",
        // The release settings of the journey's worker (e2e/support/worker.ts): the values a page plans are those applied.
        ...portalReleaseEnv({ ...emulatorAzureEnv(emulator, PLATFORM_ADMINS_GROUP_ID), ...emulatorAirflowAccessEnv(emulator), ...emulatorPlatformNetworkEnv() }),
      },
      emulator,
      quiet: true,
    });
    stoppers.push(portal.stop);

    const args = [path.join(ROOT, "node_modules/@playwright/test/cli.js"), "test", ...process.argv.slice(2)];
    const child = spawn(process.execPath, args, {
      stdio: "inherit",
      env: { ...process.env, E2E_BASE_URL: portal.url, E2E_DATABASE_URL: postgres.url, E2E_EMULATOR_URL: emulator.url, E2E_EMULATOR_CA: emulator.caCertPath, E2E_INGRESS_PORT: String(emulator.ingressPort) },
    });
    return await new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch((e) => console.error(e));
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error("[e2e]", error);
    process.exit(1);
  },
);
