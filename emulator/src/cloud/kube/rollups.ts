import type { Json } from "../store.js";

const phaseOf = (pod: Json) => (pod.status as Json | undefined)?.phase;
const isReady = (pod: Json) =>
  (((pod.status as Json | undefined)?.conditions ?? []) as Json[]).some((c) => c.type === "Ready" && c.status === "True");
const count = (n: number) => (n > 0 ? n : undefined);
const generationOf = (obj: Json) => (obj.metadata as Json).generation;

/** Drops the keys Kubernetes leaves out when zero or unset (`omitempty`). */
const compact = (status: Json) => Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined));

export const desiredReplicas = (obj: Json) => Number((obj.spec as Json | undefined)?.replicas ?? 1);

export function replicaSetStatus(rs: Json, pods: Json[]): Json {
  const ready = pods.filter(isReady).length;
  return compact({
    replicas: pods.length,
    fullyLabeledReplicas: count(pods.length),
    readyReplicas: count(ready),
    availableReplicas: count(ready),
    observedGeneration: generationOf(rs),
  });
}

/** How many of `replicas` may be unavailable: a percentage rounds down, as for maxUnavailable. */
export function maxUnavailable(deployment: Json): number {
  const replicas = desiredReplicas(deployment);
  const strategy = ((deployment.spec as Json | undefined)?.strategy ?? {}) as Json;
  if (strategy.type === "Recreate") return 0;
  const raw = ((strategy.rollingUpdate ?? {}) as Json).maxUnavailable ?? "25%";
  const percent = typeof raw === "string" && raw.endsWith("%");
  const value = percent ? Math.floor((replicas * Number(raw.slice(0, -1))) / 100) : Number(raw);
  return Math.min(replicas, Number.isFinite(value) ? value : 0);
}

/** The Deployment controller's status, from its current ReplicaSet's pods and all of its pods. */
export function deploymentStatus(
  deployment: Json,
  current: Json,
  currentPods: Json[],
  allPods: Json[],
  now: string,
): Json {
  const desired = desiredReplicas(deployment);
  const available = allPods.filter(isReady).length;
  const updatedReady = currentPods.filter(isReady).length;
  const rsName = String((current.metadata as Json).name);
  const condition = (type: string, status: boolean, reason: string, message: string) => ({
    type,
    status: status ? "True" : "False",
    lastUpdateTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const minimum = available >= desired - maxUnavailable(deployment);
  const progressed = updatedReady >= desired && currentPods.length === desired;
  return compact({
    observedGeneration: generationOf(deployment),
    replicas: count(allPods.length),
    updatedReplicas: count(currentPods.length),
    readyReplicas: count(available),
    availableReplicas: count(available),
    unavailableReplicas: count(desired - available),
    conditions: [
      minimum
        ? condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : condition("Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
      progressed
        ? condition("Progressing", true, "NewReplicaSetAvailable", `ReplicaSet "${rsName}" has successfully progressed.`)
        : condition("Progressing", true, "ReplicaSetUpdated", `ReplicaSet "${rsName}" is progressing.`),
    ],
  });
}

/** The StatefulSet controller's status; every pod is of `revision` once the controller has replaced the old ones. */
export function statefulSetStatus(set: Json, pods: Json[], revision: string): Json {
  const labelled = (pod: Json) => ((pod.metadata as Json).labels as Json | undefined)?.["controller-revision-hash"];
  const updated = pods.filter((p) => labelled(p) === revision).length;
  const ready = pods.filter(isReady).length;
  return compact({
    observedGeneration: generationOf(set),
    replicas: pods.length,
    readyReplicas: count(ready),
    currentReplicas: count(updated),
    updatedReplicas: count(updated),
    availableReplicas: ready,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
  });
}

/**
 * The Job controller's status: active while a pod runs, then Complete (SuccessCriteriaMet first,
 * as Kubernetes 1.31+ writes it), or Failed once more pods failed than `backoffLimit` allows.
 */
export function jobStatus(job: Json, pods: Json[], previous: Json | undefined, now: string): Json {
  const spec = (job.spec ?? {}) as Json;
  const succeeded = pods.filter((p) => phaseOf(p) === "Succeeded").length;
  const failedPods = pods.filter((p) => phaseOf(p) === "Failed").length;
  const active = pods.length - succeeded - failedPods;
  const complete = succeeded >= Number(spec.completions ?? 1);
  const failed = !complete && failedPods > Number(spec.backoffLimit ?? 6);
  const startTime = (previous?.startTime as string | undefined) ?? now;
  // A condition keeps the time it first became true.
  const since = (type: string) =>
    (((previous?.conditions ?? []) as Json[]).find((c) => c.type === type)?.lastTransitionTime as string | undefined) ?? now;
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    lastProbeTime: since(type),
    lastTransitionTime: since(type),
    reason,
    message,
  });
  const reached = "Reached expected number of succeeded pods";
  const backoff = "Job has reached the specified backoff limit";
  return compact({
    conditions: complete
      ? [condition("SuccessCriteriaMet", "CompletionsReached", reached), condition("Complete", "CompletionsReached", reached)]
      : failed
        ? [condition("FailureTarget", "BackoffLimitExceeded", backoff), condition("Failed", "BackoffLimitExceeded", backoff)]
        : undefined,
    startTime,
    completionTime: complete ? ((previous?.completionTime as string | undefined) ?? now) : undefined,
    active: count(active),
    succeeded: count(succeeded),
    failed: count(failedPods),
    terminating: 0,
    ready: pods.filter(isReady).length,
    uncountedTerminatedPods: {},
  });
}

/** Whether a Job has finished, and when: what its TTL counts from. */
export function jobFinishedAt(job: Json): string | undefined {
  const conditions = (((job.status as Json | undefined)?.conditions ?? []) as Json[]).filter((c) => c.status === "True");
  const done = conditions.find((c) => c.type === "Complete" || c.type === "Failed");
  return done ? String((job.status as Json).completionTime ?? done.lastTransitionTime) : undefined;
}
