import { CoreV1Api, type CoreV1Event, type KubeConfig, type V1ContainerStatus, type V1Pod } from "@kubernetes/client-node";

/**
 * Why a Helm release is not ready, in the cluster's own words: the pods of the release that are not
 * Ready and what holds each (an init container still waiting, a Secret key missing, a claim not
 * bound, a Job's container that exited with an error), and the last Helm log lines helm-controller
 * put in its Warning event. What `kubectl describe` would show an operator, told once in the step log.
 */

const MAX_LINES = 8;
const MAX_HELM_LOG = 1_500;

/** Container states that say nothing beyond "wait for the one before" or "still going". */
const UNINFORMATIVE = new Set(["PodInitializing", "ContainerCreating"]);

function containerProblem(status: V1ContainerStatus, kind: "init container" | "container"): string | undefined {
  const { waiting, terminated, running } = status.state ?? {};
  if (waiting && !UNINFORMATIVE.has(waiting.reason ?? "")) {
    return `${kind} ${status.name} ${waiting.reason ?? "waiting"}${waiting.message ? `: ${waiting.message}` : ""}`;
  }
  if (terminated && terminated.exitCode !== 0) {
    return `${kind} ${status.name} exited ${terminated.exitCode} (${terminated.reason ?? "Error"})${terminated.message ? `: ${terminated.message.trim()}` : ""}`;
  }
  const last = status.lastState?.terminated;
  if (last && last.exitCode !== 0 && !running) {
    return `${kind} ${status.name} last exited ${last.exitCode}${last.message ? `: ${last.message.trim()}` : ""}`;
  }
  if (running && kind === "init container") return `init container ${status.name} still running`;
  return undefined;
}

/** What holds one pod, or `undefined` when it is Ready or finished its work. */
export function podProblem(pod: V1Pod): string | undefined {
  const phase = pod.status?.phase;
  if (phase === "Succeeded") return undefined;
  const conditions = pod.status?.conditions ?? [];
  if (conditions.some((c) => c.type === "Ready" && c.status === "True")) return undefined;
  const scheduled = conditions.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False") return `not scheduled (${scheduled.reason ?? "Unschedulable"}): ${scheduled.message ?? ""}`.trim();
  for (const s of pod.status?.initContainerStatuses ?? []) {
    const problem = containerProblem(s, "init container");
    if (problem) return problem;
  }
  for (const s of pod.status?.containerStatuses ?? []) {
    const problem = containerProblem(s, "container");
    if (problem) return problem;
  }
  if (phase === "Failed") return `failed${pod.status?.message ? `: ${pod.status.message}` : ""}`;
  return `${phase ?? "Pending"}, not Ready`;
}

/**
 * Problems that will not go away by waiting, worth telling while Helm still waits: a container that
 * exited with an error (a Job's, whose pods its TTL may delete before Helm gives up), a Secret or
 * ConfigMap missing, a pod that cannot be scheduled. An init container still running is not one.
 */
export function isDefinite(problem: string): boolean {
  return / exited \d+ | last exited \d+|CreateContainerConfigError|ErrImagePull|ImagePullBackOff|CrashLoopBackOff|^not scheduled /.test(problem);
}

/** A problem without the pod's generated name: the same failure of another attempt's pod is the same problem. */
export const problemKey = (line: string) => line.replace(/^pod \S+: /, "");

/** The release's pods that are not Ready, each with what holds it (pods of one workload told once). */
export async function unreadyPods(kc: KubeConfig, namespace: string, release: string): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `release=${release}` });
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const pod of pods.items) {
    const problem = podProblem(pod);
    if (!problem) continue;
    // Replicas of one workload usually wait for the same thing: say it once, with a count.
    const owner = pod.metadata?.labels?.component ?? pod.metadata?.name ?? "";
    const key = `${owner}\n${problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`pod ${pod.metadata?.name}: ${problem}`);
  }
  return lines;
}

/** The last Helm log lines helm-controller gave in a Warning event about the HelmRelease, if any. */
export async function lastHelmLogs(kc: KubeConfig, namespace: string, helmRelease: string): Promise<string | undefined> {
  const core = kc.makeApiClient(CoreV1Api);
  const events = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=HelmRelease,involvedObject.name=${helmRelease}`,
  });
  const time = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime();
  const newest = events.items
    .filter((e) => e.type === "Warning" && e.involvedObject?.name === helmRelease && e.message?.includes("Last Helm logs:"))
    .sort((a, b) => time(b) - time(a))[0];
  const logs = newest?.message?.split("Last Helm logs:")[1]?.trim();
  if (!logs) return undefined;
  return logs.length > MAX_HELM_LOG ? `…${logs.slice(-MAX_HELM_LOG)}` : logs;
}

/** The step-log lines that say why the release is not ready; never throws (a diagnosis must not hide the failure). */
export async function diagnoseRelease(kc: KubeConfig, namespace: string, helmRelease: string): Promise<string[]> {
  const lines: string[] = [];
  const [logs, pods] = await Promise.allSettled([
    lastHelmLogs(kc, namespace, helmRelease),
    unreadyPods(kc, namespace, helmRelease),
  ]);
  if (logs.status === "fulfilled" && logs.value) lines.push(`Helm's last words: ${logs.value}`);
  if (pods.status === "fulfilled") {
    const shown = pods.value.slice(0, MAX_LINES);
    lines.push(...shown.map((p) => `Not ready: ${p}`));
    if (pods.value.length > shown.length) lines.push(`Not ready: ${pods.value.length - shown.length} more pods`);
  }
  return lines;
}
