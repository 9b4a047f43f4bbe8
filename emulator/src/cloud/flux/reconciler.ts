import { randomUUID } from "node:crypto";
import type { CloudContext } from "../context.js";
import { kubeNow, type KubeEvent } from "../kube/clusters.js";
import { CORE_TYPES, FLUX_TYPES, type KubeType } from "../kube/discovery.js";
import type { AirflowSite, ClusterState, Json } from "../store.js";
import { plannedServices, releaseFacts, renderService, type ReleaseFacts } from "./chart.js";
import type { ValuesValidator } from "./schema.js";
import { signInSource } from "../airflow/sign-in.js";
import { CHART_NAME } from "./helm-repository.js";
import { applyWorkloads, removeWorkloads } from "./workloads.js";
import { progressingStatus, readyCondition, releasedStatus, repositoryReadyStatus, retriesExhausted, sourceNotReadyStatus } from "./status.js";
import { composeValues, dropNulls, referencesValues } from "./values.js";

const REPO = FLUX_TYPES[0] as KubeType;
const RELEASE = FLUX_TYPES[1] as KubeType;
const SERVICE = CORE_TYPES.find((t) => t.kind === "Service") as KubeType;
const NAMESPACE = CORE_TYPES[0] as KubeType;

const meta = (obj: Json) => obj.metadata as Json;
/** What source- and helm-controller put on their objects so a delete waits for their clean-up (uninstall). */
export const FLUX_FINALIZER = "finalizers.fluxcd.io";
const finalizersOf = (obj: Json) => (meta(obj).finalizers as string[] | undefined) ?? [];
/**
 * Nothing left to do until the object changes: a repository whose index is stored, a release that
 * reached a verdict (including SourceNotReady, which waits for its source or a new spec).
 */
function done(t: KubeType, obj: Json) {
  if (t === REPO) return ((obj.status as Json | undefined)?.observedGeneration as number | undefined) === meta(obj).generation;
  const ready = readyCondition(obj);
  return ready !== undefined && ready.status !== "Unknown" && ready.observedGeneration === meta(obj).generation;
}

const chartSpecOf = (hr: Json) => ((hr.spec as Json).chart as Json | undefined)?.spec as Json | undefined;

/** The HelmRepository a release's chart template points at, if it points at one. */
function sourceOf(hr: Json): { namespace: string; name: string } | undefined {
  const ref = (chartSpecOf(hr)?.sourceRef ?? undefined) as Json | undefined;
  if (!ref || (ref.kind ?? "HelmRepository") !== "HelmRepository") return undefined;
  return { namespace: (ref.namespace as string | undefined) ?? (meta(hr).namespace as string), name: String(ref.name) };
}
const siteKey = (cluster: ClusterState, facts: ReleaseFacts) => `${cluster.key}/${facts.namespace}/${facts.release}`;

/**
 * Flux's source- and helm-controller, reduced to what the portal observes: a HelmRepository
 * becomes Ready, a HelmRelease installs (or upgrades on a new generation) after a delay, with its
 * values checked against the chart's schema, and the chart's Services and a stand-in Airflow appear.
 */
export class Flux {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly scheduled = new Map<string, number>();

  constructor(
    private readonly ctx: CloudContext,
    private readonly validate: ValuesValidator | undefined,
  ) {}

  start() {
    this.ctx.kube.subscribe((e) => this.onEvent(e));
    this.ctx.kube.onClusterRemoved.push((c) => void this.dropSites((s) => s.clusterKey === c.key));
    this.ctx.kube.onPowerChange.push((c) => void this.powerChanged(c));
    this.ctx.airflow.onPortChanged.push((site) => this.portChanged(site));
    // After a restart: finish what was in progress, reopen the Airflow sites of running clusters.
    for (const cluster of this.ctx.kube.all()) {
      if (!cluster.fluxInstalled) continue;
      for (const repo of this.ctx.kube.list(cluster, REPO)) if (!done(REPO, repo)) this.schedule(cluster, REPO, repo);
      // Releases waiting for a source look again: it may have become ready while the emulator was down.
      for (const hr of this.ctx.kube.list(cluster, RELEASE)) if (!done(RELEASE, hr) || readyCondition(hr)?.reason === "SourceNotReady") this.schedule(cluster, RELEASE, hr, true);
      for (const t of [REPO, RELEASE]) for (const obj of this.ctx.kube.list(cluster, t)) if (meta(obj).deletionTimestamp) this.finalize(cluster, t, obj);
    }
    return Promise.all(this.ctx.airflow.list().filter((s) => !this.ctx.kube.get(s.clusterKey)?.stopped).map((s) => this.ctx.airflow.open(s)));
  }

  close() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private onEvent(e: KubeEvent) {
    const t = e.kubeType;
    if (t !== REPO && t !== RELEASE) {
      if (t === NAMESPACE && e.type === "DELETED") void this.dropSites((s) => s.clusterKey === e.cluster.key && s.namespace === meta(e.obj).name);
      // A values Secret or ConfigMap that appears or changes: releases waiting for it try again.
      if ((t.kind === "Secret" || t.kind === "ConfigMap") && e.type !== "DELETED" && e.cluster.fluxInstalled) {
        for (const hr of this.ctx.kube.list(e.cluster, RELEASE, meta(e.obj).namespace as string)) {
          if (readyCondition(hr)?.reason === "ValuesError" && referencesValues(hr, t.kind, meta(e.obj).namespace as string, meta(e.obj).name as string)) this.schedule(e.cluster, RELEASE, hr, true);
        }
      }
      return;
    }
    if (e.type === "DELETED") {
      clearTimeout(this.timers.get(this.key(e.cluster, t, e.obj)));
      if (t === RELEASE) void this.uninstall(e.cluster, e.obj);
      return;
    }
    if (meta(e.obj).deletionTimestamp) return this.finalize(e.cluster, t, e.obj);
    // The CRDs accept an object without a spec; the controllers can do nothing with it.
    if (!e.obj.spec) return;
    // The controllers' first act on a new object; a moment later, as a controller's watch would see it.
    if (!finalizersOf(e.obj).includes(FLUX_FINALIZER)) setImmediate(() => this.addFinalizer(e.cluster, t, e.obj));
    if (!done(t, e.obj)) this.schedule(e.cluster, t, e.obj);
    if (t === REPO && readyCondition(e.obj)?.status === "True") {
      // Releases that were waiting for this source try again now, as the controllers' watches make them.
      for (const hr of this.ctx.kube.list(e.cluster, RELEASE)) {
        const source = sourceOf(hr);
        if (readyCondition(hr)?.reason === "SourceNotReady" && source && source.namespace === meta(e.obj).namespace && source.name === meta(e.obj).name) this.schedule(e.cluster, RELEASE, hr, true);
      }
    }
  }

  private key(cluster: ClusterState, t: KubeType, obj: Json) {
    return `${cluster.key}/${t.kind}/${meta(obj).namespace as string}/${meta(obj).name as string}`;
  }

  private schedule(cluster: ClusterState, t: KubeType, obj: Json, again = false, retry = false) {
    const key = this.key(cluster, t, obj);
    const generation = meta(obj).generation as number;
    if (!again && this.scheduled.get(key) === generation && this.timers.has(key)) return;
    this.scheduled.set(key, generation);
    clearTimeout(this.timers.get(key));
    const latency = t === RELEASE ? this.ctx.latencies.helmRelease : this.ctx.latencies.helmRepository;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const current = this.ctx.kube.read(cluster, t, meta(obj).namespace as string, meta(obj).name as string);
      if (!current || !this.ctx.kube.get(cluster.key)) return;
      if (t === REPO) this.ctx.kube.writeStatus(cluster, t, current, repositoryReadyStatus(current, this.ctx.helm.artifact(), cluster.fluxNamespace ?? "flux-system"));
      else void this.reconcileRelease(cluster, current).catch((err) => this.ctx.log(`HelmRelease ${key}: ${String(err)}`));
    }, latency);
    this.timers.set(key, timer);
    // After the timer is set, so the status event this write causes finds the work already scheduled.
    if (t === RELEASE && !retry && readyCondition(obj)?.reason !== "Progressing") this.ctx.kube.writeStatus(cluster, t, obj, progressingStatus(obj));
  }

  private addFinalizer(cluster: ClusterState, t: KubeType, obj: Json) {
    const current = this.ctx.kube.get(cluster.key) && this.ctx.kube.read(cluster, t, meta(obj).namespace as string, meta(obj).name as string);
    if (!current || meta(current).deletionTimestamp || finalizersOf(current).includes(FLUX_FINALIZER)) return;
    this.ctx.kube.write(cluster, t, { ...current, metadata: { ...meta(current), finalizers: [...finalizersOf(current), FLUX_FINALIZER] } });
  }

  /**
   * An object being deleted: a release is uninstalled (its Services and Airflow go) after the
   * release latency, a repository's artifact is dropped after the repository's; then the finalizer
   * goes, and with it the object (unless someone else's finalizer holds it).
   */
  private finalize(cluster: ClusterState, t: KubeType, obj: Json) {
    const key = `${this.key(cluster, t, obj)}/delete`;
    clearTimeout(this.timers.get(this.key(cluster, t, obj)));
    if (this.timers.has(key) || !finalizersOf(obj).includes(FLUX_FINALIZER)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const current = this.ctx.kube.get(cluster.key) && this.ctx.kube.read(cluster, t, meta(obj).namespace as string, meta(obj).name as string);
      if (!current) return;
      const release = () => {
        const latest = this.ctx.kube.get(cluster.key) && this.ctx.kube.read(cluster, t, meta(obj).namespace as string, meta(obj).name as string);
        if (latest) this.ctx.kube.write(cluster, t, { ...latest, metadata: { ...meta(latest), finalizers: finalizersOf(latest).filter((f) => f !== FLUX_FINALIZER) } });
      };
      if (t !== RELEASE) return void release();
      void this.uninstall(cluster, current)
        .then(release)
        .catch((err) => this.ctx.log(`HelmRelease ${key}: ${String(err)}`));
    }, t === RELEASE ? this.ctx.latencies.helmRelease : this.ctx.latencies.helmRepository);
    this.timers.set(key, timer);
  }

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

  private async reconcileRelease(cluster: ClusterState, hr: Json) {
    const problem = this.sourceProblem(cluster, hr);
    if (problem) {
      const source = sourceOf(hr) as { namespace: string };
      const chart = `${source.namespace}/${meta(hr).namespace as string}-${meta(hr).name as string}`;
      this.ctx.kube.writeStatus(cluster, RELEASE, hr, sourceNotReadyStatus(hr, `HelmChart '${chart}' is not ready: ${problem}`));
      return;
    }
    const composed = composeValues(this.ctx.kube, cluster, hr);
    if ("error" in composed) {
      this.ctx.kube.writeStatus(cluster, RELEASE, hr, sourceNotReadyStatus(hr, composed.error, "ValuesError"));
      return;
    }
    // What Helm installs: the composed values, a null removing the chart's default.
    const effective: Json = { ...hr, spec: { ...(hr.spec as Json), values: dropNulls(composed.values) } };
    const facts = this.facts(effective);
    const failure = this.failure(cluster, effective, facts);
    if (failure) {
      // Helm gave up waiting (an injected failure): what it applied stays, not Ready. A refused chart renders nothing.
      if (failure.rendered) applyWorkloads(this.ctx.kube, cluster, effective, facts, false);
      const failed = this.ctx.kube.writeStatus(cluster, RELEASE, hr, releasedStatus(hr, facts, { ok: false, message: failure.message }));
      // Remediation retries left: helm-controller tries again.
      if (failed && !retriesExhausted(failed)) this.schedule(cluster, RELEASE, failed, true, true);
      return;
    }
    if (!this.ctx.kube.read(cluster, NAMESPACE, undefined, facts.namespace)) this.ctx.kube.createNamespace(cluster, facts.namespace);
    const key = siteKey(cluster, facts);
    const port = await this.ctx.airflow.ensure(
      {
        key,
        clusterKey: cluster.key,
        clusterName: cluster.armId.split("/").pop() ?? cluster.key,
        namespace: facts.namespace,
        release: facts.release,
        helmRelease: meta(hr).name as string,
        executor: facts.executor,
        airflowVersion: facts.airflowVersion,
        chartVersion: facts.chartVersion,
        signIn: signInSource(((effective.spec as Json).values ?? {}) as Json, facts.airflowMajor),
      },
      !cluster.stopped,
    );
    this.applyServices(cluster, effective, facts, port);
    applyWorkloads(this.ctx.kube, cluster, effective, facts, true);
    const current = this.ctx.kube.read(cluster, RELEASE, meta(hr).namespace as string, meta(hr).name as string);
    if (current) this.ctx.kube.writeStatus(cluster, RELEASE, current, releasedStatus(current, facts, { ok: true }));
  }

  /** Why Helm would refuse this install, if it would: the chart's schema, a missing namespace, or an injected failure. */
  private failure(cluster: ClusterState, hr: Json, facts: ReleaseFacts): { message: string; rendered: boolean } | undefined {
    const errors = this.validate?.((hr.spec as Json).values ?? {}) ?? [];
    if (errors.length > 0) return { rendered: false, message: `values don't meet the specifications of the schema(s) in the following chart(s):\nairflow:\n${errors.join("\n")}` };
    const install = ((hr.spec as Json).install ?? {}) as Json;
    if (!this.ctx.kube.read(cluster, NAMESPACE, undefined, facts.namespace) && install.createNamespace !== true) {
      return { rendered: false, message: `failed to create resource: namespaces "${facts.namespace}" not found` };
    }
    const injected = this.ctx.faults.take("helmInstallFailed", { kind: "helmRelease", name: meta(hr).name as string });
    if (injected) return { rendered: true, message: injected.message ?? "context deadline exceeded" };
    return undefined;
  }

  /** Creates, updates and prunes the release's Services to match the chart for these values. */
  private applyServices(cluster: ClusterState, hr: Json, facts: ReleaseFacts, uiPort: number | undefined) {
    const wanted = plannedServices(hr, facts).map((plan) => renderService(plan, facts, hr, uiPort));
    const names = new Set(wanted.map((s) => meta(s).name));
    for (const svc of this.ctx.kube.list(cluster, SERVICE, facts.namespace)) {
      if ((meta(svc).labels as Json | undefined)?.release === facts.release && meta(svc).labels && (meta(svc).labels as Json).heritage === "Helm" && !names.has(meta(svc).name)) {
        this.ctx.kube.remove(cluster, SERVICE, svc);
      }
    }
    for (const svc of wanted) {
      const existing = this.ctx.kube.read(cluster, SERVICE, facts.namespace, meta(svc).name as string);
      const existingMeta = existing ? meta(existing) : undefined;
      const spec = svc.spec as Json;
      if (existing && spec.clusterIP === undefined) spec.clusterIP = (existing.spec as Json).clusterIP;
      spec.clusterIP ??= `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
      spec.clusterIPs = [spec.clusterIP];
      Object.assign(meta(svc), { uid: existingMeta?.uid ?? randomUUID(), creationTimestamp: existingMeta?.creationTimestamp ?? kubeNow(), generation: 1 });
      this.ctx.kube.write(cluster, SERVICE, svc);
    }
  }

  private async uninstall(cluster: ClusterState, hr: Json) {
    if (!this.ctx.kube.get(cluster.key)) return;
    const facts = this.facts(hr);
    for (const svc of this.ctx.kube.list(cluster, SERVICE, facts.namespace)) {
      if ((meta(svc).labels as Json | undefined)?.release === facts.release) this.ctx.kube.remove(cluster, SERVICE, svc);
    }
    removeWorkloads(this.ctx.kube, cluster, facts);
    await this.ctx.airflow.remove(siteKey(cluster, facts));
  }

  private async dropSites(which: (site: AirflowSite) => boolean) {
    await Promise.all(this.ctx.airflow.list().filter(which).map((s) => this.ctx.airflow.remove(s.key)));
  }

  /** A stopped cluster's Airflow is unreachable; starting it brings Airflow back at the same address. */
  private async powerChanged(cluster: ClusterState) {
    const sites = this.ctx.airflow.list().filter((s) => s.clusterKey === cluster.key);
    await Promise.all(sites.map((s) => (cluster.stopped ? this.ctx.airflow.closeSite(s.key) : this.ctx.airflow.open(s))));
  }

  private portChanged(site: AirflowSite) {
    const cluster = this.ctx.kube.get(site.clusterKey);
    const release = cluster && this.ctx.kube.list(cluster, RELEASE).find((r) => releaseFacts(r).release === site.release && releaseFacts(r).namespace === site.namespace);
    if (cluster && release) this.applyServices(cluster, release, this.facts(release), site.port);
  }
}
