import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { applyObject, createSecretOnce } from "@/lib/kubernetes/apply";
import { airflowMajor } from "@/lib/environments/catalog";
import { AIRFLOW_SECRET_NAMES } from "@/lib/helm/airflow-values";
import type { StepContext, StepRun } from "../context";
import { OAUTH_SECRET_NAME } from "@/lib/helm/airflow-sign-in";
import { applyOAuthSecret } from "./airflow-access";
import { clusterAccess } from "./cluster-access";
import { DATABASE_ADMIN, newDatabasePassword, PASSWORD_MEMORY_KEY } from "./database";

/** Fernet keys are 32 random bytes, url-safe base64. */
const fernetKey = () => randomBytes(32).toString("base64url") + "=";
const secretKey = () => randomBytes(32).toString("base64url");

/**
 * The server's password lives only in the cluster's secret. If the run that created the server is
 * gone (a restarted worker), its password went with it: set a new one on the server, then write it.
 */
async function databasePassword(ctx: StepContext): Promise<string> {
  const known = ctx.memory.get(PASSWORD_MEMORY_KEY);
  if (known) return known;
  const password = newDatabasePassword();
  await ctx.log("Setting a new database password (the run that created the server did not finish writing it)");
  await ctx.retry(() =>
    ctx.arm.postgres.servers.beginUpdateAndWait(
      ctx.env.names.resourceGroup,
      ctx.env.names.postgresServer,
      { administratorLoginPassword: password },
      { ...ctx.arm.poll, abortSignal: ctx.signal },
    ),
  );
  return password;
}

async function writeSecrets(ctx: StepContext, kc: KubeConfig, host: string): Promise<string[]> {
  const ns = ctx.env.names.namespace;
  const created: string[] = [];
  const once = async (name: string, generate: () => Promise<Record<string, string>> | Record<string, string>) => {
    if (await ctx.retry(() => createSecretOnce(kc, ns, name, generate))) created.push(name);
  };
  await once(AIRFLOW_SECRET_NAMES.metadata, async () => {
    const password = encodeURIComponent(await databasePassword(ctx));
    return { connection: `postgresql://${DATABASE_ADMIN}:${password}@${host}:5432/${ctx.env.names.database}?sslmode=require` };
  });
  await once(AIRFLOW_SECRET_NAMES.fernetKey, () => ({ "fernet-key": fernetKey() }));
  created.push(...(await writeVersionSecrets(ctx, kc)));
  return created;
}

/** The secrets the Airflow version's chart values name: the API and JWT secrets on Airflow 3, the webserver's before. */
async function writeVersionSecrets(ctx: StepContext, kc: KubeConfig): Promise<string[]> {
  const ns = ctx.env.names.namespace;
  const created: string[] = [];
  const once = async (name: string, generate: () => Record<string, string>) => {
    if (await ctx.retry(() => createSecretOnce(kc, ns, name, generate))) created.push(name);
  };
  if (airflowMajor(ctx.env.airflowVersion) >= 3) {
    await once(AIRFLOW_SECRET_NAMES.apiSecretKey, () => ({ "api-secret-key": secretKey() }));
    await once(AIRFLOW_SECRET_NAMES.jwt, () => ({ "jwt-secret": secretKey() }));
  } else {
    await once(AIRFLOW_SECRET_NAMES.webserverSecretKey, () => ({ "webserver-secret-key": secretKey() }));
  }
  return created;
}

/**
 * Before a change is applied: the secrets its Airflow version needs that the environment was built
 * without (an upgrade from Airflow 2 to 3 needs the API and JWT secrets), each created once.
 */
export const createVersionSecrets: StepRun = async (ctx) => {
  const kc = await clusterAccess(ctx);
  const created = await writeVersionSecrets(ctx, kc);
  await ctx.log(created.length > 0 ? `Created secrets ${created.join(", ")} for Airflow ${ctx.env.airflowVersion}` : `Airflow ${ctx.env.airflowVersion}'s secrets already exist`);
  return { created };
};

/** Namespace `airflow` and the secrets the chart is pointed at, each generated once and never rotated by a retry. */
export const createClusterSecrets: StepRun = async (ctx) => {
  const kc = await clusterAccess(ctx);
  const ns = ctx.env.names.namespace;
  await ctx.retry(() =>
    applyObject(kc, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "app.kubernetes.io/managed-by": "airflow-portal" } } }),
  );
  const host = ctx.outputs["database-server"]?.host;
  if (typeof host !== "string") throw new Error("The database server's host name is unknown");
  const created = await writeSecrets(ctx, kc, host);
  ctx.memory.delete(PASSWORD_MEMORY_KEY);
  if (ctx.config.airflowAccess) {
    await applyOAuthSecret(ctx);
    await ctx.log(`Secret ${OAUTH_SECRET_NAME} holds the Airflow app registration's client id and secret`);
  }
  await ctx.log(created.length > 0 ? `Created secrets ${created.join(", ")} in namespace ${ns}` : `Secrets already exist in namespace ${ns}; kept as they are`);
  // Names only: the values never leave the cluster.
  return { namespace: ns, secrets: [...Object.values(AIRFLOW_SECRET_NAMES), ...(ctx.config.airflowAccess ? [OAUTH_SECRET_NAME] : [])] };
};
