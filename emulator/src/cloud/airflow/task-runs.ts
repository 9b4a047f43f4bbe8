/**
 * One task instance run by a release's executor, as far as the cloud sees it: a pod made through
 * the cluster's API server from the release as rendered (the Kubernetes executor's
 * `pod_template_file.yaml`; for Celery and Local, the worker's or scheduler's pod template, the pod
 * standing for the task's process), so AKS's webhooks apply to it; then the task's log, written to
 * Blob Storage the way the Azure provider writes it when remote logging is on; then the pod goes,
 * as a finished task pod does. The stand-in remembers the task instance (state, try, error).
 */
import { createHash, randomBytes } from "node:crypto";
import { load } from "js-yaml";
import type { CloudContext } from "../context.js";
import { typeOf } from "../kube/discovery.js";
import { KubeError } from "../kube/status.js";
import { Verbs } from "../kube/verbs.js";
import type { AirflowSite, ClusterState, Json, TaskInstanceRecord } from "../store.js";
import { blobClientFor, logsToBlob, parseAirflowCfg, podIdentity, remoteLogPath, remoteLogSettings, uploadLog, azureErrorText } from "./remote-logging.js";

const POD = typeOf("Pod");
const CONFIG_MAP = typeOf("ConfigMap");
const STATEFUL_SET = typeOf("StatefulSet");
const DEPLOYMENT = typeOf("Deployment");

export interface TaskRunInput {
  dagId: string;
  taskId: string;
  runId?: string;
  tryNumber?: number;
}

export interface TaskRunResult {
  state: "success" | "failed";
  pod: string;
  logLocation: string | null;
  error?: string;
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}

/** A refusal of the request itself (no such release, cluster stopped): the control API's 4xx. */
export class TaskRunRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Airflow's `make_safe_label_value`: a valid label value, with a hash when it had to change. */
export function safeLabel(value: string): string {
  let safe = value.replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9_.-]|[^a-zA-Z0-9]+$/g, "");
  if (safe.length > 63 || safe !== value) {
    const hash = createHash("md5").update(value).digest("hex").slice(0, 9);
    safe = `${safe.slice(0, 63 - hash.length - 1)}-${hash}`;
  }
  return safe;
}

/** The Kubernetes executor's pod name: dag and task, DNS-safe, and a random suffix. */
function podNameFor(dagId: string, taskId: string): string {
  const base = `${dagId}-${taskId}`.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "").slice(0, 54) || "task";
  return `${base}-${randomBytes(4).toString("hex")}`;
}

/** Airflow's run id of a manual trigger: `manual__<ISO time with offset>`. */
const manualRunId = () => `manual__${new Date().toISOString().replace("Z", "+00:00")}`;

/** The pod the release's executor makes for the task, before the API server's admission. */
export function taskPod(ctx: CloudContext, cluster: ClusterState, site: AirflowSite, config: Json, ti: Required<TaskRunInput>): Json {
  const name = podNameFor(ti.dagId, ti.taskId);
  const executor = site.executor.split(",")[0]?.trim() ?? "";
  const taskLabels = { dag_id: safeLabel(ti.dagId), task_id: safeLabel(ti.taskId), run_id: safeLabel(ti.runId), try_number: String(ti.tryNumber), airflow_version: safeLabel(site.airflowVersion) };
  const annotations = { dag_id: ti.dagId, task_id: ti.taskId, run_id: ti.runId, try_number: String(ti.tryNumber) };
  const args = ["airflow", "tasks", "run", ti.dagId, ti.taskId, ti.runId, "--local"];
  let template: Json;
  if (executor === "KubernetesExecutor") {
    const text = ((config.data ?? {}) as Json)["pod_template_file.yaml"];
    if (typeof text !== "string") throw new TaskRunRefused(409, `the release renders no pod_template_file.yaml in ConfigMap ${site.namespace}/${site.release}-config`);
    template = load(text) as Json;
  } else {
    // Celery: a worker's process; Local: the scheduler's.
    const [t, owner] = executor.startsWith("Local") ? [DEPLOYMENT, `${site.release}-scheduler`] : [STATEFUL_SET, `${site.release}-worker`];
    const workload = ctx.kube.read(cluster, t, site.namespace, owner);
    if (!workload) throw new TaskRunRefused(409, `the release has no ${t.kind} ${site.namespace}/${owner} to run the task`);
    template = structuredClone(((workload.spec as Json).template ?? {}) as Json);
  }
  const metadata = (template.metadata ?? {}) as Json;
  const spec: Json = { ...((template.spec ?? {}) as Json), restartPolicy: "Never" };
  const containers = ((spec.containers ?? []) as Json[]).map((c, i) => (i === 0 ? { ...c, args } : c));
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      labels: { ...((metadata.labels ?? {}) as Json), ...taskLabels, ...(executor === "KubernetesExecutor" ? { kubernetes_executor: "True" } : {}) },
      annotations: { ...((metadata.annotations ?? {}) as Json), ...annotations },
    },
    spec: { ...spec, containers },
  };
}

const pyTime = (d: Date) => d.toISOString().replace("Z", "+0000").replace(/\.(\d{3})/, ".$1");

/** The task's log as Airflow writes it: structlog JSON lines on Airflow 3, the classic text format on 2. */
export function taskLog(site: AirflowSite, ti: Required<TaskRunInput>, pod: string, start: Date): string {
  const hello = `Hello from ${ti.dagId}.${ti.taskId}`;
  if (Number(site.airflowVersion.split(".")[0]) >= 3) {
    const at = (ms: number) => new Date(start.getTime() + ms).toISOString().replace("Z", "000Z");
    const line = (ms: number, event: string, logger: string, extra: Json = {}) => JSON.stringify({ timestamp: at(ms), level: "info", event, logger, ...extra });
    return [
      line(0, "DAG bundles loaded: dags-folder", "airflow.dag_processing.bundles.manager.DagBundlesManager"),
      line(5, `Task instance is in running state on host ${pod}`, "task", { dag_id: ti.dagId, task_id: ti.taskId, run_id: ti.runId, try_number: ti.tryNumber }),
      line(20, hello, "task.stdout"),
      line(30, "Done. Returned value was: None", "airflow.task.operators"),
      line(40, "Task finished", "supervisor", { exit_code: 0, final_state: "success" }),
    ].join("\n") + "\n";
  }
  const at = (ms: number) => pyTime(new Date(start.getTime() + ms));
  const ref = `<TaskInstance: ${ti.dagId}.${ti.taskId} ${ti.runId}`;
  return [
    `[${at(0)}] {taskinstance.py:2193} INFO - Starting attempt ${ti.tryNumber} of ${ti.tryNumber}`,
    `[${at(5)}] {standard_task_runner.py:60} INFO - Started process 17 to run task`,
    `[${at(10)}] {task_command.py:426} INFO - Running ${ref} [running]> on host ${pod}`,
    `[${at(20)}] {logging_mixin.py:188} INFO - ${hello}`,
    `[${at(30)}] {taskinstance.py:1206} INFO - Marking task as SUCCESS. dag_id=${ti.dagId}, task_id=${ti.taskId}, run_id=${ti.runId}`,
    `[${at(40)}] {local_task_job_runner.py:240} INFO - Task exited with return code 0`,
  ].join("\n") + "\n";
}

/** The task instance's tries at the site, oldest first. */
export const triesOf = (site: AirflowSite, dagId: string, runId: string, taskId: string) =>
  (site.taskInstances ?? []).filter((t) => t.dagId === dagId && t.runId === runId && t.taskId === taskId).sort((a, b) => a.tryNumber - b.tryNumber);

/** Runs one try of a task instance of the release and answers how it went. */
export async function runTask(ctx: CloudContext, site: AirflowSite, input: TaskRunInput): Promise<TaskRunResult> {
  const cluster = ctx.kube.get(site.clusterKey);
  if (!cluster || !cluster.provisioned) throw new TaskRunRefused(404, `no cluster ${site.clusterKey}`);
  if (cluster.stopped) throw new TaskRunRefused(409, `cluster ${site.clusterKey} is stopped: its Airflow runs nothing`);
  const runId = input.runId ?? manualRunId();
  const previous = triesOf(site, input.dagId, runId, input.taskId);
  const ti = { dagId: input.dagId, taskId: input.taskId, runId, tryNumber: input.tryNumber ?? (previous.at(-1)?.tryNumber ?? 0) + 1 };
  const config = ctx.kube.read(cluster, CONFIG_MAP, site.namespace, `${site.release}-config`);
  if (!config) throw new TaskRunRefused(409, `configmaps "${site.release}-config" not found in ${site.namespace}: the release renders no Airflow configuration`);
  const start = new Date();
  const verbs = new Verbs(ctx.kube);
  const body = taskPod(ctx, cluster, site, config, ti);
  let pod: Json;
  try {
    pod = verbs.create(cluster, POD, site.namespace, body, { manager: "airflow-scheduler", dryRun: false });
  } catch (err) {
    if (err instanceof KubeError) return record(ctx, site, ti, { state: "failed", pod: String((body.metadata as Json).name), logLocation: null, error: err.message }, start);
    throw err;
  }
  const podName = String((pod.metadata as Json).name);
  let outcome: Pick<TaskRunResult, "state" | "logLocation" | "error">;
  try {
    const identity = podIdentity(ctx, cluster, pod);
    const settings = remoteLogSettings(parseAirflowCfg(String(((config.data ?? {}) as Json)["airflow.cfg"] ?? "")), identity.env);
    if (!logsToBlob(settings)) outcome = { state: "success", logLocation: null };
    else {
      try {
        const client = blobClientFor(ctx, cluster, identity, settings.connId);
        const location = await uploadLog(client, settings.container, remoteLogPath(settings.folder, ti), taskLog(site, ti, podName, start));
        outcome = { state: "success", logLocation: location };
      } catch (err) {
        outcome = { state: "failed", logLocation: null, error: azureErrorText(err) };
      }
    }
  } finally {
    // A finished task pod goes (the executor deletes it); a stopped cluster or a deleted namespace may have taken it already.
    if (ctx.kube.read(cluster, POD, site.namespace, podName)) verbs.delete(cluster, POD, site.namespace, podName, false);
  }
  return record(ctx, site, ti, { ...outcome, pod: podName }, start);
}

function record(ctx: CloudContext, site: AirflowSite, ti: Required<TaskRunInput>, outcome: Pick<TaskRunResult, "state" | "logLocation" | "error" | "pod">, start: Date): TaskRunResult {
  const entry: TaskInstanceRecord = { ...ti, ...outcome, hostname: outcome.pod, startDate: start.toISOString(), endDate: new Date().toISOString() };
  const others = (site.taskInstances ?? []).filter((t) => !(t.dagId === ti.dagId && t.runId === ti.runId && t.taskId === ti.taskId && t.tryNumber === ti.tryNumber));
  site.taskInstances = [...others, entry];
  ctx.store.changed();
  return { state: outcome.state, pod: outcome.pod, logLocation: outcome.logLocation, ...(outcome.error ? { error: outcome.error } : {}), ...ti };
}

/**
 * `POST /_emulator/clusters/{clusterKey}/airflow/task-runs` with `{ namespace?, release?, dagId,
 * taskId, runId?, tryNumber? }`: the release (the cluster's only one, or the one `namespace` /
 * `release` pick) runs the task. Resolves to the status and body to answer.
 */
export async function taskRunRequest(ctx: CloudContext, clusterKey: string, body: Json): Promise<[number, unknown]> {
  const { namespace, release, dagId, taskId, runId, tryNumber } = body;
  const usage = 'send {"dagId": "…", "taskId": "…"} (optional "namespace", "release", "runId", "tryNumber" ≥ 1)';
  const text = (v: unknown) => typeof v === "string" && v.length > 0;
  if (!text(dagId) || !text(taskId) || (runId !== undefined && !text(runId)) || (tryNumber !== undefined && !(Number.isInteger(tryNumber) && Number(tryNumber) >= 1))) return [400, { error: usage }];
  if (!ctx.kube.get(clusterKey)) return [404, { error: `no cluster ${clusterKey}` }];
  const sites = ctx.airflow
    .list()
    .filter((s) => s.clusterKey === clusterKey && (namespace === undefined || s.namespace === namespace) && (release === undefined || s.release === release || s.helmRelease === release));
  if (sites.length === 0) return [404, { error: `no Airflow release in cluster ${clusterKey}${namespace ? ` namespace ${String(namespace)}` : ""}${release ? ` named ${String(release)}` : ""}` }];
  if (sites.length > 1) return [400, { error: `several Airflow releases match (${sites.map((s) => `${s.namespace}/${s.release}`).join(", ")}): name one with "namespace" and "release"` }];
  try {
    return [200, await runTask(ctx, sites[0] as AirflowSite, { dagId: String(dagId), taskId: String(taskId), ...(runId ? { runId: String(runId) } : {}), ...(tryNumber ? { tryNumber: Number(tryNumber) } : {}) })];
  } catch (err) {
    if (err instanceof TaskRunRefused) return [err.status, { error: err.message }];
    throw err;
  }
}
