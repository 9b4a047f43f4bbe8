import type { CloudContext } from "../context.js";
import { FLUX_TYPES, type KubeType } from "../kube/discovery.js";
import { recordEvent } from "../kube/events.js";
import type { Kubelet } from "../kube/kubelet.js";
import type { ClusterState, Json } from "../store.js";
import { signInSource } from "../airflow/sign-in.js";
import { releaseFacts, type ReleaseFacts } from "./chart.js";
import { HelmClient } from "./helm-client.js";
import { CHART_NAME } from "./helm-repository.js";
import { handleRequest } from "./requests.js";
import { performRelease, renderRelease, uninstallObjects, type Outcome, type ReleaseRun } from "./release.js";
import { readyCondition, releasedStatus, releaseSettled, retriesExhausted, sourceNotReadyStatus } from "./status.js";
import { composeValues, dropNulls } from "./values.js";

const REPO = FLUX_TYPES[0] as KubeType;
const RELEASE = FLUX_TYPES[1] as KubeType;

const meta = (obj: Json) => obj.metadata as Json;
const nameOf = (hr: Json) => ({ namespace: meta(hr).namespace as string, name: meta(hr).name as string });
const keyOf = (cluster: ClusterState, hr: Json) => `${cluster.key}/${nameOf(hr).namespace}/${nameOf(hr).name}`;
const siteKey = (cluster: ClusterState, facts: ReleaseFacts) => `${cluster.key}/${facts.namespace}/${facts.release}`;
const chartSpecOf = (hr: Json) => ((hr.spec as Json).chart as Json | undefined)?.spec as Json | undefined;

/** The HelmRepository a release's chart template points at, if it points at one. */
export function sourceOf(hr: Json): { namespace: string; name: string } | undefined {
  const ref = (chartSpecOf(hr)?.sourceRef ?? undefined) as Json | undefined;
  if (!ref || (ref.kind ?? "HelmRepository") !== "HelmRepository") return undefined;
  return { namespace: (ref.namespace as string | undefined) ?? (meta(hr).namespace as string), name: String(ref.name) };
}

/**
 * helm-controller's work on one HelmRelease: its source and values first (SourceNotReady,
 * ValuesError), then the chart rendered and installed or upgraded as Helm does it (./release.ts),
 * its verdict in the status and in an event, and the stand-in Airflow behind its UI Service.
 */
export class HelmReleases {
  /** Releases being installed or upgraded, and the newer object to reconcile once the attempt ends. */
  private readonly running = new Map<string, { done: Promise<void>; again?: Json }>();
  private warnedStub = false;

  constructor(
    private readonly ctx: CloudContext,
    private readonly kubelet: Kubelet,
    /** A failed attempt with remediation retries left: helm-controller tries again. */
    private readonly retry: (cluster: ClusterState, hr: Json) => void,
  ) {}

  private facts(hr: Json) {
    return releaseFacts(hr, (constraint) => this.ctx.helm.resolve(constraint));
  }

  /**
   * Why the release's chart cannot be had, in source-controller's words for its HelmChart, or
   * undefined when it can: the HelmRepository is missing or not ready, or lacks the chart version.
   */
  private sourceProblem(cluster: ClusterState, hr: Json): string | undefined {
    const source = sourceOf(hr);
    if (!source) return undefined;
    const repo = this.ctx.kube.read(cluster, REPO, source.namespace, source.name);
    if (!repo) return `failed to get source: helmrepositories.source.toolkit.fluxcd.io "${source.name}" not found`;
    if (readyCondition(repo)?.status !== "True") return `no artifact available for HelmRepository source '${source.name}'`;
    const spec = chartSpecOf(hr) as Json;
    const why = "invalid chart reference: failed to get chart version for remote reference";
    if (String(spec.chart) !== CHART_NAME) return `${why}: no chart name found`;
    const version = String(spec.version ?? "");
    if (!this.ctx.helm.resolve(version)) return `${why}: no '${CHART_NAME}' chart with version matching '${version}' found`;
    return undefined;
  }

  /** One reconcile per release at a time, as helm-controller holds a release while it works on it. */
  async reconcile(cluster: ClusterState, hr: Json) {
    const key = keyOf(cluster, hr);
    const busy = this.running.get(key);
    if (busy) {
      busy.again = hr;
      return;
    }
    const work = this.reconcileOnce(cluster, hr).finally(() => {
      const again = this.running.get(key)?.again;
      this.running.delete(key);
      if (!again || !this.ctx.kube.get(cluster.key)) return;
      // What changed meanwhile (a new generation) is reconciled now, after this attempt's verdict.
      const current = this.ctx.kube.read(cluster, RELEASE, meta(again).namespace as string, meta(again).name as string);
      if (!current || releaseSettled(current)) return;
      void this.reconcile(cluster, current).catch((err) => this.ctx.log(`HelmRelease ${key}: ${String(err)}`));
    });
    this.running.set(key, { done: work });
    await work;
  }

  private async reconcileOnce(cluster: ClusterState, given: Json) {
    let hr = given;
    const request = handleRequest(hr);
    if (request) hr = this.ctx.kube.writeStatus(cluster, RELEASE, hr, request.status) ?? hr;
    // A request alone changes nothing for a release that has its verdict: Ready, or Stalled until a reset.
    if (request && !request.reset && releaseSettled(hr) && (retriesExhausted(hr) || readyCondition(hr)?.status === "True")) return;
    const problem = this.sourceProblem(cluster, hr);
    if (problem) {
      const source = sourceOf(hr) as { namespace: string };
      const chart = `${source.namespace}/${meta(hr).namespace as string}-${meta(hr).name as string}`;
      const status = sourceNotReadyStatus(hr, `HelmChart '${chart}' is not ready: ${problem}`);
      this.ctx.kube.writeStatus(cluster, RELEASE, hr, status);
      return;
    }
    const composed = composeValues(this.ctx.kube, cluster, hr);
    if ("error" in composed) {
      this.ctx.kube.writeStatus(cluster, RELEASE, hr, sourceNotReadyStatus(hr, composed.error, "ValuesError"));
      return;
    }
    // Helm gets the values as composed (a null removes a key); the stand-in Airflow reads them without the nulls.
    const effective: Json = { ...hr, spec: { ...(hr.spec as Json), values: dropNulls(composed.values) } };
    const facts = this.facts(effective);
    const history = (((hr.status as Json | undefined)?.history ?? []) as Json[]);
    const deployedBefore = history.some((h) => h.status === "deployed" || h.status === "superseded");
    const uid = meta(hr).uid;
    const run: ReleaseRun = {
      ctx: this.ctx,
      kubelet: this.kubelet,
      cluster,
      hr: effective,
      values: composed.values,
      facts,
      action: deployedBefore ? "upgrade" : "install",
      revision: ((history[0]?.version as number | undefined) ?? 0) + 1,
      uiPort: 0,
      cancelled: () => {
        const current = this.ctx.kube.get(cluster.key) && this.ctx.kube.read(cluster, RELEASE, nameOf(hr).namespace, nameOf(hr).name);
        return !current || meta(current).uid !== uid || Boolean(meta(current).deletionTimestamp);
      },
    };
    const rendered = renderRelease(run);
    let outcome: Outcome;
    // helm-controller quotes Helm's error with its surrounding space trimmed.
    if ("refused" in rendered) outcome = { ok: false, message: rendered.refused.trim() };
    else {
      if (rendered.stub && !this.warnedStub) {
        this.warnedStub = true;
        const why = `(AIRFLOW_CHARTS_DIR has no ${facts.chartVersion}/)`;
        this.ctx.log(`chart airflow ${facts.chartVersion} is a stub without templates here ${why}: its releases get only the UI Service`);
      }
      // A new install after a failed one: helm-controller's remediation has uninstalled the failed release first.
      if (run.action === "install" && history.length > 0) uninstallObjects(this.client(cluster, hr, facts));
      run.uiPort = await this.ensureSite(cluster, effective, facts);
      outcome = await performRelease(run, rendered.render.objects, rendered.render.hooks);
      if (!outcome.ok) outcome = { ...outcome, message: outcome.message.trim() };
    }
    if (run.cancelled()) return;
    const current = this.ctx.kube.read(cluster, RELEASE, meta(hr).namespace as string, meta(hr).name as string) as Json;
    // The verdict is for the generation this attempt installed; a newer one (changed meanwhile) is still to do.
    const attempted = { ...current, metadata: { ...meta(current), generation: meta(hr).generation } };
    const verdict = outcome.ok ? { ok: true as const } : { ok: false as const, message: outcome.message };
    const written = this.ctx.kube.writeStatus(cluster, RELEASE, current, releasedStatus(attempted, facts, verdict));
    if (!written) return;
    const ready = readyCondition(written) as Json;
    const message = String(ready.message);
    const event = { reason: String(ready.reason), component: "helm-controller" };
    if (outcome.ok) recordEvent(this.ctx.kube, cluster, written, { type: "Normal", ...event, message });
    else {
      const detailed = outcome.log ? outcome.log.withMessage(message) : message;
      recordEvent(this.ctx.kube, cluster, written, { type: "Warning", ...event, message: detailed });
    }
    if (!outcome.ok && !retriesExhausted(written)) this.retry(cluster, written);
  }

  private client(cluster: ClusterState, hr: Json, facts: ReleaseFacts) {
    const origin = { name: meta(hr).name as string, namespace: meta(hr).namespace as string };
    return new HelmClient(this.ctx.kube, cluster, { name: facts.release, namespace: facts.namespace }, origin);
  }

  /** The release's stand-in Airflow, recorded (and listening while the cluster runs); resolves to its port. */
  private ensureSite(cluster: ClusterState, hr: Json, facts: ReleaseFacts) {
    return this.ctx.airflow.ensure(
      {
        key: siteKey(cluster, facts),
        clusterKey: cluster.key,
        clusterName: cluster.armId.split("/").pop() ?? cluster.key,
        namespace: facts.namespace,
        release: facts.release,
        helmRelease: meta(hr).name as string,
        executor: facts.executor,
        airflowVersion: facts.airflowVersion,
        chartVersion: facts.chartVersion,
        signIn: signInSource(((hr.spec as Json).values ?? {}) as Json, facts.airflowMajor),
      },
      !cluster.stopped,
    );
  }

  /** Helm uninstall, once an attempt under way has stopped: the release's objects go (their pods with them), and its Airflow. */
  async uninstall(cluster: ClusterState, hr: Json) {
    if (!this.ctx.kube.get(cluster.key)) return;
    // Its failure was logged where it happened; the uninstall goes ahead regardless.
    await this.running.get(keyOf(cluster, hr))?.done.catch(() => undefined);
    const facts = this.facts(hr);
    uninstallObjects(this.client(cluster, hr, facts));
    await this.ctx.airflow.remove(siteKey(cluster, facts));
  }
}
