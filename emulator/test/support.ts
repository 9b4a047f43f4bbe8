import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ClientSecretCredential } from "@azure/identity";
import type { TestContext } from "vitest";
import { startEmulator, type RunningEmulator } from "../src/server.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const defaultSchemaPath = path.resolve(repoRoot, "../shared/reference/airflow-chart/values.schema.json");

const inCi = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";

/**
 * Something a few tests need from the machine (a tool, a file). When it is missing those tests fail
 * in CI, or when it was named explicitly (a wrong path must not pass as a skip); on a developer's
 * machine they are skipped, with the reason shown.
 */
export type Prerequisite = { ok: true; value: string } | { ok: false; required: boolean; reason: string };

export function prerequisite(value: string | undefined, options: { explicit: boolean; problem: string; fix: string }): Prerequisite {
  if (value !== undefined) return { ok: true, value };
  const required = inCi || options.explicit;
  const why = options.explicit ? "it was set explicitly" : "CI is set";
  return { ok: false, required, reason: `${options.problem}. ${options.fix}${required ? ` (required because ${why})` : " to run these tests"}.` };
}

/** At the start of a test that needs `p`: fails it or skips it with the reason, as `prerequisite` decided. */
export function needs(p: Prerequisite, ctx: TestContext) {
  if (p.ok) return;
  if (p.required) throw new Error(p.reason);
  ctx.skip(p.reason);
}

function readableJson(file: string) {
  try {
    JSON.parse(readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}

const schemaCandidate = process.env.AIRFLOW_CHART_SCHEMA || defaultSchemaPath;

/** The Airflow chart's values schema: AIRFLOW_CHART_SCHEMA, else the copy beside the repository. */
export const chartSchema = prerequisite(existsSync(schemaCandidate) && readableJson(schemaCandidate) ? schemaCandidate : undefined, {
  explicit: Boolean(process.env.AIRFLOW_CHART_SCHEMA),
  problem: `No readable Airflow chart values.schema.json at ${schemaCandidate}`,
  fix: "Set AIRFLOW_CHART_SCHEMA to the values.schema.json of the apache-airflow Helm chart",
});
export const chartSchemaPath = chartSchema.ok ? chartSchema.value : undefined;
if (!chartSchema.ok) console.warn(`\n!!! ${chartSchema.reason}\n`);

const chartsCandidate = process.env.AIRFLOW_CHARTS_DIR || path.resolve(repoRoot, "../shared/reference/airflow-chart/charts");

/** The unpacked official charts (`<version>/` folders) the repository serves: AIRFLOW_CHARTS_DIR, else the copy beside the repository. */
export const airflowCharts = prerequisite(existsSync(path.join(chartsCandidate, "1.18.0", "Chart.yaml")) ? chartsCandidate : undefined, {
  explicit: Boolean(process.env.AIRFLOW_CHARTS_DIR),
  problem: `No unpacked official Airflow chart 1.18.0 under ${chartsCandidate}`,
  fix: "Set AIRFLOW_CHARTS_DIR to a folder holding 1.18.0/ (helm pull apache-airflow/airflow --version 1.18.0 --untar)",
});
export const chartsDir = airflowCharts.ok ? airflowCharts.value : undefined;

export const SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";
export const TENANT = "11111111-1111-4111-8111-111111111111";
/** Polling fast keeps the suite quick; the emulator's fast profile ends operations in tens of milliseconds. */
export const POLL = { updateIntervalInMs: 10 };

export interface TestEmulator {
  emulator: RunningEmulator;
  url: string;
  ca: string;
  dataDir: string;
  credential: ClientSecretCredential;
  /** Options every ARM client takes: the emulator as endpoint, its CA trusted for this client only. */
  clientOptions: { endpoint: string; tlsOptions: { ca: string } };
  control<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function request(url: string, options: { ca: string; method?: string; body?: unknown; headers?: Record<string, string> }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = https.request(url, { method: options.method ?? "GET", ca: options.ca, agent: false, headers: { ...(body ? { "content-type": "application/json" } : {}), ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** `charts`: another folder of unpacked charts for the repository to serve (a test's own chart). */
export async function startTestEmulator(options: { charts?: string } = {}): Promise<TestEmulator> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "emulator-test-"));
  const charts = options.charts ?? chartsDir;
  let emulator = await startEmulator({ port: 0, dataDir, chartSchemaPath, chartsDir: charts });
  const ca = readFileSync(emulator.caCertPath, "utf8");
  const env: TestEmulator = {
    emulator,
    url: emulator.url,
    ca,
    dataDir,
    credential: new ClientSecretCredential(TENANT, "portal-client", "portal-secret", { authorityHost: emulator.url, disableInstanceDiscovery: true, tlsOptions: { ca } }),
    clientOptions: { endpoint: emulator.url, tlsOptions: { ca } },
    async control<T>(method: string, route: string, body?: unknown) {
      const res = await request(`${env.url}/_emulator/${route}`, { ca, method, body });
      if (res.status >= 400) throw new Error(`control ${method} ${route}: ${res.status} ${res.text}`);
      return JSON.parse(res.text) as T;
    },
    async restart() {
      await emulator.close();
      emulator = await startEmulator({ port: emulator.port, dataDir, chartSchemaPath, chartsDir: charts });
      env.emulator = emulator;
    },
    async close() {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return env;
}

/** Polls `check` until it returns a value, for states that settle asynchronously. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
