import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { CloudError } from "@/lib/azure/errors";
import { airflowMajor } from "@/lib/environments/catalog";
import type { ReleaseObject } from "@/lib/environments/release-objects";
import { AIRFLOW_CHART, listReleaseObjects, refusalMessage } from "@/lib/helm/airflow-release";
import { environmentHelmValues } from "@/lib/helm/airflow-values";
import { chartValuesValidator, describeSchemaErrors } from "@/lib/helm/chart-schema";
import { fetchChartPackage } from "@/lib/helm/chart-source";
import { annotateObject, applyObject, mergePatchObject, readObject } from "@/lib/kubernetes/apply";
import { gaveUp, helmRelease, helmRepository, releaseState, requestHandled, resetRequest, type FluxObject } from "@/lib/kubernetes/flux";
import type { StepContext, StepRun } from "../context";
import { clusterAccess } from "./cluster-access";
import { diagnoseRelease, isDefinite, problemKey, unreadyPods } from "./release-diagnosis";

/**
 * The release's values: the environment's, with its managed identity's client id on the federated
 * service accounts and its task logs in Blob Storage when it has them (created by this operation's
 * steps, or recorded when it was built).
 */
export function valuesFor(ctx: StepContext): Record<string, unknown> {
  const clientId = (ctx.outputs["workload-identity"]?.clientId as string | undefined) ?? ctx.env.previousDeployed?.identity?.clientId;
  const storage = ctx.outputs["task-log-storage"];
  const tenantId = ctx.outputs["workload-identity"]?.tenantId;
  const logs = storage?.blobEndpoint && tenantId ? { blobEndpoint: String(storage.blobEndpoint), container: String(storage.container), tenantId: String(tenantId) } : ctx.env.previousDeployed?.taskLogs;
  const taskLogs = logs ? { blobEndpoint: logs.blobEndpoint, container: logs.container, tenantId: logs.tenantId } : null;
  return environmentHelmValues({ ...ctx.env, workloadIdentity: clientId ? { clientId } : null, taskLogs }, ctx.config);
}

/**
 * The chart rendered with the values before anything is applied: Helm's refusal fails the step in
 * Helm's words, and what the release creates is recorded with the chart's digest. A package that
 * cannot be rendered (a repository serving one without templates) is checked against its schema.
 */
async function checkRelease(
  ctx: StepContext,
  values: Record<string, unknown>,
): Promise<{ chartDigest: string; objects: ReleaseObject[] } | null> {
  const { env, config } = ctx;
  const repository = config.helmRepositoryUrl;
  const pkg = await ctx.retry(() => fetchChartPackage(repository, AIRFLOW_CHART, env.chartVersion, ctx.signal));
  if (!pkg) {
    await ctx.log(`The repository's index does not list chart airflow ${env.chartVersion}; Flux will say why`, "warn");
    return null;
  }
  const listing = listReleaseObjects(pkg, env, values);
  if (listing.status === "refused") throw new CloudError("ChartRefused", refusalMessage(listing), false);
  if (listing.status === "listed") {
    const hooks = listing.objects.filter((o) => o.hook).length;
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    await ctx.log(
      `Chart airflow ${listing.chart.version} (sha256 ${listing.chart.digest.slice(0, 12)}…) renders ` +
        `${count(listing.objects.length - hooks, "object")}${hooks ? ` and ${count(hooks, "hook")}` : ""} for these values`,
    );
    return { chartDigest: listing.chart.digest, objects: listing.objects };
  }
  await ctx.log(`${listing.message} Checking the values against the chart's schema instead.`, "warn");
  const validator = await chartValuesValidator(config.helmRepositoryUrl, AIRFLOW_CHART, env.chartVersion, ctx.signal);
  if (validator && !validator(values)) {
    const why = describeSchemaErrors(validator);
    throw new CloudError("ValuesSchemaInvalid", `The Helm values do not match chart airflow ${env.chartVersion}'s schema: ${why}`, false);
  }
  if (validator) await ctx.log(`Helm values match chart airflow ${env.chartVersion}'s schema`);
  return null;
}

const valuesOf = (release: FluxObject) => (release as { spec?: { values?: Record<string, unknown> } }).spec?.values;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A merge patch that removes from `held` what `wanted` does not have (a key set to null goes), or
 * null when nothing is extra. Maps are followed key by key; anything else is compared whole by SSA.
 */
export function nullsForExtra(wanted: Record<string, unknown>, held: Record<string, unknown>): Record<string, unknown> | null {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(held)) {
    if (!(key in wanted)) patch[key] = null;
    else if (isMap(value) && isMap(wanted[key])) {
      const inner = nullsForExtra(wanted[key] as Record<string, unknown>, value);
      if (inner) patch[key] = inner;
    }
  }
  return Object.keys(patch).length > 0 ? patch : null;
}

/** HelmRepository and HelmRelease of the official chart, at the environment's pinned version, values checked first. */
export const applyHelmRelease: StepRun = async (ctx) => {
  const { env, config } = ctx;
  const values = valuesFor(ctx);
  const release = await checkRelease(ctx, values);
  const kc = await clusterAccess(ctx);
  const ns = env.names.namespace;
  await ctx.retry(() => applyObject(kc, helmRepository(ns, config.helmRepositoryUrl)));
  const wanted = helmRelease({ name: env.names.helmRelease, namespace: ns, chartVersion: env.chartVersion, values });
  let applied = await ctx.retry(() => applyObject(kc, wanted));
  let held = valuesOf(applied);
  // Server-side apply removes only what the portal itself set before: values someone else added (an
  // edit by hand), and maps it emptied, stay. Those go with a merge patch of nulls, so the release
  // carries exactly the approved values.
  const extra = held ? nullsForExtra(values, held) : null;
  if (extra) {
    const cleaned = await ctx.retry(() => mergePatchObject<FluxObject>(kc, { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: env.names.helmRelease, namespace: ns } }, { spec: { values: extra } }));
    await ctx.log("Removed Helm values the portal did not set (added outside the portal, or left empty by a change)");
    held = valuesOf(cleaned);
    applied = cleaned;
  }
  const generation = applied.metadata?.generation ?? null;
  await ctx.log(`HelmRelease ${ns}/${env.names.helmRelease} applied (chart airflow ${env.chartVersion}, generation ${generation ?? "?"})`);
  // Recorded as the API server holds them, which drift is later compared with.
  return { chartVersion: env.chartVersion, generation, helmValues: held ?? values, ...(release ? { release } : {}) };
};

/**
 * Waits for Flux's `Ready` condition on the release; a `False` fails the step with Helm's words.
 * When this step runs again (an admin's retry, after the cause was fixed) and finds a release Flux
 * gave up on, Flux is first asked to reset its failure count and try again, as `flux reconcile hr
 * --reset` does; the old verdict is not read as the new one until helm-controller took the request up.
 */
export const waitForHelmRelease: StepRun = async (ctx) => {
  const { env } = ctx;
  const deadline = Date.now() + ctx.config.helmTimeoutMs;
  let lastMessage = "";
  const header = { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: env.names.helmRelease, namespace: env.names.namespace } };
  // One credential fetch per few minutes, not per poll; the Entra token inside lasts longer.
  let kc = await clusterAccess(ctx);
  let builtAt = Date.now();
  let resetToken: string | null = null;
  let firstRead = true;
  // Pod problems already told, and when the pods were last looked at.
  const told = new Set<string>();
  let lastLook = 0;
  for (;;) {
    if (Date.now() - builtAt > 5 * 60_000) {
      kc = await clusterAccess(ctx);
      builtAt = Date.now();
    }
    const release = await ctx.retry(() => readObject<FluxObject>(kc, header));
    if (!release) throw new CloudError("NotFound", `HelmRelease ${env.names.namespace}/${env.names.helmRelease} does not exist`, false);
    const wasFirst = firstRead;
    firstRead = false;
    // Only a step run again (an admin's retry) asks: in its first run, Flux giving up is the verdict.
    if (wasFirst && ctx.attempt > 1 && gaveUp(release)) {
      resetToken = new Date().toISOString();
      const token = resetToken;
      const reason = release.status?.conditions?.find((c) => c.type === "Ready")?.reason ?? "failed";
      await ctx.log(`Flux gave up on this release earlier (${reason}); asking it to reset its failure count and try again`);
      await ctx.retry(() => annotateObject(kc, header, resetRequest(token)));
      continue;
    }
    if (resetToken !== null && !requestHandled(release, resetToken)) {
      if (Date.now() > deadline) throw new CloudError("Timeout", "Flux did not take up the request to try the release again in time", false);
      await sleep(Math.min(2_000, ctx.config.azure.pollIntervalMs), undefined, { signal: ctx.signal });
      continue;
    }
    const state = releaseState(release);
    if (state.phase === "ready") {
      await ctx.log("Flux reports the Helm release Ready");
      return { revision: release.status?.lastAttemptedRevision ?? null };
    }
    if (state.phase === "failed") {
      await logWhyNotReady(ctx, kc);
      throw new CloudError(state.reason, state.message || state.reason, false);
    }
    if (state.message !== lastMessage) await ctx.log(`Flux: ${state.message}`);
    lastMessage = state.message;
    if (Date.now() - lastLook >= Math.min(POD_LOOK_MS, 5 * ctx.config.azure.pollIntervalMs)) {
      lastLook = Date.now();
      await reportNewProblems(ctx, kc, told);
    }
    if (Date.now() > deadline) {
      await logWhyNotReady(ctx, kc);
      throw new CloudError("Timeout", `The Helm release was not ready in time: ${state.message}`, false);
    }
    await sleep(Math.min(2_000, ctx.config.azure.pollIntervalMs), undefined, { signal: ctx.signal });
  }
};

/** How often the release's pods are looked at while Helm waits. */
const POD_LOOK_MS = 5_000;

/**
 * While Helm waits: a pod problem that waiting will not fix, told once as it appears. A failed Job's
 * pods go with its TTL (the migration Job's is 5 minutes, Helm waits 20), so its error is told
 * while it can still be read. Never fails the step: the pods are read for the log only.
 */
async function reportNewProblems(ctx: StepContext, kc: KubeConfig, told: Set<string>): Promise<void> {
  const lines = await unreadyPods(kc, ctx.env.names.namespace, ctx.env.names.helmRelease).catch(() => [] as string[]);
  for (const line of lines) {
    if (!isDefinite(line) || told.has(problemKey(line))) continue;
    told.add(problemKey(line));
    await ctx.log(`Not ready: ${line}`, "warn");
  }
}

/** Before a failed wait ends the step: which pods were not ready and why, and Helm's last log lines. */
async function logWhyNotReady(ctx: StepContext, kc: KubeConfig): Promise<void> {
  const lines = await diagnoseRelease(kc, ctx.env.names.namespace, ctx.env.names.helmRelease);
  for (const line of lines) await ctx.log(line, "warn");
}

/** The Airflow UI's Service: the API server on Airflow 3, the webserver on Airflow 2. */
export function uiServiceNameFor(release: string, airflowVersion: string): string {
  return `${release}-${airflowMajor(airflowVersion) >= 3 ? "api-server" : "webserver"}`;
}

export function uiServiceName(ctx: StepContext): string {
  return uiServiceNameFor(ctx.env.names.helmRelease, ctx.env.airflowVersion);
}

export async function airflowAddress(ctx: StepContext): Promise<string | null> {
  const kc = await clusterAccess(ctx);
  const core = kc.makeApiClient(CoreV1Api);
  const service = await ctx.retry(() => core.readNamespacedService({ name: uiServiceName(ctx), namespace: ctx.env.names.namespace }));
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  const host = ingress?.ip ?? ingress?.hostname;
  const port = service.spec?.ports?.[0]?.port;
  if (!host || !port) return null;
  return `http://${host.includes(":") ? `[${host}]` : host}${port === 80 ? "" : `:${port}`}/`;
}
