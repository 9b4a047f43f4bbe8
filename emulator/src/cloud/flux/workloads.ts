import { randomUUID } from "node:crypto";
import type { ClusterState, Json } from "../store.js";
import { shortHash } from "../util.js";
import { kubeNow, type KubeClusters } from "../kube/clusters.js";
import { typeOf, type KubeType } from "../kube/discovery.js";
import { nodeNames } from "../kube/nodes.js";
import type { ReleaseFacts } from "./chart.js";

const DEPLOYMENT = typeOf("Deployment");
const STATEFULSET = typeOf("StatefulSet");
const POD = typeOf("Pod");

interface WorkloadPlan {
  kind: "Deployment" | "StatefulSet";
  component: string;
  replicas: number;
  containers: string[];
  image: string;
}

const get = (values: Json, path: string): unknown => path.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Json)[key] : undefined), values);

/**
 * The Deployments and StatefulSets the official chart renders for these values: the scheduler
 * (a StatefulSet for LocalExecutor with worker persistence), the API server (Airflow 3) or webserver
 * (Airflow 2), the triggerer (a StatefulSet with its persistence, the default), the DAG processor
 * (Airflow 3, or when enabled), statsd, PgBouncer, Celery workers and Redis, the bundled PostgreSQL.
 */
export function plannedWorkloads(values: Json, facts: ReleaseFacts): WorkloadPlan[] {
  const on = (path: string, byDefault: boolean) => (get(values, path) ?? byDefault) !== false;
  const count = (path: string) => Number(get(values, path) ?? 1);
  const airflow = `apache/airflow:${facts.airflowVersion}`;
  const celery = facts.executor.includes("Celery");
  const local = facts.executor.includes("LocalExecutor");
  const persistentWorkers = on("workers.persistence.enabled", true);
  const plans: WorkloadPlan[] = [
    { kind: local && persistentWorkers ? "StatefulSet" : "Deployment", component: "scheduler", replicas: count("scheduler.replicas"), containers: ["scheduler", "scheduler-log-groomer"], image: airflow },
    facts.airflowMajor >= 3
      ? { kind: "Deployment", component: "api-server", replicas: count("apiServer.replicas"), containers: ["api-server"], image: airflow }
      : { kind: "Deployment", component: "webserver", replicas: count("webserver.replicas"), containers: ["webserver"], image: airflow },
  ];
  if (on("triggerer.enabled", true)) plans.push({ kind: on("triggerer.persistence.enabled", true) ? "StatefulSet" : "Deployment", component: "triggerer", replicas: count("triggerer.replicas"), containers: ["triggerer", "triggerer-log-groomer"], image: airflow });
  // The chart leaves dagProcessor.enabled unset: on for Airflow 3 (which needs it), off for Airflow 2.
  const dagProcessor = get(values, "dagProcessor.enabled");
  if (dagProcessor === true || (dagProcessor == null && facts.airflowMajor >= 3)) {
    plans.push({ kind: "Deployment", component: "dag-processor", replicas: count("dagProcessor.replicas"), containers: ["dag-processor", "dag-processor-log-groomer"], image: airflow });
  }
  if (on("statsd.enabled", true)) plans.push({ kind: "Deployment", component: "statsd", replicas: 1, containers: ["statsd"], image: "quay.io/prometheus/statsd-exporter:v0.28.0" });
  if (on("pgbouncer.enabled", false)) plans.push({ kind: "Deployment", component: "pgbouncer", replicas: count("pgbouncer.replicas"), containers: ["pgbouncer", "metrics-exporter"], image: "apache/airflow:airflow-pgbouncer-2025.03.05-1.23.1" });
  if (celery) plans.push({ kind: persistentWorkers ? "StatefulSet" : "Deployment", component: "worker", replicas: count("workers.replicas"), containers: ["worker", "worker-log-groomer"], image: airflow });
  if (celery && on("redis.enabled", true)) plans.push({ kind: "StatefulSet", component: "redis", replicas: 1, containers: ["redis"], image: "redis:7.2-bookworm" });
  if (on("postgresql.enabled", true)) plans.push({ kind: "StatefulSet", component: "postgresql", replicas: 1, containers: ["postgresql"], image: "bitnami/postgresql:16.1.0-debian-11-r15" });
  return plans;
}

/** The pod-template-hash alphabet (no vowels, as in Kubernetes' SafeEncodeString). */
const safe = (text: string, length: number) => [...shortHash(text, length * 2)].map((c, i) => "bcdfghjklmnpqrstvwxz2456789"[(parseInt(c, 16) + i) % 27]).join("").slice(0, length);

function podStatus(plan: WorkloadPlan, ready: boolean, now: string, index: number): Json {
  const condition = (type: string, ok: boolean, extra: Json = {}) => ({ type, status: ok ? "True" : "False", lastProbeTime: null, lastTransitionTime: now, ...extra });
  const notReady = { reason: "ContainersNotReady", message: `containers with unready status: [${plan.containers.join(" ")}]` };
  return {
    phase: "Running",
    conditions: [condition("PodReadyToStartContainers", true), condition("Initialized", true), condition("Ready", ready, ready ? {} : notReady), condition("ContainersReady", ready, ready ? {} : notReady), condition("PodScheduled", true)],
    hostIP: `10.224.0.${4 + (index % 3)}`,
    podIP: `10.244.${index % 3}.${10 + index}`,
    startTime: now,
    qosClass: "Burstable",
    containerStatuses: plan.containers.map((name) => ({
      name,
      image: plan.image,
      imageID: `docker.io/${plan.image.split(":")[0]}@sha256:${shortHash(plan.image, 64)}`,
      ready,
      started: ready,
      restartCount: ready ? 0 : 4,
      state: ready ? { running: { startedAt: now } } : { waiting: { reason: "CrashLoopBackOff", message: `back-off 1m20s restarting failed container=${name}` } },
    })),
  };
}

/**
 * Writes the release's workloads and their Pods: Ready when the install succeeded, not Ready
 * (crash-looping containers, no available replicas) when Helm gave up waiting for them.
 * Workloads and Pods of components the values no longer render are removed.
 */
export function applyWorkloads(kube: KubeClusters, cluster: ClusterState, hr: Json, facts: ReleaseFacts, ready: boolean) {
  const values = (((hr.spec as Json | undefined)?.values ?? {}) as Json) ?? {};
  const plans = plannedWorkloads(values, facts);
  const nodes = nodeNames(kube, cluster);
  const now = kubeNow();
  const wanted = new Set<string>();
  let podIndex = 0;
  for (const plan of plans) {
    const t: KubeType = plan.kind === "Deployment" ? DEPLOYMENT : STATEFULSET;
    const name = `${facts.release}-${plan.component}`;
    const labels = { tier: "airflow", component: plan.component, release: facts.release };
    const existing = kube.read(cluster, t, facts.namespace, name);
    const meta = existing?.metadata as Json | undefined;
    const generation = (meta?.generation as number | undefined) ?? 1;
    const hash = safe(`${name}/${JSON.stringify(values)}/${facts.chartVersion}`, 10);
    const readyCount = ready ? plan.replicas : 0;
    const status: Json =
      plan.kind === "Deployment"
        ? {
            observedGeneration: generation,
            replicas: plan.replicas,
            updatedReplicas: plan.replicas,
            ...(ready ? { readyReplicas: readyCount, availableReplicas: readyCount } : { unavailableReplicas: plan.replicas }),
            conditions: [
              ready
                ? { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability.", lastUpdateTime: now, lastTransitionTime: now }
                : { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability.", lastUpdateTime: now, lastTransitionTime: now },
              ready
                ? { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${name}-${hash}" has successfully progressed.`, lastUpdateTime: now, lastTransitionTime: now }
                : { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: `ReplicaSet "${name}-${hash}" is progressing.`, lastUpdateTime: now, lastTransitionTime: now },
            ],
          }
        : { observedGeneration: generation, replicas: plan.replicas, readyReplicas: readyCount, availableReplicas: readyCount, currentReplicas: plan.replicas, updatedReplicas: plan.replicas, currentRevision: `${name}-${hash}`, updateRevision: `${name}-${hash}`, collisionCount: 0 };
    const template = { metadata: { labels }, spec: { containers: plan.containers.map((c) => ({ name: c, image: plan.image, imagePullPolicy: "IfNotPresent" })), restartPolicy: "Always", serviceAccountName: `${facts.release}-${plan.component}` } };
    const helmMeta = { labels: { ...labels, chart: `airflow-${facts.chartVersion}`, heritage: "Helm", "app.kubernetes.io/managed-by": "Helm" }, annotations: { "meta.helm.sh/release-name": facts.release, "meta.helm.sh/release-namespace": facts.namespace } };
    wanted.add(`${plan.kind}/${name}`);
    const workload = kube.write(cluster, t, {
      apiVersion: "apps/v1",
      kind: plan.kind,
      metadata: { name, namespace: facts.namespace, uid: meta?.uid ?? randomUUID(), creationTimestamp: meta?.creationTimestamp ?? now, generation, ...helmMeta },
      spec: { replicas: plan.replicas, selector: { matchLabels: labels }, template, ...(plan.kind === "StatefulSet" ? { serviceName: name, podManagementPolicy: "OrderedReady" } : { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } }) },
      status,
    });
    for (const pod of kube.list(cluster, POD, facts.namespace)) {
      const podLabels = ((pod.metadata as Json).labels ?? {}) as Json;
      if (podLabels.release === facts.release && podLabels.component === plan.component) kube.remove(cluster, POD, pod);
    }
    for (let i = 0; i < plan.replicas; i++) {
      const podName = plan.kind === "Deployment" ? `${name}-${hash}-${safe(`${name}/${hash}/${i}`, 5)}` : `${name}-${i}`;
      const owner = plan.kind === "Deployment" ? { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${name}-${hash}`, uid: randomUUID() } : { apiVersion: "apps/v1", kind: "StatefulSet", name, uid: (workload.metadata as Json).uid };
      kube.write(cluster, POD, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: podName, namespace: facts.namespace, uid: randomUUID(), creationTimestamp: now, labels: { ...labels, ...(plan.kind === "Deployment" ? { "pod-template-hash": hash } : { "statefulset.kubernetes.io/pod-name": podName, "controller-revision-hash": `${name}-${hash}` }) }, ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }] },
        spec: { ...template.spec, nodeName: nodes.length ? nodes[podIndex % nodes.length] : undefined },
        status: podStatus(plan, ready, now, podIndex++),
      });
    }
  }
  for (const t of [DEPLOYMENT, STATEFULSET]) {
    for (const obj of kube.list(cluster, t, facts.namespace)) {
      const m = obj.metadata as Json;
      if ((m.labels as Json | undefined)?.release === facts.release && !wanted.has(`${t.kind}/${String(m.name)}`)) removeWorkload(kube, cluster, t, obj);
    }
  }
}

function removeWorkload(kube: KubeClusters, cluster: ClusterState, t: KubeType, obj: Json) {
  const m = obj.metadata as Json;
  const labels = (m.labels ?? {}) as Json;
  for (const pod of kube.list(cluster, POD, m.namespace as string)) {
    const podLabels = ((pod.metadata as Json).labels ?? {}) as Json;
    if (podLabels.release === labels.release && podLabels.component === labels.component) kube.remove(cluster, POD, pod);
  }
  kube.remove(cluster, t, obj);
}

/** Helm uninstall: the release's workloads and their Pods go. */
export function removeWorkloads(kube: KubeClusters, cluster: ClusterState, facts: ReleaseFacts) {
  for (const t of [DEPLOYMENT, STATEFULSET]) {
    for (const obj of kube.list(cluster, t, facts.namespace)) if (((obj.metadata as Json).labels as Json | undefined)?.release === facts.release) removeWorkload(kube, cluster, t, obj);
  }
}
