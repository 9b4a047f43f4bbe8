import { randomUUID } from "node:crypto";
import type { CloudContext } from "../context.js";
import { kubeNow, type KubeEvent } from "../kube/clusters.js";
import { CORE_TYPES, FLUX_TYPES, type KubeType } from "../kube/discovery.js";
import type { AirflowSite, ClusterState, Json } from "../store.js";
import { plannedServices, releaseFacts, renderService, type ReleaseFacts } from "./chart.js";
import type { ValuesValidator } from "./schema.js";
import { progressingStatus, readyCondition, releasedStatus, repositoryReadyStatus, waitingForSourceStatus } from "./status.js";

const REPO = FLUX_TYPES[0] as KubeType;
const RELEASE = FLUX_TYPES[1] as KubeType;
const SERVICE = CORE_TYPES.find((t) => t.kind === "Service") as KubeType;
const NAMESPACE = CORE_TYPES[0] as KubeType;

const meta = (obj: Json) => obj.metadata as Json;
const done = (obj: Json) => ((obj.status as Json | undefined)?.observedGeneration as number | undefined) === meta(obj).generation && readyCondition(obj)?.reason !== "ArtifactFailed";
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
      for (const repo of this.ctx.kube.list(cluster, REPO)) if (!done(repo)) this.schedule(cluster, REPO, repo);
      for (const hr of this.ctx.kube.list(cluster, RELEASE)) if (!done(hr)) this.schedule(cluster, RELEASE, hr);
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
      return;
    }
    if (e.type === "DELETED") {
      clearTimeout(this.timers.get(this.key(e.cluster, t, e.obj)));
      if (t === RELEASE) void this.uninstall(e.cluster, e.obj);
      return;
    }
    if (!done(e.obj)) this.schedule(e.cluster, t, e.obj);
    if (t === REPO && readyCondition(e.obj)?.status === "True") {
      // Releases that were waiting for this source try again now.
      for (const hr of this.ctx.kube.list(e.cluster, RELEASE, meta(e.obj).namespace as string)) {
        if (readyCondition(hr)?.reason === "ArtifactFailed") this.schedule(e.cluster, RELEASE, hr, true);
      }
    }
  }

  private key(cluster: ClusterState, t: KubeType, obj: Json) {
    return `${cluster.key}/${t.kind}/${meta(obj).namespace as string}/${meta(obj).name as string}`;
  }

  private schedule(cluster: ClusterState, t: KubeType, obj: Json, again = false) {
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
      if (t === REPO) this.ctx.kube.writeStatus(cluster, t, current, repositoryReadyStatus(current));
      else void this.reconcileRelease(cluster, current).catch((err) => this.ctx.log(`HelmRelease ${key}: ${String(err)}`));
    }, latency);
    this.timers.set(key, timer);
    // After the timer is set, so the status event this write causes finds the work already scheduled.
    if (t === RELEASE && readyCondition(obj)?.reason !== "Progressing") this.ctx.kube.writeStatus(cluster, t, obj, progressingStatus(obj));
  }

  private async reconcileRelease(cluster: ClusterState, hr: Json) {
    const spec = hr.spec as Json;
    const chartSpec = (spec.chart as Json | undefined)?.spec as Json | undefined;
    const sourceRef = (chartSpec?.sourceRef ?? {}) as Json;
    if (chartSpec && (sourceRef.kind ?? "HelmRepository") === "HelmRepository") {
      const sourceNs = (sourceRef.namespace as string | undefined) ?? (meta(hr).namespace as string);
      const repo = this.ctx.kube.read(cluster, REPO, sourceNs, String(sourceRef.name));
      if (!repo || readyCondition(repo)?.status !== "True") {
        const why = repo ? "is not ready" : "not found";
        this.ctx.kube.writeStatus(cluster, RELEASE, hr, waitingForSourceStatus(hr, `HelmChart '${meta(hr).namespace as string}/${meta(hr).namespace as string}-${meta(hr).name as string}' is not ready: HelmRepository '${sourceNs}/${String(sourceRef.name)}' ${why}`));
        return;
      }
    }
    const facts = releaseFacts(hr);
    const failure = this.failure(cluster, hr, facts);
    if (failure) {
      this.ctx.kube.writeStatus(cluster, RELEASE, hr, releasedStatus(hr, facts, { ok: false, message: failure }));
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
      },
      !cluster.stopped,
    );
    this.applyServices(cluster, hr, facts, port);
    const current = this.ctx.kube.read(cluster, RELEASE, meta(hr).namespace as string, meta(hr).name as string);
    if (current) this.ctx.kube.writeStatus(cluster, RELEASE, current, releasedStatus(current, facts, { ok: true }));
  }

  /** Why Helm would refuse this install, if it would: the chart's schema, a missing namespace, or an injected failure. */
  private failure(cluster: ClusterState, hr: Json, facts: ReleaseFacts): string | undefined {
    const errors = this.validate?.((hr.spec as Json).values ?? {}) ?? [];
    if (errors.length > 0) return `values don't meet the specifications of the schema(s) in the following chart(s):\nairflow:\n${errors.join("\n")}`;
    const install = ((hr.spec as Json).install ?? {}) as Json;
    if (!this.ctx.kube.read(cluster, NAMESPACE, undefined, facts.namespace) && install.createNamespace !== true) {
      return `failed to create resource: namespaces "${facts.namespace}" not found`;
    }
    const injected = this.ctx.faults.take("helmInstallFailed", { kind: "helmRelease", name: meta(hr).name as string });
    if (injected) return injected.message ?? "context deadline exceeded";
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
    const facts = releaseFacts(hr);
    for (const svc of this.ctx.kube.list(cluster, SERVICE, facts.namespace)) {
      if ((meta(svc).labels as Json | undefined)?.release === facts.release) this.ctx.kube.remove(cluster, SERVICE, svc);
    }
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
    if (cluster && release) this.applyServices(cluster, release, releaseFacts(release), site.port);
  }
}
