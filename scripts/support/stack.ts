import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PORTAL_CLIENT_ID } from "../../emulator/src/identity/portal-client";
import { freePort } from "./ports";
import { startProcess, waitForUrl } from "./processes";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The unpacked official Airflow charts (`<version>/` folders) the emulator's chart repository
 * serves as real packages: AIRFLOW_CHARTS_DIR, else the reference copy beside the repository
 * (never copied into it). Without them the repository serves stubs without templates.
 */
export function airflowChartsDir(): string | undefined {
  if (process.env.AIRFLOW_CHARTS_DIR) return process.env.AIRFLOW_CHARTS_DIR;
  const beside = path.resolve(ROOT, "../shared/reference/airflow-chart/charts");
  return existsSync(beside) ? beside : undefined;
}
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const TSX_LOADER = "tsx";

export interface EmulatorHandle {
  url: string;
  caCertPath: string;
  /** The clusters' application routing ingress: https://<name>.airflow.localhost:<ingressPort>/. */
  ingressPort: number;
  stop(): Promise<void>;
}

/** Starts the emulator as its own process and waits for its OpenID provider to answer. */
export async function startEmulatorProcess(options: {
  dataDir: string;
  port?: number;
  /** The ingress's port; a free one by default. */
  ingressPort?: number;
  env?: Record<string, string | undefined>;
  quiet?: boolean;
}): Promise<EmulatorHandle> {
  const port = options.port ?? (await freePort());
  const ingressPort = options.ingressPort ?? (await freePort());
  const charts = airflowChartsDir();
  const proc = startProcess(
    "emulator",
    process.execPath,
    ["--import", TSX_LOADER, path.join(ROOT, "emulator/src/main.ts")],
    {
      ...process.env,
      ...(charts ? { AIRFLOW_CHARTS_DIR: charts } : {}),
      ...options.env,
      EMULATOR_PORT: String(port),
      EMULATOR_INGRESS_PORT: String(ingressPort),
      EMULATOR_DATA_DIR: options.dataDir,
    },
    { quiet: options.quiet },
  );
  const url = `https://localhost:${port}`;
  const caCertPath = path.join(options.dataDir, "tls/ca.pem");
  const deadline = Date.now() + 30_000;
  while (!existsSync(caCertPath) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await waitForUrl(`${url}/oidc/.well-known/openid-configuration`, {
    ca: existsSync(caCertPath) ? readFileSync(caCertPath, "utf8") : undefined,
    child: proc.child,
  });
  return { url, caCertPath, ingressPort, stop: proc.stop };
}

/** A session secret generated once per data folder, so sessions survive a restart of the portal. */
export function sessionSecretFor(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "session-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

export interface PortalHandle {
  url: string;
  stop(): Promise<void>;
}

/** Starts Next.js (`dev` or `start`) with the environment the portal reads in lib/config.ts. */
export async function startPortal(options: {
  mode: "dev" | "start";
  port: number;
  databaseUrl: string;
  sessionSecret: string;
  emulator?: EmulatorHandle;
  env?: Record<string, string | undefined>;
  quiet?: boolean;
}): Promise<PortalHandle> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    DATABASE_URL: options.databaseUrl,
    SESSION_SECRET: options.sessionSecret,
    PORT: String(options.port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (options.emulator) {
    env.OIDC_AUTHORITY ??= `${options.emulator.url}/oidc`;
    env.OIDC_CLIENT_ID ??= PORTAL_CLIENT_ID;
    // Node reads this once at start: the portal then trusts the emulator's test CA for JWKS, ARM and charts.
    env.NODE_EXTRA_CA_CERTS = options.emulator.caCertPath;
    // The portal renders the chart from where the worker's Flux installs it.
    env.PORTAL_HELM_REPOSITORY_URL ??= emulatorHelmRepositoryUrl(options.emulator);
  }
  const args = [NEXT_BIN, options.mode, "-p", String(options.port), "-H", "127.0.0.1"];
  const proc = startProcess("portal", process.execPath, args, env, { quiet: options.quiet });
  const url = `http://localhost:${options.port}`;
  await waitForUrl(`${url}/signin`, { child: proc.child, timeoutMs: 120_000 });
  return { url, stop: proc.stop };
}

export interface WorkerHandle {
  child: import("node:child_process").ChildProcess;
  stop(): Promise<void>;
}

export function emulatorHelmRepositoryUrl(emulator: { url: string }): string {
  return `${emulator.url}/helm/airflow`;
}

/**
 * The settings the portal shares with the worker to derive each environment's Helm values (lib/config's
 * release settings): the worker's environment without its credentials and secrets.
 */
export function portalReleaseEnv(workerEnv: Record<string, string | undefined>): Record<string, string> {
  const keys = [
    "PORTAL_HELM_REPOSITORY_URL",
    "PORTAL_AIRFLOW_EXPOSURE",
    "PORTAL_HUB_VNET_ID",
    "PORTAL_SPOKE_ADDRESS_POOL",
    "PORTAL_AIRFLOW_DOMAIN",
    "PORTAL_AIRFLOW_APP_TENANT_ID",
    "PORTAL_AIRFLOW_APP_AUTHORITY_HOST",
    "PORTAL_AIRFLOW_ADMIN_GROUP_ID",
    "PORTAL_AIRFLOW_TEAM_ROLE",
    "PORTAL_AKS_ADMIN_GROUP_ID",
    "AZURE_TENANT_ID",
    "AZURE_AUTHORITY_HOST",
  ];
  return Object.fromEntries(keys.flatMap((k) => (workerEnv[k] === undefined ? [] : [[k, workerEnv[k]!]])));
}

/** The Azure settings a worker needs to drive the emulator as if it were Azure. */
export function emulatorAzureEnv(emulator: { url: string; caCertPath: string }, adminGroupId: string): Record<string, string> {
  return {
    AZURE_SUBSCRIPTION_ID: "00000000-0000-4000-8000-000000000000",
    AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.url,
    AZURE_AUTHORITY_HOST: emulator.url,
    AZURE_TENANT_ID: "11111111-1111-4111-8111-111111111111",
    AZURE_CLIENT_ID: "airflow-portal-worker",
    AZURE_CLIENT_SECRET: "emulator-secret",
    PORTAL_AKS_ADMIN_GROUP_ID: adminGroupId,
    PORTAL_HELM_REPOSITORY_URL: emulatorHelmRepositoryUrl(emulator),
    NODE_EXTRA_CA_CERTS: emulator.caCertPath,
  };
}

/** Starts `npm run worker`'s process directly (its PID is the worker's), with the given environment. */
export function startWorkerProcess(options: { databaseUrl: string; env: Record<string, string | undefined>; quiet?: boolean; label?: string }): WorkerHandle {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, DATABASE_URL: options.databaseUrl };
  const proc = startProcess(
    options.label ?? "worker",
    process.execPath,
    ["--conditions=react-server", "--import", TSX_LOADER, path.join(ROOT, "worker/main.ts")],
    env,
    { quiet: options.quiet },
  );
  return { child: proc.child, stop: proc.stop };
}
