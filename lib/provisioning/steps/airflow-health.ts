import { setTimeout as sleep } from "node:timers/promises";
import { CloudError } from "@/lib/azure/errors";
import { airflowMajor } from "@/lib/environments/catalog";
import type { StepContext, StepRun } from "../context";
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

/** One probe of the Airflow UI's health endpoint: null when healthy, else what is wrong. */
export async function probeHealth(url: string, airflowVersion: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const response = await fetch(new URL(healthPath(airflowVersion), url), { signal: AbortSignal.any([AbortSignal.timeout(5_000), ...(signal ? [signal] : [])]) });
    if (!response.ok) return `health endpoint answered ${response.status}`;
    const bad = unhealthyComponents((await response.json()) as HealthBody);
    return bad.length === 0 ? null : `unhealthy: ${bad.join(", ")}`;
  } catch (error) {
    if (signal?.aborted) throw error;
    return `health endpoint unreachable (${(error as Error).message})`;
  }
}

/** Resolves the UI's address from its Service, then probes health until every component is healthy. */
export const checkAirflowHealth: StepRun = async (ctx: StepContext) => {
  const deadline = Date.now() + ctx.config.helmTimeoutMs;
  let last = "";
  let url: string | null = null;
  for (;;) {
    url ??= await airflowAddress(ctx);
    const problem = url ? await probeHealth(url, ctx.env.airflowVersion, ctx.signal) : "the UI's load balancer has no address yet";
    if (!problem && url) {
      await ctx.log(`Airflow is healthy at ${url}`);
      return { url };
    }
    if (problem !== last) await ctx.log(`Waiting: ${problem}`);
    last = problem ?? "";
    if (Date.now() > deadline) throw new CloudError("AirflowUnhealthy", `Airflow did not become healthy in time: ${problem}`, false);
    await sleep(Math.min(2_000, ctx.config.azure.pollIntervalMs), undefined, { signal: ctx.signal });
  }
};
