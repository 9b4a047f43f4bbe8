import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PORTAL_CLIENT_ID } from "../../emulator/src/identity/portal-client";
import { freePort } from "./ports";
import { startProcess, waitForUrl } from "./processes";

export const ROOT = path.resolve(import.meta.dirname, "../..");
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
  env?: NodeJS.ProcessEnv;
  quiet?: boolean;
}): Promise<EmulatorHandle> {
  const port = options.port ?? (await freePort());
  const ingressPort = options.ingressPort ?? (await freePort());
  const proc = startProcess(
    "emulator",
    process.execPath,
    ["--import", TSX_LOADER, path.join(ROOT, "emulator/src/main.ts")],
    { ...process.env, ...options.env, EMULATOR_PORT: String(port), EMULATOR_INGRESS_PORT: String(ingressPort), EMULATOR_DATA_DIR: options.dataDir },
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
  env?: NodeJS.ProcessEnv;
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
    // Node reads this once at start: the portal then trusts the emulator's test CA for JWKS and ARM.
    env.NODE_EXTRA_CA_CERTS = options.emulator.caCertPath;
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
    PORTAL_HELM_REPOSITORY_URL: `${emulator.url}/helm/airflow`,
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
