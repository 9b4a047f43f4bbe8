/**
 * `npm run bench`: what users feel, measured from outside on the production build. Starts the
 * embedded PostgreSQL (a temporary folder), the emulator (Azure's realistic latencies, scaled),
 * `next build` + `next start`, and provisioning workers; then measures time to a working Airflow,
 * a fleet approved at once, pages under load at growing numbers of environments (autocannon), the
 * JavaScript each route ships, memory, and one render of the Airflow chart. Writes bench/results/<date>-<commit>.{md,json} and
 * prints every target with ✓ or ✗. Not part of `npm test`; the full run takes many minutes.
 *
 * Settings (environment variables, defaults in brackets):
 *   BENCH_SIZES [1000,10000,100000]   environments to seed, cumulatively, one load round each
 *   BENCH_DURATION_S [30]             seconds of load per page; BENCH_WARMUP_S [3] before each
 *   BENCH_CONNECTIONS [20]            concurrent clients
 *   BENCH_LATENCY_SCALE [0.05]        the emulator's realistic profile scaled (0.05: a cluster in about 20 s)
 *   BENCH_READY_RUNS [3]              single environments provisioned one after the other
 *   BENCH_FLEET [50]                  environments approved at once, on two workers (0 skips)
 *   BENCH_SKIP_BUILD=1                reuse the existing .next build
 *   BENCH_SKIP=chart,provisioning,load,bundle  leave parts out
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { measureBundles } from "./bench/bundle";
import { chartsDir, measureChartRenders } from "./bench/chart";
import { measurePage, type PageTarget } from "./bench/load";
import { cpuMs, rssMb } from "./bench/proc";
import { criticalPathMs, emulatorState, provisionAtOnce, summariseRuns } from "./bench/provisioning";
import { writeReport, type BenchReport, type Target } from "./bench/report";
import { countEnvironments, cursorAt, seedEnvironments, seedLongHistory } from "./bench/seed";
import { startEmbeddedPostgres } from "./support/embedded-postgres";
import { freePort } from "./support/ports";
import { emulatorAzureEnv, ROOT, startEmulatorProcess, startPortal, startWorkerProcess, type WorkerHandle } from "./support/stack";
import { PLATFORM_ADMINS_GROUP_ID } from "../emulator/src/cloud/groups";
import { PORTAL_CLIENT_ID } from "../emulator/src/identity/portal-client";

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const settings = {
  sizes: (env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number).filter((n) => n > 0),
  seconds: num("BENCH_DURATION_S", 30),
  warmupSeconds: num("BENCH_WARMUP_S", 3),
  connections: num("BENCH_CONNECTIONS", 20),
  latencyScale: num("BENCH_LATENCY_SCALE", 0.05),
  readyRuns: num("BENCH_READY_RUNS", 3),
  fleet: num("BENCH_FLEET", 50),
  skip: new Set((env.BENCH_SKIP ?? "").split(",").filter(Boolean)),
};
const SESSION_SECRET = "bench-session-secret-".padEnd(48, "x");
const TEAMS = { platform: "6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e01", analytics: "6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02" };
const log = (message: string) => console.log(`[bench] ${message}`);

async function main(): Promise<void> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "portal-bench-"));
  const stoppers: (() => Promise<void>)[] = [];
  const workers: WorkerHandle[] = [];
  try {
    const postgres = await startEmbeddedPostgres();
    stoppers.push(postgres.stop);
    const databaseUrl = postgres.url;
    // The domain modules read their configuration once, on first use.
    Object.assign(env, { DATABASE_URL: databaseUrl, SESSION_SECRET });
    const { applyMigrations } = await import("@/lib/db/migrate");
    const { createPrismaClient } = await import("@/lib/db/create-client");
    const { readTeamsFile, upsertTeams } = await import("@/lib/teams/upsert-teams");
    const { createSession } = await import("@/lib/auth/sessions");
    const { resolveUser } = await import("@/lib/users/resolve-user");
    await applyMigrations(databaseUrl);
    const prisma = createPrismaClient(databaseUrl);
    stoppers.push(() => prisma.$disconnect());
    await upsertTeams(prisma, readTeamsFile(path.join(ROOT, "scripts/teams.emulator.json")));

    const emulator = await startEmulatorProcess({
      dataDir: path.join(workDir, "emulator"),
      quiet: true,
      env: { ...env, EMULATOR_PROFILE: "realistic", EMULATOR_LATENCY_SCALE: String(settings.latencyScale) },
    });
    stoppers.push(emulator.stop);
    Object.assign(env, { OIDC_AUTHORITY: `${emulator.url}/oidc`, OIDC_CLIENT_ID: PORTAL_CLIENT_ID });

    if (env.BENCH_SKIP_BUILD !== "1") {
      log("building the portal (next build)…");
      execFileSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], { cwd: ROOT, stdio: "ignore", env: { ...env, NEXT_TELEMETRY_DISABLED: "1" } });
    }
    const portal = await startPortal({ mode: "start", port: await freePort(), databaseUrl, sessionSecret: SESSION_SECRET, emulator, quiet: true });
    stoppers.push(portal.stop);
    const portalPid = await pidListeningOn(portal.url);
    log(`portal ${portal.url} (pid ${portalPid})`);

    const adminClaims = { subject: "bench-admin", name: "Bench Admin", email: null, roles: ["Portal.Admin"], groups: [TEAMS.platform] };
    const requesterClaims = { subject: "bench-requester", name: "Bench Requester", email: null, roles: [], groups: [TEAMS.analytics] };
    const adminCookie = `portal_session=${await createSession(prisma, adminClaims, SESSION_SECRET)}`;
    const admin = await resolveUser(prisma, adminClaims, "Portal.Admin");
    const requester = await resolveUser(prisma, requesterClaims, "Portal.Admin");
    const memory: Record<string, number> = { "portal idle": rssMb(portalPid) };
    const targets: Target[] = [];
    const report: BenchReport = {
      commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).toString().trim(),
      date: new Date().toISOString().slice(0, 10),
      machine: { cpus: os.cpus().length, node: process.versions.node },
      settings: { ...settings, sizes: settings.sizes.join("/"), skip: [...settings.skip].join(",") || "none" },
      load: [],
      bundles: [],
      memory,
      targets,
    };

    const charts = chartsDir(ROOT);
    if (!settings.skip.has("chart") && charts) {
      report.chart = measureChartRenders(charts, ["1.18.0", "1.22.0"]);
      for (const c of report.chart) {
        log(`chart ${c.chartVersion}: first ${c.firstMs} ms, then p50 ${c.p50Ms} ms, p95 ${c.p95Ms} ms, cached ${c.cachedMs} ms`);
        targets.push({ name: `one render of the Airflow chart ${c.chartVersion} ≤ 200 ms`, ok: c.p95Ms <= 200, measured: `p50 ${c.p50Ms} ms, p95 ${c.p95Ms} ms over ${c.renders} renders (first in the process ${c.firstMs} ms; cached ${c.cachedMs} ms)` });
      }
    } else if (!settings.skip.has("chart")) {
      log("chart renders not measured: no charts at AIRFLOW_CHARTS_DIR or ../shared/reference/airflow-chart/charts");
    }

    if (!settings.skip.has("provisioning")) {
      const concurrency = Math.min(64, Math.max(4, Math.ceil(settings.fleet / 2) + 1));
      const workerEnv = { ...emulatorAzureEnv(emulator, PLATFORM_ADMINS_GROUP_ID), AZURE_POLL_INTERVAL_MS: "500", WORKER_CONCURRENCY: String(concurrency) };
      for (const label of ["worker-1", "worker-2"]) workers.push(startWorkerProcess({ databaseUrl, env: workerEnv, quiet: true, label }));
      await new Promise((r) => setTimeout(r, 5000));
      memory["worker idle"] = rssMb(workers[0]!.child.pid!);
      const { latencies } = await emulatorState(emulator.url, emulator.caCertPath);
      const critical = criticalPathMs(latencies);
      log(`critical path of the emulated cloud: ${critical} ms`);
      const singles = [];
      for (let i = 0; i < settings.readyRuns; i++) singles.push(...(await provisionAtOnce(prisma, { requester, admin }, `one-${i}`, 1, critical * 4 + 60_000)));
      const single = summariseRuns(singles);
      log(`single: ${JSON.stringify(single)}`);
      targets.push(
        { name: "time to ready ≤ 1.10 × critical path", ok: single.ready === singles.length && single.timeToReadyMs.p95 <= 1.1 * critical, measured: `p50 ${single.timeToReadyMs.p50} ms, p95 ${single.timeToReadyMs.p95} ms = ${(single.timeToReadyMs.p95 / critical).toFixed(2)} × ${critical} ms (${single.ready}/${singles.length} READY)` },
        { name: "approve → first ARM request p95 ≤ 1 s", ok: single.approveToFirstArmMs.p95 <= 1000, measured: `p50 ${single.approveToFirstArmMs.p50} ms, p95 ${single.approveToFirstArmMs.p95} ms` },
      );
      let fleet;
      if (settings.fleet > 0) {
        const before = await emulatorState(emulator.url, emulator.caCertPath);
        const runs = await provisionAtOnce(prisma, { requester, admin }, "fleet", settings.fleet, critical * 6 + 120_000);
        const after = await emulatorState(emulator.url, emulator.caCertPath);
        const duplicated = Object.entries(after.counts).filter(([id, c]) => c.created > 1 && !(before.counts[id]?.created ?? 0)).length;
        const clusters = Object.keys(after.counts).filter((id) => id.includes("/managedclusters/") && !id.includes("/extensions/") && id.includes("aks-airflow-fleet")).length;
        fleet = { ...summariseRuns(runs), duplicatedResources: duplicated, clustersCreated: clusters };
        log(`fleet: ${JSON.stringify(fleet)}`);
        targets.push({
          name: `${settings.fleet} at once: all READY, none duplicated, ≤ 1.25 × critical path`,
          ok: fleet.ready === settings.fleet && duplicated === 0 && fleet.totalMs <= 1.25 * critical,
          measured: `${fleet.ready}/${settings.fleet} READY, ${duplicated} duplicated, ${clusters} clusters, total ${fleet.totalMs} ms = ${(fleet.totalMs / critical).toFixed(2)} ×`,
        });
      }
      report.provisioning = { criticalPathMs: critical, single, fleet };
      memory["worker after provisioning"] = rssMb(workers[0]!.child.pid!);
      // Stopped before seeding: their health sweep would probe thousands of made-up addresses.
      for (const w of workers.splice(0)) await w.stop();
    }

    const users = { adminId: admin.id, requesterId: requester.id };
    const historyId = await seedLongHistory(databaseUrl, users);
    if (!settings.skip.has("load")) {
      for (const size of settings.sizes) {
        await seedEnvironments(databaseUrl, users, size, log);
        const total = await countEnvironments(databaseUrl);
        const late = await cursorAt(databaseUrl, Math.floor(total * 0.6));
        const pages: PageTarget[] = [
          { name: "/signin", path: "/signin" },
          { name: "/environments (admin, 50 rows)", path: "/environments", cookie: adminCookie },
          { name: "/environments?status=FAILED", path: "/environments?status=FAILED", cookie: adminCookie },
          { name: "/environments, a late page", path: `/environments?page=${Math.floor((total * 0.6) / 50)}&after=${late}`, cookie: adminCookie },
          { name: "/environments/[id] (long history)", path: `/environments/${historyId}`, cookie: adminCookie },
          { name: "/admin", path: "/admin", cookie: adminCookie },
          { name: "progress (live-progress snapshot)", path: `/api/environments/${historyId}/progress`, cookie: adminCookie },
        ];
        // The first view of /admin after seeding verifies every audit link just written (hundreds of
        // thousands at once, which a running portal never sees): once, before it is measured.
        await fetch(`${portal.url}/admin`, { headers: { cookie: adminCookie } }).then((r) => r.text());
        const results = [];
        for (const page of pages) {
          const result = await measurePage(portal.url, portalPid, page, settings);
          log(`${total} envs  ${page.name}: p95 ${result.p95} ms, ${result.rps} req/s, ${result.cpuMsPerRequest} CPU ms/req, ${result.errors} errors`);
          results.push(result);
        }
        const signinP95 = Math.max(1, results[0]!.p95);
        const withRatios = results.map((r) => ({ ...r, ratioToSignin: Math.round((r.p95 / signinP95) * 100) / 100 }));
        report.load.push({ environments: total, pages: withRatios });
        const ratio = (name: string) => withRatios.find((r) => r.name.startsWith(name))!;
        for (const [page, limit] of [["/environments (admin", 1.5], ["/admin", 1.5], ["/environments/[id]", 1.2]] as const) {
          const r = ratio(page);
          targets.push({ name: `${total.toLocaleString("en-US")} environments: ${r.name} p95 ≤ ${limit} × /signin p95`, ok: r.requests > 0 && r.ratioToSignin <= limit && r.errors === 0, measured: `${r.p95} ms = ${r.ratioToSignin} × ${signinP95} ms, ${r.requests} requests, ${r.errors} errors` });
        }
      }
      memory["portal after load"] = rssMb(portalPid);
      if (report.load.length > 1) {
        const [first, last] = [report.load[0]!, report.load.at(-1)!];
        for (const page of last.pages.slice(1)) {
          const base = first.pages.find((p) => p.name === page.name)!;
          const growth = page.cpuMsPerRequest / Math.max(0.01, base.cpuMsPerRequest);
          targets.push({ name: `${page.name}: cost does not grow with the number of environments (CPU per request ≤ 1.5 ×)`, ok: growth <= 1.5, measured: `${base.cpuMsPerRequest} → ${page.cpuMsPerRequest} ms (${growth.toFixed(2)} ×) from ${first.environments} to ${last.environments}` });
        }
      }
    }

    if (!settings.skip.has("bundle")) {
      report.bundles = await measureBundles(portal.url, [
        { route: "/signin", path: "/signin" },
        { route: "/environments", path: "/environments", cookie: adminCookie },
        { route: "/environments/new", path: "/environments/new", cookie: adminCookie },
        { route: "/environments/[id]", path: `/environments/${historyId}`, cookie: adminCookie },
        { route: "/admin", path: "/admin", cookie: adminCookie },
        { route: "/auth/redirect", path: "/auth/redirect" },
      ]);
      for (const b of report.bundles) targets.push({ name: `${b.route}: first-load JavaScript ≤ 150 kB gzip`, ok: b.firstLoadKb <= 150, measured: `${b.firstLoadKb} kB` });
    }
    log(`portal CPU in all: ${Math.round(cpuMs(portalPid))} ms`);

    const files = writeReport(ROOT, report);
    console.log("\nTargets:");
    for (const t of targets) console.log(`  ${t.ok ? "✓" : "✗"} ${t.name}: ${t.measured}`);
    console.log(`\nReport: ${path.relative(ROOT, files.md)} and ${path.relative(ROOT, files.json)}`);
  } finally {
    for (const w of workers) await w.stop().catch(() => undefined);
    for (const stop of stoppers.reverse()) await stop().catch((e) => console.error(e));
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The PID of the process listening on the portal's port (next start's server), from /proc/net/tcp. */
async function pidListeningOn(url: string): Promise<number> {
  const port = Number(new URL(url).port);
  const out = execFileSync("sh", ["-c", `ss -ltnpH 'sport = :${port}' 2>/dev/null || true`]).toString();
  const match = /pid=(\d+)/.exec(out);
  if (!match) throw new Error(`no process listens on port ${port}`);
  return Number(match[1]);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error("[bench]", error);
    process.exit(1);
  },
);
