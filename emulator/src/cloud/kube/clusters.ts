import { randomBytes, randomUUID } from "node:crypto";
import type { ClusterState, FluxRelease, Json, KubeObjectRecord, Store } from "../store.js";
import { CORE_TYPES, FLUX_TYPES, groupVersion, type KubeType } from "./discovery.js";
import { snapshot, WatchHub } from "./watch.js";

export type KubeEvent = { type: "ADDED" | "MODIFIED" | "DELETED"; cluster: ClusterState; kubeType: KubeType; obj: Json };
type Listener = (event: KubeEvent) => void;

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export const objectKey = (t: KubeType, namespace: string | undefined, name: string) => `${t.group}/${t.plural}/${namespace ?? ""}/${name}`;

/** How the state dump's kubeCounts name an object: "Secret/airflow/db", "Namespace/airflow". */
const countKey = (t: KubeType, metadata: Json) => (t.namespaced ? `${t.kind}/${metadata.namespace as string}/${metadata.name as string}` : `${t.kind}/${metadata.name as string}`);

/** Kubernetes timestamps have second precision. */
export const kubeNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The object stores of every emulated cluster, and the change feed that Flux and the Airflow
 * stand-ins react to (in place of watches).
 */
export class KubeClusters {
  private readonly listeners: Listener[] = [];
  readonly onClusterRemoved: Array<(cluster: ClusterState) => void> = [];
  readonly onPowerChange: Array<(cluster: ClusterState) => void> = [];
  /** Mutating admission of every new Pod, whoever creates it (a client or a controller), before it is stored. */
  readonly podAdmission: Array<(cluster: ClusterState, pod: Json) => void> = [];
  /** The Azure cloud provider's private address for an internal load balancer (set by the cloud; none by default). */
  internalAddress: (cluster: ClusterState, serviceKey: string) => string | undefined = () => undefined;

  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The watch cache every API server streams from. */
  readonly watches: WatchHub;

  constructor(
    private readonly store: Store,
    private readonly terminationMs: () => number,
    watchHistory?: number,
  ) {
    this.watches = new WatchHub(watchHistory);
  }

  subscribe(listener: Listener) {
    this.listeners.push(listener);
  }

  get(key: string): ClusterState | undefined {
    return this.store.state.clusters[key];
  }

  all(): ClusterState[] {
    return Object.values(this.store.state.clusters);
  }

  /** Creates the cluster's state the first time (tokens, system namespaces); `provisioned` opens its API server. */
  ensureCluster(key: string, armId: string, provisioned = true): ClusterState {
    let cluster = this.store.state.clusters[key];
    if (!cluster) {
      cluster = { key, armId, userToken: randomBytes(32).toString("hex"), adminToken: randomBytes(32).toString("hex"), resourceVersion: 1000, provisioned: false, fluxInstalled: false, stopped: false, objects: {} };
      this.store.state.clusters[key] = cluster;
      for (const ns of SYSTEM_NAMESPACES) this.createNamespace(cluster, ns);
    }
    if (provisioned) cluster.provisioned = true;
    this.store.changed();
    return cluster;
  }

  removeCluster(key: string) {
    const cluster = this.store.state.clusters[key];
    if (!cluster) return;
    delete this.store.state.clusters[key];
    this.store.changed();
    this.watches.dropCluster(key);
    for (const hook of this.onClusterRemoved) hook(cluster);
  }

  setStopped(key: string, stopped: boolean) {
    const cluster = this.get(key);
    if (!cluster) return;
    cluster.stopped = stopped;
    // The control plane goes away: open watches end with it.
    if (stopped) this.watches.dropCluster(key);
    this.store.changed();
    for (const hook of this.onPowerChange) hook(cluster);
  }

  installFlux(key: string, namespace: string, release?: FluxRelease) {
    const cluster = this.get(key);
    if (!cluster) return;
    cluster.fluxInstalled = true;
    cluster.fluxNamespace = namespace;
    if (release) cluster.flux = release;
    if (!this.read(cluster, CORE_TYPES[0] as KubeType, undefined, namespace)) this.createNamespace(cluster, namespace);
    this.store.changed();
  }

  /** Removing the CRDs removes every object of their kinds, as Kubernetes does. */
  uninstallFlux(key: string) {
    const cluster = this.get(key);
    if (!cluster) return;
    for (const t of FLUX_TYPES) for (const obj of this.list(cluster, t)) this.remove(cluster, t, obj);
    cluster.fluxInstalled = false;
    delete cluster.flux;
    this.store.changed();
  }

  types(cluster: ClusterState): KubeType[] {
    return cluster.fluxInstalled ? [...CORE_TYPES, ...FLUX_TYPES] : CORE_TYPES;
  }

  record(cluster: ClusterState, t: KubeType, namespace: string | undefined, name: string): KubeObjectRecord | undefined {
    return cluster.objects[objectKey(t, t.namespaced ? namespace : undefined, name)];
  }

  read(cluster: ClusterState, t: KubeType, namespace: string | undefined, name: string): Json | undefined {
    return this.record(cluster, t, namespace, name)?.obj;
  }

  list(cluster: ClusterState, t: KubeType, namespace?: string): Json[] {
    const prefix = `${t.group}/${t.plural}/${namespace ?? ""}`;
    return Object.entries(cluster.objects)
      .filter(([k]) => (namespace === undefined ? k.startsWith(`${t.group}/${t.plural}/`) : k.startsWith(`${prefix}/`)))
      .map(([, r]) => r.obj)
      .sort((a, b) => objName(a).localeCompare(objName(b)));
  }

  /** Stores a complete object (metadata already filled in) with a fresh resourceVersion. */
  write(cluster: ClusterState, t: KubeType, obj: Json, applied?: Record<string, Json>): Json {
    const metadata = obj.metadata as Json;
    const key = objectKey(t, t.namespaced ? (metadata.namespace as string) : undefined, metadata.name as string);
    if (metadata.deletionTimestamp && t.kind !== "Namespace" && !hasFinalizers(obj) && cluster.objects[key]) {
      // The write that takes away the last finalizer of an object being deleted deletes it, as the API server does.
      this.remove(cluster, t, obj);
      return obj;
    }
    const prev = cluster.objects[key]?.obj;
    const existed = prev !== undefined;
    if (!existed) this.admit(cluster, t, obj);
    metadata.resourceVersion = String(++cluster.resourceVersion);
    cluster.objects[key] = { obj, ...(applied ? { applied } : cluster.objects[key]?.applied ? { applied: cluster.objects[key]?.applied } : {}) };
    if (!existed) this.store.countKube(cluster.key, countKey(t, metadata), "created");
    this.store.changed();
    this.emit({ type: existed ? "MODIFIED" : "ADDED", cluster, kubeType: t, obj }, prev);
    return obj;
  }

  /** Runs the admission webhooks on a new object (in place), as the API server does before storing it. */
  admit(cluster: ClusterState, t: KubeType, obj: Json) {
    if (t.kind === "Pod" && t.group === "") for (const mutate of this.podAdmission) mutate(cluster, obj);
  }

  /** Records what each field manager applied, without a new resourceVersion (nothing else changed). */
  setApplied(cluster: ClusterState, t: KubeType, obj: Json, applied: Record<string, Json>) {
    const metadata = obj.metadata as Json;
    const record = this.record(cluster, t, metadata.namespace as string | undefined, metadata.name as string);
    if (record) record.applied = applied;
    this.store.changed();
  }

  /** Changes only `.status`, as a controller does through the status subresource. */
  writeStatus(cluster: ClusterState, t: KubeType, obj: Json, status: Json): Json | undefined {
    const metadata = obj.metadata as Json;
    const current = this.read(cluster, t, metadata.namespace as string | undefined, metadata.name as string);
    if (!current || (current.metadata as Json).uid !== metadata.uid) return undefined;
    return this.write(cluster, t, { ...current, status });
  }

  remove(cluster: ClusterState, t: KubeType, obj: Json) {
    const metadata = obj.metadata as Json;
    const namespace = metadata.namespace as string | undefined;
    const key = objectKey(t, t.namespaced ? namespace : undefined, metadata.name as string);
    if (t.kind === "Namespace") {
      // Deleting a namespace deletes everything in it, before the namespace itself goes.
      for (const inner of this.types(cluster).filter((x) => x.namespaced)) {
        for (const child of this.list(cluster, inner, metadata.name as string)) this.remove(cluster, inner, child);
      }
    }
    if (cluster.objects[key]) this.store.countKube(cluster.key, countKey(t, metadata), "deletes");
    delete cluster.objects[key];
    cluster.resourceVersion++;
    this.store.changed();
    // A deleted object is reported at the resourceVersion of its deletion, as the watch cache does.
    this.emit({ type: "DELETED", cluster, kubeType: t, obj: { ...obj, metadata: { ...metadata, resourceVersion: String(cluster.resourceVersion) } } });
  }

  /**
   * Deletes an object the way the API server does: at once without finalizers; with them it only
   * gets a deletionTimestamp (and, the first time, a new generation) and stays until they are removed.
   * Returns the object when it is still there.
   */
  deleteGracefully(cluster: ClusterState, t: KubeType, obj: Json, dryRun = false): Json | undefined {
    const metadata = obj.metadata as Json;
    if (!hasFinalizers(obj)) {
      if (!dryRun) this.remove(cluster, t, obj);
      return undefined;
    }
    if (metadata.deletionTimestamp) return obj;
    const generation = metadata.generation as number | undefined;
    const marked = { ...obj, metadata: { ...metadata, deletionTimestamp: kubeNow(), deletionGracePeriodSeconds: 0, ...(generation ? { generation: generation + 1 } : {}) } };
    return dryRun ? marked : this.write(cluster, t, marked);
  }

  /**
   * Namespace deletion is asynchronous in Kubernetes: the namespace turns Terminating, its content
   * is deleted (objects with finalizers wait for them), then after at least the namespace
   * termination latency, once it is empty, the namespace itself goes.
   */
  terminateNamespace(cluster: ClusterState, ns: Json): Json {
    const t = CORE_TYPES[0] as KubeType;
    const metadata = ns.metadata as Json;
    const terminating = metadata.deletionTimestamp ? ns : this.write(cluster, t, { ...ns, metadata: { ...metadata, deletionTimestamp: kubeNow(), deletionGracePeriodSeconds: 0 }, status: { phase: "Terminating" } });
    this.scheduleNamespaceRemoval(cluster, metadata.name as string, this.terminationMs());
    return terminating;
  }

  private contentOf(cluster: ClusterState, namespace: string) {
    return this.types(cluster)
      .filter((x) => x.namespaced)
      .flatMap((inner) => this.list(cluster, inner, namespace).map((obj) => ({ t: inner, obj })));
  }

  private scheduleNamespaceRemoval(cluster: ClusterState, name: string, afterMs: number) {
    const key = `${cluster.key}/${name}`;
    if (this.timers.has(key)) return;
    for (const { t, obj } of this.contentOf(cluster, name)) this.deleteGracefully(cluster, t, obj);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const current = this.get(cluster.key) && this.read(cluster, CORE_TYPES[0] as KubeType, undefined, name);
      if (!current) return;
      // Content still held by finalizers keeps the namespace Terminating; look again shortly.
      if (this.contentOf(cluster, name).length > 0) this.scheduleNamespaceRemoval(cluster, name, 100);
      else this.remove(cluster, CORE_TYPES[0] as KubeType, current);
    }, afterMs);
    this.timers.set(key, timer);
  }

  /** Finishes namespace deletions that were under way when the emulator stopped. */
  resume() {
    for (const cluster of this.all()) {
      for (const ns of this.list(cluster, CORE_TYPES[0] as KubeType)) if ((ns.metadata as Json).deletionTimestamp) this.scheduleNamespaceRemoval(cluster, objName(ns), this.terminationMs());
    }
  }

  close() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.watches.closeAll();
  }

  createNamespace(cluster: ClusterState, name: string) {
    const t = CORE_TYPES[0] as KubeType;
    this.write(cluster, t, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, uid: randomUUID(), creationTimestamp: kubeNow(), labels: { "kubernetes.io/metadata.name": name } },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
    this.addDefaultServiceAccount(cluster, name);
  }

  /** Kubernetes gives every namespace a "default" service account. */
  addDefaultServiceAccount(cluster: ClusterState, namespace: string) {
    const sa = CORE_TYPES.find((t) => t.kind === "ServiceAccount") as KubeType;
    if (this.read(cluster, sa, namespace, "default")) return;
    this.write(cluster, sa, { apiVersion: groupVersion(sa), kind: "ServiceAccount", metadata: { name: "default", namespace, uid: randomUUID(), creationTimestamp: kubeNow() } });
  }

  private emit(event: KubeEvent, prev?: Json) {
    // Watches first: a listener that writes in reaction must not get its event ahead of this one.
    this.watches.publish(event.cluster, { rv: event.cluster.resourceVersion, type: event.type, t: event.kubeType, obj: snapshot(event.obj), ...(prev ? { prev: snapshot(prev) } : {}) });
    for (const listener of this.listeners) listener(event);
  }
}

export const hasFinalizers = (obj: Json) => (((obj.metadata as Json).finalizers as string[] | undefined) ?? []).length > 0;

export const objName = (obj: Json) => String((obj.metadata as Json | undefined)?.name ?? "");
