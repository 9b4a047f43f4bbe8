import { setTimeout as sleep } from "node:timers/promises";
import { CloudError } from "@/lib/azure/errors";
import { airflowMajor } from "@/lib/environments/catalog";
import type { StepContext, StepRun } from "../context";
import { probe } from "@/lib/http/outbound";
import { airflowHttpsUrl } from "./airflow-access";
import { airflowAddress } from "./helm";

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

/** One probe of the Airflow UI's health endpoint, keeping the certificate an https address presents. */
export async function probeHealthDetailed(url: string, airflowVersion: string, signal?: AbortSignal): Promise<HealthProbe> {
  try {
    const answer = await probe(new URL(healthPath(airflowVersion), url), { signal });
    const certificate = answer.certificate ? { validTo: answer.certificate.validTo } : null;
    if (answer.status !== 200) return { problem: `health endpoint answered ${answer.status}`, certificate };
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
 * Probes health until every component is healthy: at the https address through the ingress when a
 * domain is configured (the certificate's expiry is kept for the page), else at the UI Service's
 * load balancer.
 */
export const checkAirflowHealth: StepRun = async (ctx: StepContext) => {
  const deadline = Date.now() + ctx.config.helmTimeoutMs;
  let last = "";
  let url: string | null = ctx.config.airflowAccess ? airflowHttpsUrl(ctx) : null;
  for (;;) {
    url ??= await airflowAddress(ctx);
    const result: HealthProbe = url ? await probeHealthDetailed(url, ctx.env.airflowVersion, ctx.signal) : { problem: "the UI's load balancer has no address yet", certificate: null };
    if (!result.problem && url) {
      await ctx.log(`Airflow is healthy at ${url}${result.certificate ? ` (certificate valid until ${result.certificate.validTo.slice(0, 10)})` : ""}`);
      return { url, certificateExpiresAt: result.certificate?.validTo ?? null };
    }
    if (result.problem !== last) await ctx.log(`Waiting: ${result.problem}`);
    last = result.problem ?? "";
    if (Date.now() > deadline) throw new CloudError("AirflowUnhealthy", `Airflow did not become healthy in time: ${result.problem}`, false);
    await sleep(Math.min(2_000, ctx.config.azure.pollIntervalMs), undefined, { signal: ctx.signal });
  }
};
