import { ChartRefusedError, renderChart, type ChartRender, type RenderedObject } from "@/lib/helm/render";
import type { CloudContext } from "../context.js";
import type { ClusterState, Json } from "../store.js";
import { groupVersion, KUBERNETES_VERSION, typeOf } from "../kube/discovery.js";
import type { Kubelet } from "../kube/kubelet.js";
import type { ReleaseFacts } from "./chart.js";
import { HelmClient, HelmError, type Built } from "./helm-client.js";
import { HelmLog } from "./helm-log.js";
import { runHooks, type HookRun } from "./hooks.js";
import { helmTimeScale, parseGoDuration } from "./timing.js";
import { findUiService, pointAtStandIn, stubUiService } from "./ui-service.js";
import { isReady, waitForResources } from "./wait.js";

export type Action = "install" | "upgrade";
export type Outcome = { ok: true } | { ok: false; message: string; log?: HelmLog };

/** What one install or upgrade needs from the reconciler. */
export interface ReleaseRun {
  ctx: CloudContext;
  kubelet: Kubelet;
  cluster: ClusterState;
  /** The HelmRelease, its `spec.values` the composed values without nulls (what the stand-in reads). */
  hr: Json;
  /** The composed values as Helm gets them: a null removes the chart's default. */
  values: Json;
  facts: ReleaseFacts;
  action: Action;
  /** The Helm revision this attempt makes. */
  revision: number;
  /** The stand-in Airflow's port, which a LoadBalancer UI Service is pointed at. */
  uiPort: number;
  /** True once the release is gone or being deleted: Helm's context is cancelled. */
  cancelled: () => boolean;
}

const specOf = (hr: Json) => (hr.spec ?? {}) as Json;
const DEFAULT_TIMEOUT = 5 * 60_000;

/** `.Capabilities.APIVersions`: what the cluster's discovery serves, as group/version and group/version/Kind. */
function apiVersions(ctx: CloudContext, cluster: ClusterState): string[] {
  const types = ctx.kube.types(cluster);
  return [...new Set(types.flatMap((t) => [groupVersion(t), `${groupVersion(t)}/${t.kind}`]))];
}

/**
 * The chart the HelmRepository serves for the release, rendered as helm-controller renders it: its
 * real package when the repository has one; for a stub package without templates (no
 * AIRFLOW_CHARTS_DIR), nothing but the UI Service, so the stand-in Airflow still answers.
 */
export function renderRelease(run: ReleaseRun): { render: ChartRender; stub: boolean } | { refused: string } {
  const { ctx, facts } = run;
  const values = run.values;
  const options = (specOf(run.hr)[run.action] ?? {}) as Json;
  const archive = ctx.helm.archive(facts.chartVersion);
  if (!archive) return { refused: `chart airflow ${facts.chartVersion} not found` };
  try {
    const render = renderChart({
      chart: archive,
      values,
      releaseName: facts.release,
      namespace: facts.namespace,
      kubeVersion: KUBERNETES_VERSION.gitVersion,
      apiVersions: apiVersions(ctx, run.cluster),
      isUpgrade: run.action === "upgrade",
      revision: run.revision,
      skipSchemaValidation: options.disableSchemaValidation === true,
    });
    const stub = !ctx.helm.fullCharts.includes(facts.chartVersion);
    if (!stub) return { render, stub };
    const ui = stubUiService((specOf(run.hr).values ?? {}) as Json, facts);
    return { render: { ...render, objects: [...render.objects, ui] }, stub };
  } catch (err) {
    if (err instanceof ChartRefusedError) return { refused: err.message };
    throw err;
  }
}

/** The timing of one action: spec.<action>.timeout, else spec.timeout, else 5m — scaled to the emulator's time. */
function timing(run: ReleaseRun) {
  const spec = specOf(run.hr);
  const text = ((spec[run.action] as Json | undefined)?.timeout ?? spec.timeout) as string | undefined;
  const shownTimeoutMs = (text && parseGoDuration(text)) || DEFAULT_TIMEOUT;
  const scale = helmTimeScale(run.ctx.latencies);
  // Helm's waiter looks every 2 s.
  return { shownTimeoutMs, timeoutMs: shownTimeoutMs * scale, pollMs: Math.max(10, Math.min(2000, 2000 * scale)) };
}

/** Helm uninstall as helm-controller's remediation runs it: the release's objects go, its hooks' stay. */
export function uninstallObjects(client: HelmClient) {
  for (const { t, obj } of client.owned()) client.delete(t, obj);
}

/**
 * One Helm install or upgrade of an already rendered chart, as Helm 3.19 performs it inside
 * helm-controller: pre hooks, the objects (created, or updated and pruned), the wait for them
 * unless disabled, post hooks. Resolves to what helm-controller records: success, or Helm's error.
 */
export async function performRelease(
  run: ReleaseRun,
  objects: RenderedObject[],
  hooks: ChartRender["hooks"],
): Promise<Outcome> {
  const { ctx, cluster, facts, action } = run;
  const metadata = run.hr.metadata as Json;
  const origin = { name: String(metadata.name), namespace: String(metadata.namespace) };
  const client = new HelmClient(ctx.kube, cluster, { name: facts.release, namespace: facts.namespace }, origin);
  const log = new HelmLog();
  const fail = (message: string): Outcome => ({ ok: false, message, log });
  const options = (specOf(run.hr)[action] ?? {}) as Json;
  let built: Built[];
  try {
    built = client.build(objects, true);
  } catch (err) {
    if (!(err instanceof HelmError)) throw err;
    return fail(`unable to build kubernetes objects from release manifest: ${err.message}`);
  }
  pointAtStandIn(findUiService(built), run.uiPort);

  // helm-controller creates the target namespace only for a release with a targetNamespace that asks for it.
  if (action === "install" && specOf(run.hr).targetNamespace && options.createNamespace === true) {
    const exists = ctx.kube.read(cluster, typeOf("Namespace"), undefined, facts.namespace);
    if (!exists) ctx.kube.createNamespace(cluster, facts.namespace);
  }
  const { timeoutMs, shownTimeoutMs, pollMs } = timing(run);
  const settle = () => run.kubelet.sync(cluster, facts.namespace);
  const hookRun: HookRun = { client, log, timeoutMs, shownTimeoutMs, pollMs, settle, cancelled: run.cancelled };
  const runEvent = async (event: string, wrap: (e: string) => string) => {
    if (options.disableHooks === true) return undefined;
    const failure = await runHooks(hookRun, hooks, event);
    return failure === undefined ? undefined : wrap(failure);
  };

  const install = action === "install";
  const pre = await runEvent(`pre-${action}`, (e) => (install ? `failed pre-install: ${e}` : `pre-upgrade hooks failed: ${e}`));
  if (pre) return fail(pre);
  log.log(install ? `creating ${built.length} resource(s)` : `checking ${built.length} resources for changes`);
  const applyError = client.apply(built, action === "upgrade");
  if (applyError) return fail(applyError);
  if (action === "upgrade") {
    const wanted = new Set(built.map((b) => `${b.t.kind}/${b.namespace ?? ""}/${b.name}`));
    for (const { t, obj } of client.owned()) {
      const m = obj.metadata as Json;
      if (wanted.has(`${t.kind}/${String(m.namespace ?? "")}/${String(m.name)}`)) continue;
      log.log(`Deleting ${t.kind} "${String(m.name)}" in namespace ${String(m.namespace ?? "")}...`);
      client.delete(t, obj);
    }
  }
  // An injected failure stands for whatever else makes Helm give up once the objects are applied.
  const injected = ctx.faults.take("helmInstallFailed", { kind: "helmRelease", name: String(metadata.name) });
  if (injected) return fail(injected.message ?? "context deadline exceeded");

  if (options.disableWait !== true) {
    const checkJobs = options.disableWaitForJobs !== true;
    const check = (b: Built) => isReady(ctx.kube, cluster, b, checkJobs, log);
    const timing = { timeoutMs, shownTimeoutMs, pollMs };
    const waited = await waitForResources(check, built, { ...timing, log, tick: settle, cancelled: run.cancelled });
    if (waited) return fail(waited);
  }
  const post = await runEvent(`post-${action}`, (e) => (install ? `failed post-install: ${e}` : `post-upgrade hooks failed: ${e}`));
  if (post) return fail(post);
  return { ok: true };
}
