import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api } from "@kubernetes/client-node";
import { CloudError } from "@/lib/azure/errors";
import { airflowMajor } from "@/lib/environments/catalog";
import { chartValuesValidator, describeSchemaErrors } from "@/lib/helm/chart-schema";
import { airflowHelmValues } from "@/lib/helm/airflow-values";
import { applyObject, readObject } from "@/lib/kubernetes/apply";
import { helmRelease, helmRepository, releaseState, type FluxObject } from "@/lib/kubernetes/flux";
import type { StepContext, StepRun } from "../context";
import { signInSettings } from "./airflow-access";
import { clusterAccess } from "./cluster-access";

export function valuesFor(ctx: StepContext): Record<string, unknown> {
  const { env } = ctx;
  return airflowHelmValues({
    executor: env.executor,
    airflowVersion: env.airflowVersion,
    size: env.size,
    dagSource: env.dagSource,
    exposure: ctx.config.airflowAccess ? "ingress" : ctx.config.airflowExposure,
    signIn: signInSettings(ctx),
  });
}

/** HelmRepository and HelmRelease of the official chart, at the environment's pinned version, values checked first. */
export const applyHelmRelease: StepRun = async (ctx) => {
  const { env, config } = ctx;
  const values = valuesFor(ctx);
  const validator = await ctx.retry(() => chartValuesValidator(config.helmRepositoryUrl, "airflow", env.chartVersion, ctx.signal));
  if (validator) {
    if (!validator(values)) {
      throw new CloudError("ValuesSchemaInvalid", `The Helm values do not match chart airflow ${env.chartVersion}'s schema: ${describeSchemaErrors(validator)}`, false);
    }
    await ctx.log(`Helm values match chart airflow ${env.chartVersion}'s schema`);
  } else {
    await ctx.log(`The repository's index does not list chart airflow ${env.chartVersion}; Flux will say why`, "warn");
  }
  const kc = await clusterAccess(ctx);
  const ns = env.names.namespace;
  await ctx.retry(() => applyObject(kc, helmRepository(ns, config.helmRepositoryUrl)));
  const release = await ctx.retry(() => applyObject(kc, helmRelease({ name: env.names.helmRelease, namespace: ns, chartVersion: env.chartVersion, values })));
  await ctx.log(`HelmRelease ${ns}/${env.names.helmRelease} applied (chart airflow ${env.chartVersion}, generation ${release.metadata?.generation ?? "?"})`);
  return { chartVersion: env.chartVersion, generation: release.metadata?.generation ?? null, helmValues: values };
};

/** Waits for Flux's `Ready` condition on the release; a `False` fails the step with Helm's words. */
export const waitForHelmRelease: StepRun = async (ctx) => {
  const { env } = ctx;
  const deadline = Date.now() + ctx.config.helmTimeoutMs;
  let lastMessage = "";
  // One credential fetch per few minutes, not per poll; the Entra token inside lasts longer.
  let kc = await clusterAccess(ctx);
  let builtAt = Date.now();
  for (;;) {
    if (Date.now() - builtAt > 5 * 60_000) {
      kc = await clusterAccess(ctx);
      builtAt = Date.now();
    }
    const release = await ctx.retry(() =>
      readObject<FluxObject>(kc, { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: env.names.helmRelease, namespace: env.names.namespace } }),
    );
    if (!release) throw new CloudError("NotFound", `HelmRelease ${env.names.namespace}/${env.names.helmRelease} does not exist`, false);
    const state = releaseState(release);
    if (state.phase === "ready") {
      await ctx.log("Flux reports the Helm release Ready");
      return { revision: release.status?.lastAttemptedRevision ?? null };
    }
    if (state.phase === "failed") throw new CloudError(state.reason, state.message || state.reason, false);
    if (state.message !== lastMessage) await ctx.log(`Flux: ${state.message}`);
    lastMessage = state.message;
    if (Date.now() > deadline) throw new CloudError("Timeout", `The Helm release was not ready in time: ${state.message}`, false);
    await sleep(Math.min(2_000, ctx.config.azure.pollIntervalMs), undefined, { signal: ctx.signal });
  }
};

/** The Airflow UI's Service: the API server on Airflow 3, the webserver on Airflow 2. */
export function uiServiceName(ctx: StepContext): string {
  return `${ctx.env.names.helmRelease}-${airflowMajor(ctx.env.airflowVersion) >= 3 ? "api-server" : "webserver"}`;
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
