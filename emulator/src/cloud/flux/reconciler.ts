import type { CloudContext } from "../context.js";
import type { KubeEvent } from "../kube/clusters.js";
import { CORE_TYPES, FLUX_TYPES, type KubeType } from "../kube/discovery.js";
import type { Kubelet } from "../kube/kubelet.js";
import type { AirflowSite, ClusterState, Json } from "../store.js";
import { airflowRuntime } from "./airflow-runtime.js";
import { HelmReleases, sourceOf } from "./helm-releases.js";
import { pendingRequest } from "./requests.js";
import { progressingStatus, readyCondition, releaseSettled, repositoryReadyStatus } from "./status.js";
import { followStandIn } from "./ui-service.js";
import { referencesValues } from "./values.js";

const REPO = FLUX_TYPES[0] as KubeType;
const RELEASE = FLUX_TYPES[1] as KubeType;
const NAMESPACE = CORE_TYPES[0] as KubeType;

const meta = (obj: Json) => obj.metadata as Json;
/** What source- and helm-controller put on their objects so a delete waits for their clean-up (uninstall). */
export const FLUX_FINALIZER = "finalizers.fluxcd.io";
const suspended = (obj: Json) => (obj.spec as Json | undefined)?.suspend === true;
const finalizersOf = (obj: Json) => (meta(obj).finalizers as string[] | undefined) ?? [];
/**
 * Nothing left to do until the object changes: a repository whose index is stored, a release that
 * reached a verdict (including SourceNotReady, which waits for its source or a new spec).
 */
function done(t: KubeType, obj: Json) {
  if (t === REPO) return ((obj.status as Json | undefined)?.observedGeneration as number | undefined) === meta(obj).generation;
  return releaseSettled(obj);
}


/**
 * Flux's source- and helm-controller: a HelmRepository becomes Ready; a HelmRelease, after a delay,
 * is installed (or upgraded on a new generation) as helm-controller installs it (./helm-releases.ts),
 * with a stand-in Airflow behind its UI Service; a deleted one is uninstalled before it goes.
 */
export class Flux {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly scheduled = new Map<string, number>();

  private readonly releases: HelmReleases;

  constructor(
    private readonly ctx: CloudContext,
    kubelet: Kubelet,
  ) {
    kubelet.runtime = airflowRuntime(ctx);
    // A failed attempt with remediation retries left: helm-controller tries again.
    this.releases = new HelmReleases(ctx, kubelet, (cluster, hr) => this.schedule(cluster, RELEASE, hr, true, true));
  }

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
      if (t === RELEASE) void this.releases.uninstall(e.cluster, e.obj);
      return;
    }
    if (meta(e.obj).deletionTimestamp) return this.finalize(e.cluster, t, e.obj);
    // The CRDs accept an object without a spec; the controllers can do nothing with it.
    if (!e.obj.spec) return;
    // `spec.suspend`: helm-controller returns early ("reconciliation is suspended for this object"),
    // leaving the status as it was; resuming is a new generation, reconciled as any other.
    if (t === RELEASE && suspended(e.obj)) return void clearTimeout(this.timers.get(this.key(e.cluster, t, e.obj)));
    // The controllers' first act on a new object; a moment later, as a controller's watch would see it.
    if (!finalizersOf(e.obj).includes(FLUX_FINALIZER)) setImmediate(() => this.addFinalizer(e.cluster, t, e.obj));
    if (!done(t, e.obj)) this.schedule(e.cluster, t, e.obj);
    // `flux reconcile hr [--reset]`: a request token not handled yet, on a release that has its verdict.
    else if (t === RELEASE && pendingRequest(e.obj)) this.schedule(e.cluster, t, e.obj, true, true);
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
    if (t === RELEASE && suspended(obj)) return;
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
      if (t === RELEASE && suspended(current)) return;
      if (t === REPO) this.ctx.kube.writeStatus(cluster, t, current, repositoryReadyStatus(current, this.ctx.helm.artifact(), cluster.fluxNamespace ?? "flux-system"));
      else void this.releases.reconcile(cluster, current).catch((err) => this.ctx.log(`HelmRelease ${key}: ${String(err)}`));
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
      void this.releases.uninstall(cluster, current)
        .then(release)
        .catch((err) => this.ctx.log(`HelmRelease ${key}: ${String(err)}`));
    }, t === RELEASE ? this.ctx.latencies.helmRelease : this.ctx.latencies.helmRepository);
    this.timers.set(key, timer);
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
    if (cluster) followStandIn(this.ctx.kube, cluster, site);
  }
}
