import { setTimeout as sleep } from "node:timers/promises";
import type { TokenCredential } from "@azure/core-auth";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { ArmClients } from "@/lib/azure/clients";
import { deriveNames } from "@/lib/environments/naming";
import { CloudError } from "@/lib/azure/errors";
import { airflowMajor } from "@/lib/environments/catalog";
import { serviceProxy } from "@/lib/kubernetes/service-proxy";
import type { StepContext, StepRun } from "../context";
import { probe } from "@/lib/http/outbound";
import { airflowHttpsUrl } from "./airflow-access";
import { clusterAccess, kubeConfigForCluster } from "./cluster-access";
import { airflowAddress, uiServiceName, uiServiceNameFor } from "./helm";

type HealthBody = Record<string, { status?: string | null } | undefined>;

/**
 * Airflow's health JSON: every component it reports must say "healthy" (the HTTP status is always
 * 200). A `null` status is a component this deployment does not run (Airflow 2's standalone DAG
 * processor), not a failure.
 */
export function unhealthyComponents(body: HealthBody): string[] {
  return Object.entries(body)
    .filter(([, v]) => v && typeof v === "object" && "status" in v && v.status !== null && v.status !== "healthy")
    .map(([k]) => k);
}

export function healthPath(airflowVersion: string): string {
  return airflowMajor(airflowVersion) >= 3 ? "api/v2/monitor/health" : "health";
}

export interface HealthProbe {
  /** Null when every component is healthy, else what is wrong. */
  problem: string | null;
  /** The certificate an https address presented. */
  certificate: { validTo: string } | null;
}

/** How to reach the health endpoint: the trust and headers a request through the API server needs. */
export interface ProbeVia {
  ca?: string;
  headers?: Record<string, string>;
}

/** The `message` of a Kubernetes `Status` the API server answered instead of Airflow, if it was one. */
function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    return parsed.kind === "Status" && parsed.message ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/** One probe of the Airflow UI's health endpoint under `base`, keeping the certificate an https address presents. */
export async function probeHealthDetailed(base: string | URL, airflowVersion: string, signal?: AbortSignal, via: ProbeVia = {}): Promise<HealthProbe> {
  try {
    const answer = await probe(new URL(healthPath(airflowVersion), base), { signal, ...via });
    const certificate = answer.certificate ? { validTo: answer.certificate.validTo } : null;
    if (answer.status !== 200) {
      const why = statusMessage(answer.body);
      return { problem: `health endpoint answered ${answer.status}${why ? ` (${why})` : ""}`, certificate };
    }
    const bad = unhealthyComponents(JSON.parse(answer.body) as HealthBody);
    return { problem: bad.length === 0 ? null : `unhealthy: ${bad.join(", ")}`, certificate };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { problem: `health endpoint unreachable (${(error as Error).message})`, certificate: null };
  }
}

/** One probe of the Airflow UI's health endpoint: null when healthy, else what is wrong. */
export async function probeHealth(url: string, airflowVersion: string, signal?: AbortSignal): Promise<string | null> {
  return (await probeHealthDetailed(url, airflowVersion, signal)).problem;
}

/**
 * One probe through the cluster's API server: Airflow as seen from inside the cluster, whatever the
 * network around it. The UI Service's port is read from the Service the chart rendered.
 */
async function probeThroughApiServer(
  kc: KubeConfig,
  target: { namespace: string; service: string; airflowVersion: string },
  retry: <T>(work: () => Promise<T>) => Promise<T>,
  signal?: AbortSignal,
): Promise<HealthProbe & { via: string }> {
  const core = kc.makeApiClient(CoreV1Api);
  const service = await retry(() => core.readNamespacedService({ name: target.service, namespace: target.namespace }));
  const port = service.spec?.ports?.[0]?.port;
  const via = `service ${target.service}:${port ?? "?"}, through the Kubernetes API server`;
  if (!port) return { problem: `the UI Service ${target.service} has no port`, certificate: null, via };
  const proxy = serviceProxy(kc, target.namespace, target.service, port);
  return { ...(await probeHealthDetailed(proxy.base, target.airflowVersion, signal, proxy)), via };
}

/** What the health sweep knows of a READY environment. */
export interface HealthTarget {
  name: string;
  nameSuffix: string;
  airflowUrl: string;
  airflowVersion: string;
}

/**
 * The health sweep's probe of one READY environment: through its cluster's API server (the worker
 * needs no network path into the cluster's VNet), then, for an https address, through the ingress
 * with its certificate. Null when healthy, else what is wrong; never throws.
 */
export async function probeEnvironmentHealth(arm: ArmClients, credential: TokenCredential, env: HealthTarget, signal?: AbortSignal): Promise<string | null> {
  // One environment's slow cluster must not hold the sweep: its answer counts only within the deadline.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${SWEEP_PROBE_MS / 1000} s from the cluster's API server or Airflow`), SWEEP_PROBE_MS);
  });
  try {
    return await Promise.race([probeOnce(arm, credential, env, signal), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long the sweep waits for one environment's answer. */
const SWEEP_PROBE_MS = 20_000;

async function probeOnce(arm: ArmClients, credential: TokenCredential, env: HealthTarget, signal?: AbortSignal): Promise<string | null> {
  const names = deriveNames(env.name, env.nameSuffix);
  let kc: KubeConfig;
  try {
    kc = await kubeConfigForCluster(arm, credential, names.resourceGroup, names.cluster, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    return `the cluster's API server is unreachable (${(error as Error).message})`;
  }
  try {
    const target = { namespace: names.namespace, service: uiServiceNameFor(names.helmRelease, env.airflowVersion), airflowVersion: env.airflowVersion };
    const inside = await probeThroughApiServer(kc, target, (work) => work(), signal);
    if (inside.problem) return `${inside.problem} (${inside.via})`;
  } catch (error) {
    if (signal?.aborted) throw error;
    return `the UI Service could not be read (${(error as Error).message})`;
  }
  return env.airflowUrl.startsWith("https:") ? probeHealth(env.airflowUrl, env.airflowVersion, signal) : null;
}

/** From where people reach the UI's load balancer address, as the log and the page say it. */
function whereReachable(ctx: StepContext): string {
  if (ctx.config.airflowExposure === "public") return ", public";
  const hub = ctx.config.platformNetwork?.hubName;
  return hub ? `, reachable from networks peered with ${hub}` : ", inside the cluster's own virtual network, which no other network is peered with";
}

/**
 * Probes health until every component is healthy: through the cluster's API server's service
 * proxy (which needs no network path into the cluster), then where people open it — the https
 * address through the ingress when a domain is configured (the certificate's expiry is kept for
 * the page), else the UI Service's load balancer, whose address is recorded.
 */
export const checkAirflowHealth: StepRun = async (ctx: StepContext) => {
  const deadline = Date.now() + ctx.config.helmTimeoutMs;
  let last = "";
  let url: string | null = ctx.config.airflowAccess ? airflowHttpsUrl(ctx) : null;
  let kc = await clusterAccess(ctx);
  let builtAt = Date.now();
  for (;;) {
    if (Date.now() - builtAt > 5 * 60_000) {
      kc = await clusterAccess(ctx);
      builtAt = Date.now();
    }
    const target = { namespace: ctx.env.names.namespace, service: uiServiceName(ctx), airflowVersion: ctx.env.airflowVersion };
    const inside = await probeThroughApiServer(kc, target, ctx.retry, ctx.signal);
    let result: HealthProbe = inside.problem ? { ...inside, problem: `${inside.problem} (${inside.via})` } : inside;
    if (!result.problem && ctx.config.airflowAccess) result = await probeHealthDetailed(url!, ctx.env.airflowVersion, ctx.signal);
    if (!result.problem && !ctx.config.airflowAccess) {
      url ??= await airflowAddress(ctx);
      if (!url) result = { problem: "the UI's load balancer has no address yet", certificate: null };
    }
    if (!result.problem && url) {
      const at = ctx.config.airflowAccess ? ` and at ${url}${result.certificate ? ` (certificate valid until ${result.certificate.validTo.slice(0, 10)})` : ""}` : `; its address is ${url}${whereReachable(ctx)}`;
      await ctx.log(`Airflow is healthy (${inside.via})${at}`);
      return { url, certificateExpiresAt: result.certificate?.validTo ?? null };
    }
    if (result.problem !== last) await ctx.log(`Waiting: ${result.problem}`);
    last = result.problem ?? "";
    if (Date.now() > deadline) throw new CloudError("AirflowUnhealthy", `Airflow did not become healthy in time: ${result.problem}`, false);
    await sleep(Math.min(2_000, ctx.config.azure.pollIntervalMs), undefined, { signal: ctx.signal });
  }
};
