import type { ClusterState, Json } from "../store.js";
import type { KubeClusters } from "../kube/clusters.js";
import { typeOf } from "../kube/discovery.js";
import { maxUnavailable } from "../kube/rollups.js";
import { templateHash } from "../kube/pods.js";
import type { Built } from "./helm-client.js";
import type { HelmLog } from "./helm-log.js";
import { formatGoDuration } from "./timing.js";

const num = (v: unknown) => Number(v ?? 0);
const statusOf = (obj: Json) => (obj.status ?? {}) as Json;
const specOf = (obj: Json) => (obj.spec ?? {}) as Json;
const generationOf = (obj: Json) => num((obj.metadata as Json).generation);
const generationMismatch = (obj: Json) =>
  `observedGeneration (${num(statusOf(obj).observedGeneration)}) does not match spec generation (${generationOf(obj)}).`;

/** The result of one readiness check: true, false, or Helm's error for a Job that failed. */
type Check = boolean | { error: string };

/**
 * Helm 3's ReadyChecker (pkg/kube/ready.go) on what the cluster holds, logging as it does: the
 * first resource not ready ends the pass. Jobs count when `checkJobs` (helm-controller's
 * waitForJobs, on by default).
 */
export function isReady(kube: KubeClusters, cluster: ClusterState, b: Built, checkJobs: boolean, log: HelmLog): Check {
  const obj = kube.read(cluster, b.t, b.namespace, b.name);
  const at = `${b.namespace ?? ""}/${b.name}`;
  if (!obj) return false;
  const status = statusOf(obj);
  switch (b.t.kind) {
    case "Pod": {
      if (((status.conditions ?? []) as Json[]).some((c) => c.type === "Ready" && c.status === "True")) return true;
      log.log(`Pod is not ready: ${at}`);
      return false;
    }
    case "Job": {
      if (!checkJobs) return true;
      if (num(status.failed) > num(specOf(obj).backoffLimit ?? 6)) {
        log.log(`Job is failed: ${at}`);
        return { error: `job is failed: ${at}` };
      }
      if (num(status.succeeded) < num(specOf(obj).completions ?? 1)) {
        log.log(`Job is not completed: ${at}`);
        return false;
      }
      return true;
    }
    case "Deployment": {
      const current = `${b.name}-${templateHash(specOf(obj).template)}`;
      const rs = kube.read(cluster, typeOf("ReplicaSet"), b.namespace, current);
      if (!rs) return false;
      if (num(status.observedGeneration) !== generationOf(obj)) {
        log.log(`Deployment is not ready: ${at}. ${generationMismatch(obj)}`);
        return false;
      }
      const expected = num(specOf(obj).replicas ?? 1) - maxUnavailable(obj);
      const ready = num(statusOf(rs).readyReplicas);
      if (ready >= expected) return true;
      log.log(`Deployment is not ready: ${at}. ${ready} out of ${expected} expected pods are ready`);
      return false;
    }
    case "PersistentVolumeClaim": {
      if (status.phase === "Bound") return true;
      log.log(`PersistentVolumeClaim is not bound: ${at}`);
      return false;
    }
    case "Service": {
      const spec = specOf(obj);
      if (spec.type === "ExternalName") return true;
      if (!spec.clusterIP) {
        log.log(`Service does not have cluster IP address: ${at}`);
        return false;
      }
      if (spec.type !== "LoadBalancer" || ((spec.externalIPs ?? []) as unknown[]).length > 0) return true;
      if (((status.loadBalancer as Json | undefined)?.ingress as unknown[] | undefined)?.length) return true;
      log.log(`Service does not have load balancer ingress IP address: ${at}`);
      return false;
    }
    case "StatefulSet":
      return statefulSetReady(obj, at, log);
    case "ReplicaSet": {
      if (num(status.observedGeneration) !== generationOf(obj)) {
        log.log(`ReplicaSet is not ready: ${at}. ${generationMismatch(obj)}`);
        return false;
      }
      return num(status.readyReplicas) >= num(specOf(obj).replicas ?? 1);
    }
    default:
      return true;
  }
}

function statefulSetReady(sts: Json, at: string, log: HelmLog): boolean {
  const status = statusOf(sts);
  const spec = specOf(sts);
  if (num(status.observedGeneration) !== generationOf(sts)) {
    log.log(`StatefulSet is not ready: ${at}. ${generationMismatch(sts)}`);
    return false;
  }
  const strategy = (spec.updateStrategy ?? {}) as Json;
  if (strategy.type !== "RollingUpdate") {
    log.log(`StatefulSet skipped ready check: ${at}. updateStrategy is ${String(strategy.type ?? "")}`);
    return true;
  }
  const partition = num((strategy.rollingUpdate as Json | undefined)?.partition);
  const replicas = spec.replicas === undefined ? 1 : num(spec.replicas);
  const expected = replicas - partition;
  if (num(status.updatedReplicas) < expected) {
    const scheduled = num(status.updatedReplicas);
    log.log(`StatefulSet is not ready: ${at}. ${scheduled} out of ${expected} expected pods have been scheduled`);
    return false;
  }
  if (num(status.readyReplicas) !== replicas) {
    log.log(`StatefulSet is not ready: ${at}. ${num(status.readyReplicas)} out of ${replicas} expected pods are ready`);
    return false;
  }
  if (partition === 0 && status.currentRevision !== status.updateRevision) {
    const revisions = `currentRevision ${String(status.currentRevision)} does not yet match updateRevision ${String(status.updateRevision)}`;
    log.log(`StatefulSet is not ready: ${at}. ${revisions}`);
    return false;
  }
  log.log(`StatefulSet is ready: ${at}. ${num(status.readyReplicas)} out of ${replicas} expected pods are ready`);
  return true;
}

interface WaitOptions {
  timeoutMs: number;
  /** The timeout as the release's spec says it (Azure's time), for the log. */
  shownTimeoutMs: number;
  pollMs: number;
  log: HelmLog;
  tick: () => void;
  cancelled: () => boolean;
}

/** How many times in a row the waiter retries a resource whose check errs, before it gives up. */
const WAIT_RETRIES = 30;

/**
 * Helm's waitForResources: checks every resource at once and then every poll interval (2 s on
 * AKS, scaled here) until all are ready, or the timeout ends it with "context deadline exceeded".
 * Resolves to undefined when ready, else Helm's error. `tick` runs before each pass (the cluster's
 * controllers catch up); `cancelled` stops it (the release went).
 */
export async function waitForResources(
  check: (b: Built) => Check,
  resources: Built[],
  options: WaitOptions,
): Promise<string | undefined> {
  const { log } = options;
  const timeout = formatGoDuration(options.shownTimeoutMs);
  log.log(`beginning wait for ${resources.length} resources with timeout of ${timeout}`);
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  // What the log says is Azure's time: the emulator's scaled back up.
  const shown = (ms: number) => (options.timeoutMs > 0 ? (ms * options.shownTimeoutMs) / options.timeoutMs : ms);
  const errors = new Map<Built, number>();
  for (;;) {
    options.tick();
    let ready = true;
    for (const b of resources) {
      const result = check(b);
      if (result === true) continue;
      ready = false;
      if (typeof result === "object") {
        const count = (errors.get(b) ?? 0) + 1;
        errors.set(b, count);
        if (count > WAIT_RETRIES) {
          log.log("Max number of retries reached");
          return result.error;
        }
      }
      break;
    }
    if (ready) {
      log.log(`wait for resources succeeded within ${formatGoDuration(shown(Date.now() - started))}`);
      return undefined;
    }
    if (options.cancelled()) return "context canceled";
    if (Date.now() >= deadline) {
      log.log(`wait for resources failed after ${formatGoDuration(options.shownTimeoutMs)}: context deadline exceeded`);
      return "context deadline exceeded";
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs, Math.max(0, deadline - Date.now()))));
  }
}
