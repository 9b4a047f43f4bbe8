import type { ClusterState, Json } from "../store.js";
import { kubeNow, type KubeClusters, type KubeEvent } from "./clusters.js";
import { typeOf, type KubeType } from "./discovery.js";
import { recordEvent } from "./events.js";
import { nodeNames } from "./nodes.js";
import { evaluatePod, statusEssence, type PodEnvironment } from "./pod-status.js";
import { nameSuffix, ownerOf, podFromTemplate, templateHash } from "./pods.js";
import { owned, replicate, replicateSet, rollOut, templateOf } from "./replication.js";
import { deploymentStatus, jobFinishedAt, jobStatus, replicaSetStatus, statefulSetStatus } from "./rollups.js";
import { bindClaims, publishLoadBalancers } from "./volumes.js";

const POD = typeOf("Pod");
const DEPLOYMENT = typeOf("Deployment");
const REPLICASET = typeOf("ReplicaSet");
const STATEFULSET = typeOf("StatefulSet");
const JOB = typeOf("Job");
const PVC = typeOf("PersistentVolumeClaim");
const NAMESPACE = typeOf("Namespace");
/** The kinds whose changes can change what runs in a namespace, or whether it can start. */
const WATCHED = new Set([POD, DEPLOYMENT, REPLICASET, STATEFULSET, JOB, PVC, ...["Secret", "ConfigMap", "Service"].map(typeOf)]);

/** What the kubelet cannot tell from the objects: what the images do. Airflow's are described in ../flux. */
export interface PodRuntime {
  /** Whether an init container waiting for something outside its pod may finish. */
  initDone(cluster: ClusterState, pod: Json, container: Json): boolean;
  /** How a container that runs to completion (a Job's) ends. */
  exit(cluster: ClusterState, pod: Json, container: Json): { exitCode: number; message?: string };
}

const metaOf = (obj: Json) => obj.metadata as Json;
const nameOf = (obj: Json) => String(metaOf(obj).name);
const specOf = (obj: Json) => (obj.spec ?? {}) as Json;
const conditionsOf = (obj: Json) => ((obj.status as Json | undefined)?.conditions ?? []) as Json[];

/**
 * The cluster's kubelets and the controllers between a workload and its pods, reduced to what
 * decides readiness: Deployments get ReplicaSets and pods, StatefulSets pods and claims, Jobs a pod;
 * claims of AKS's storage classes bind; LoadBalancer Services get an address; each pod starts as
 * far as its Secrets, ConfigMaps, claims and init containers let it, and the workloads' status says
 * so. A namespace settles again whenever something it runs on changes.
 */
export class Kubelet {
  runtime: PodRuntime = { initDone: () => true, exit: () => ({ exitCode: 0 }) };
  private readonly queued = new Map<string, { cluster: ClusterState; namespace: string }>();
  private flushing = false;
  private readonly ttlTimers = new Map<string, NodeJS.Timeout>();
  private readonly backoffTimers = new Map<string, NodeJS.Timeout>();
  /** When each pod that failed here failed, to the millisecond (its status says it to the second). */
  private readonly failures = new Map<string, number>();

  /** `timeScale`: the emulator's time against Azure's, for the Jobs' TTL after finishing. */
  constructor(
    private readonly kube: KubeClusters,
    private readonly timeScale: () => number,
  ) {}

  start() {
    this.kube.subscribe((e) => this.onEvent(e));
    for (const cluster of this.kube.all()) {
      for (const ns of this.kube.list(cluster, NAMESPACE)) this.queue(cluster, nameOf(ns));
    }
  }

  close() {
    for (const timer of [...this.ttlTimers.values(), ...this.backoffTimers.values()]) clearTimeout(timer);
    this.ttlTimers.clear();
    this.backoffTimers.clear();
    this.queued.clear();
  }

  private onEvent(e: KubeEvent) {
    if (!e.kubeType.namespaced || !WATCHED.has(e.kubeType)) return;
    // The kubelet writes pod status itself; only a pod that goes needs the controllers again.
    if (e.kubeType === POD && e.type !== "DELETED") return;
    this.queue(e.cluster, String(metaOf(e.obj).namespace));
  }

  private queue(cluster: ClusterState, namespace: string) {
    this.queued.set(`${cluster.key}/${namespace}`, { cluster, namespace });
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const work = [...this.queued.values()];
      this.queued.clear();
      for (const { cluster, namespace } of work) this.sync(cluster, namespace);
    });
  }

  /** Brings one namespace's pods and workload status up to date with its objects. */
  sync(cluster: ClusterState, namespace: string) {
    if (!this.kube.get(cluster.key)) return;
    const ns = this.kube.read(cluster, NAMESPACE, undefined, namespace);
    if (!ns) return;
    const now = kubeNow();
    this.collectGarbage(cluster, namespace);
    // A terminating namespace takes no new content; what is there still runs down.
    if ((ns.status as Json | undefined)?.phase !== "Terminating") {
      for (const d of this.kube.list(cluster, DEPLOYMENT, namespace)) rollOut(this.kube, cluster, d);
      for (const rs of this.kube.list(cluster, REPLICASET, namespace)) replicate(this.kube, cluster, rs);
      for (const set of this.kube.list(cluster, STATEFULSET, namespace)) replicateSet(this.kube, cluster, set);
      for (const job of this.kube.list(cluster, JOB, namespace)) this.startJob(cluster, job);
    }
    bindClaims(this.kube, cluster, namespace);
    publishLoadBalancers(this.kube, cluster, namespace);
    // Job pods first: a Job that succeeds lets pods waiting for it (init containers) go on in this pass.
    const pods = this.kube.list(cluster, POD, namespace);
    const ownedByJob = (p: Json) => ((metaOf(p).ownerReferences ?? []) as Json[]).some((r) => r.kind === "Job");
    for (const pod of pods.filter(ownedByJob)) this.runPod(cluster, pod, now);
    for (const job of this.kube.list(cluster, JOB, namespace)) this.rollUpJob(cluster, job, now);
    for (const pod of pods.filter((p) => !ownedByJob(p))) this.runPod(cluster, pod, now);
    this.rollUpWorkloads(cluster, namespace, now);
  }

  private owned(cluster: ClusterState, t: KubeType, owner: Json) {
    return owned(this.kube, cluster, t, owner);
  }

  /** No garbage collector runs here otherwise: pods and ReplicaSets whose controller is gone go. */
  private collectGarbage(cluster: ClusterState, namespace: string) {
    for (const t of [REPLICASET, POD]) {
      for (const obj of this.kube.list(cluster, t, namespace)) {
        const ref = ((metaOf(obj).ownerReferences ?? []) as Json[]).find((r) => r.controller === true);
        if (!ref) continue;
        const ownerType = typeOf(String(ref.kind));
        const owner = ownerType && this.kube.read(cluster, ownerType, namespace, String(ref.name));
        if (!owner || metaOf(owner).uid !== ref.uid) this.kube.remove(cluster, t, obj);
      }
    }
  }

  /**
   * An unfinished Job without a running pod gets one: the first at once, another after each failed
   * pod while the failures stay within `backoffLimit`, after the Job controller's back-off (10 s,
   * doubling up to 6 minutes, scaled). A finished one with a TTL goes that long (scaled) after it finished.
   */
  private startJob(cluster: ClusterState, job: Json) {
    const finishedAt = jobFinishedAt(job);
    const ttl = specOf(job).ttlSecondsAfterFinished;
    if (finishedAt && typeof ttl === "number") {
      return this.expire(cluster, job, Date.parse(finishedAt) + ttl * 1000 * this.timeScale());
    }
    if (finishedAt) return;
    const pods = this.owned(cluster, POD, job);
    const phase = (p: Json) => (p.status as Json | undefined)?.phase;
    if (pods.some((p) => phase(p) !== "Succeeded" && phase(p) !== "Failed")) return;
    if (pods.filter((p) => phase(p) === "Succeeded").length >= Number(specOf(job).completions ?? 1)) return;
    const failed = pods.filter((p) => phase(p) === "Failed");
    if (failed.length > Number(specOf(job).backoffLimit ?? 6)) return;
    if (failed.length > 0) {
      const lastFailure = Math.max(...failed.map((p) => this.failedAt(p)));
      const backoff = Math.min(10_000 * 2 ** (failed.length - 1), 360_000) * this.timeScale();
      if (Date.now() < lastFailure + backoff) return this.retryLater(cluster, job, lastFailure + backoff);
    }
    const name = `${nameOf(job)}-${nameSuffix()}`;
    const pod = podFromTemplate(templateOf(job), ownerOf(job), { name, namespace: String(metaOf(job).namespace) });
    this.kube.write(cluster, POD, pod);
    recordEvent(this.kube, cluster, job, { type: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${name}`, component: "job-controller" });
  }

  /** When a failed pod failed: as this kubelet saw it, else (after a restart) as its status says. */
  private failedAt(pod: Json) {
    const seen = this.failures.get(String(metaOf(pod).uid));
    if (seen !== undefined) return seen;
    const statuses = ((pod.status as Json | undefined)?.containerStatuses ?? []) as Json[];
    const times = statuses.map((s) => Date.parse(String(((s.state as Json | undefined)?.terminated as Json | undefined)?.finishedAt)));
    const known = times.filter((t) => Number.isFinite(t));
    return known.length > 0 ? Math.max(...known) : 0;
  }

  /** The namespace settles again when a Job's back-off is over. */
  private retryLater(cluster: ClusterState, job: Json, at: number) {
    const uid = String(metaOf(job).uid);
    if (this.backoffTimers.has(uid)) return;
    const timer = setTimeout(() => {
      this.backoffTimers.delete(uid);
      this.queue(cluster, String(metaOf(job).namespace));
    }, Math.max(0, at - Date.now()));
    this.backoffTimers.set(uid, timer);
  }

  private expire(cluster: ClusterState, job: Json, at: number) {
    const uid = String(metaOf(job).uid);
    if (this.ttlTimers.has(uid)) return;
    const timer = setTimeout(() => {
      this.ttlTimers.delete(uid);
      const namespace = String(metaOf(job).namespace);
      const current = this.kube.get(cluster.key) && this.kube.read(cluster, JOB, namespace, nameOf(job));
      if (current && metaOf(current).uid === uid) this.kube.remove(cluster, JOB, current);
    }, Math.max(0, at - Date.now()));
    this.ttlTimers.set(uid, timer);
  }

  private runPod(cluster: ClusterState, pod: Json, now: string) {
    // A pod that ran to completion stays as it ended.
    const phase = (pod.status as Json | undefined)?.phase;
    if (phase === "Succeeded" || phase === "Failed") return;
    const namespace = String(metaOf(pod).namespace);
    const nodes = nodeNames(this.kube, cluster);
    const env: PodEnvironment = {
      read: (kind, name) => this.kube.read(cluster, typeOf(kind), namespace, name),
      nodeCount: nodes.length,
      initDone: (p, c) => this.runtime.initDone(cluster, p, c),
      exit: (p, c) => this.runtime.exit(cluster, p, c),
    };
    const verdict = evaluatePod(pod, env, now);
    const spec = specOf(pod);
    // The scheduler's choice: any Node will do, the same one for the same pod.
    const spread = nodes[parseInt(String(metaOf(pod).uid).slice(0, 6), 16) % Math.max(1, nodes.length)];
    const nodeName = spec.nodeName ?? (verdict.schedulable ? spread : undefined);
    if (statusEssence(verdict.status) === statusEssence(pod.status) && nodeName === spec.nodeName) return;
    const placed = { ...spec, ...(nodeName ? { nodeName } : {}) };
    const written = this.kube.write(cluster, POD, { ...pod, spec: placed, status: verdict.status });
    if (verdict.status.phase === "Failed") this.failures.set(String(metaOf(pod).uid), Date.now());
    const unscheduled = conditionsOf(written).find((c) => c.type === "PodScheduled" && c.status === "False");
    const warn = (reason: string, message: string, component: string) =>
      recordEvent(this.kube, cluster, written, { type: "Warning", reason, message, component });
    if (unscheduled) warn("FailedScheduling", String(unscheduled.message), "default-scheduler");
    for (const e of verdict.events) warn(e.reason, e.message, "kubelet");
  }

  private writeIfChanged(cluster: ClusterState, t: KubeType, obj: Json, status: Json) {
    if (statusEssence(status) !== statusEssence(obj.status)) this.kube.writeStatus(cluster, t, obj, status);
  }

  /** The Job's status from its pods; the Job controller's event when it completes or runs out of retries. */
  private rollUpJob(cluster: ClusterState, job: Json, now: string) {
    const status = jobStatus(job, this.owned(cluster, POD, job), job.status as Json | undefined, now);
    const before = jobFinishedAt(job);
    this.writeIfChanged(cluster, JOB, job, status);
    if (before) return;
    const conditions = ((status.conditions ?? []) as Json[]).filter((c) => c.status === "True");
    const event = (type: "Normal" | "Warning", reason: string, message: string) =>
      recordEvent(this.kube, cluster, job, { type, reason, message, component: "job-controller" });
    if (conditions.some((c) => c.type === "Complete")) event("Normal", "Completed", "Job completed");
    const failed = conditions.find((c) => c.type === "Failed");
    if (failed) event("Warning", String(failed.reason), String(failed.message));
  }

  private rollUpWorkloads(cluster: ClusterState, namespace: string, now: string) {
    for (const rs of this.kube.list(cluster, REPLICASET, namespace)) {
      this.writeIfChanged(cluster, REPLICASET, rs, replicaSetStatus(rs, this.owned(cluster, POD, rs)));
    }
    for (const d of this.kube.list(cluster, DEPLOYMENT, namespace)) {
      const sets = this.owned(cluster, REPLICASET, d);
      const current = sets.find((rs) => nameOf(rs) === `${nameOf(d)}-${templateHash(specOf(d).template)}`);
      if (!current) continue;
      const all = sets.flatMap((rs) => this.owned(cluster, POD, rs));
      const status = deploymentStatus(d, current, this.owned(cluster, POD, current), all, now);
      this.writeIfChanged(cluster, DEPLOYMENT, d, status);
    }
    for (const set of this.kube.list(cluster, STATEFULSET, namespace)) {
      const revision = `${nameOf(set)}-${templateHash(specOf(set).template)}`;
      this.writeIfChanged(cluster, STATEFULSET, set, statefulSetStatus(set, this.owned(cluster, POD, set), revision));
    }
  }
}
