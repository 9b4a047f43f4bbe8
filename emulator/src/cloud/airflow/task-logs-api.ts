/**
 * The stand-in Airflow's task log endpoint, read as the real UI reads a log once the task's pod is
 * gone: from Blob Storage through the UI component's own service account and workload identity
 * (`<release>-api-server` on Airflow 3, `<release>-webserver` on Airflow 2), with the release's
 * `[logging]` settings. Answers are Airflow's: 3.x `GET /api/v2/dags/{dag_id}/dagRuns/{run_id}/
 * taskInstances/{task_id}/logs/{try_number}` — `content` a list of structured log lines behind the
 * "Log message source details" group; 2.x `/api/v1/…/logs/{task_try_number}` — `content` the Python
 * repr of `[(hostname, text)]`, as Airflow 2's schema dumps it.
 */
import { createHmac } from "node:crypto";
import type { CloudContext } from "../context.js";
import { typeOf } from "../kube/discovery.js";
import { mutatePod, webhookSettings } from "../kube/workload-identity-webhook.js";
import type { AirflowSite, ClusterState, Json, TaskInstanceRecord } from "../store.js";
import { azureErrorText, blobClientFor, logsToBlob, parseAirflowCfg, podIdentity, readRemoteLogs, remoteLogPath, remoteLogSettings } from "./remote-logging.js";
import { triesOf } from "./task-runs.js";

const POD = typeOf("Pod");
const DEPLOYMENT = typeOf("Deployment");
const CONFIG_MAP = typeOf("ConfigMap");
const SERVICE_ACCOUNT = typeOf("ServiceAccount");

export interface LogRequest {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}

/** The log route of the site's Airflow major, if `path` is one. */
export function matchLogRoute(path: string, major: number): LogRequest | undefined {
  const m = new RegExp(`^/api/${major >= 3 ? "v2" : "v1"}/dags/([^/]+)/dagRuns/([^/]+)/taskInstances/([^/]+)/logs/(\\d+)$`).exec(path);
  if (!m) return undefined;
  const [dagId, runId, taskId] = [m[1], m[2], m[3]].map((s) => decodeURIComponent(s as string)) as [string, string, string];
  return { dagId, runId, taskId, tryNumber: Number(m[4]) };
}

const docsLink = (site: AirflowSite, error: string) => `https://airflow.apache.org/docs/apache-airflow/${site.airflowVersion}/stable-rest-api-ref.html#section/Errors/${error}`;

/** Airflow's 401 for an API call without a signed-in user. */
export function unauthenticated(site: AirflowSite, major: number): Json {
  return major >= 3 ? { detail: "Not authenticated" } : { detail: null, status: 401, title: "Unauthorized", type: docsLink(site, "Unauthenticated") };
}

/** Python's repr of a str, as `str([(host, text)])` prints it. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = [...s]
    .map((c) => {
      if (c === "\\") return "\\\\";
      if (c === quote) return `\\${c}`;
      if (c === "\n") return "\\n";
      if (c === "\r") return "\\r";
      if (c === "\t") return "\\t";
      const code = c.codePointAt(0) ?? 0;
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
    })
    .join("");
  return `${quote}${body}${quote}`;
}

/** itsdangerous' URLSafeSerializer shape: the metadata, base64url, and a signature. */
function continuationToken(site: AirflowSite, metadata: Json): string {
  const payload = Buffer.from(JSON.stringify(metadata)).toString("base64url");
  return `${payload}.${createHmac("sha1", `${site.key}/secret_key`).update(payload).digest("base64url")}`;
}

/** The UI component's pod as the webhook shaped it: a running one of the release, else its Deployment's template through the webhook. */
function uiPod(ctx: CloudContext, cluster: ClusterState, site: AirflowSite, major: number): Json | undefined {
  const component = major >= 3 ? "api-server" : "webserver";
  const running = ctx.kube.list(cluster, POD, site.namespace).find((p) => {
    const labels = ((p.metadata as Json).labels ?? {}) as Json;
    return labels.component === component && labels.release === site.release && !(p.metadata as Json).deletionTimestamp;
  });
  if (running) return running;
  const deployment = ctx.kube.read(cluster, DEPLOYMENT, site.namespace, `${site.release}-${component}`);
  if (!deployment) return undefined;
  const template = structuredClone(((deployment.spec as Json).template ?? {}) as Json);
  const pod: Json = { metadata: { ...((template.metadata ?? {}) as Json), name: `${site.release}-${component}`, namespace: site.namespace }, spec: template.spec ?? {} };
  const account = ctx.kube.read(cluster, SERVICE_ACCOUNT, site.namespace, String((pod.spec as Json).serviceAccountName ?? "default"));
  mutatePod(pod, account, webhookSettings(ctx));
  return pod;
}

/** FileTaskHandler's read of one try: the handler's messages and the logs it found. */
async function readLog(ctx: CloudContext, site: AirflowSite, ti: TaskInstanceRecord | LogRequest & { hostname: string }, major: number): Promise<{ messages: string[]; logs: string[] }> {
  const cluster = ctx.kube.get(site.clusterKey);
  const config = cluster ? ctx.kube.read(cluster, CONFIG_MAP, site.namespace, `${site.release}-config`) : undefined;
  const pod = cluster ? uiPod(ctx, cluster, site, major) : undefined;
  // Without remote logs the UI asks the worker's log server, on a pod that is gone.
  const served = { messages: [`Could not read served logs: [Errno -2] Name or service not known: '${ti.hostname}'`], logs: [] };
  if (!cluster || !config || !pod) return served;
  const identity = podIdentity(ctx, cluster, pod);
  const settings = remoteLogSettings(parseAirflowCfg(String(((config.data ?? {}) as Json)["airflow.cfg"] ?? "")), identity.env);
  if (!logsToBlob(settings)) return served;
  const prefix = remoteLogPath(settings.folder, ti);
  let found: { messages: string[]; logs: string[] };
  try {
    found = await readRemoteLogs(blobClientFor(ctx, cluster, identity, settings.connId), settings.container, prefix);
  } catch (err) {
    // The hook could not be made (no connection, no credential): WasbTaskHandler logs it and finds nothing.
    found = { messages: [`tried listing blobs with prefix=${prefix} and container=${settings.container}`, `could not list blobs ${azureErrorText(err)}`], logs: [] };
  }
  if (found.logs.length === 0 && !found.messages.includes("Found remote logs:")) {
    found.messages.push(`No logs found in WASB; ti=%s <TaskInstance: ${ti.dagId}.${ti.taskId} ${ti.runId} [${"state" in ti ? ti.state : "none"}]>`);
  }
  return found;
}

/** Airflow 3's structured lines: each JSON line of the log as it is, any other line as its event. */
function structured(logs: string[]): Json[] {
  return logs.flatMap((text) =>
    text
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => {
        try {
          const parsed = JSON.parse(line) as unknown;
          if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Json;
        } catch {
          // not a JSON line
        }
        return { timestamp: null, event: line };
      }),
  );
}

/** The status and JSON body the log route answers. */
export async function taskLogAnswer(ctx: CloudContext, site: AirflowSite, request: LogRequest): Promise<[number, Json]> {
  const major = Number(site.airflowVersion.split(".")[0]);
  const tries = triesOf(site, request.dagId, request.runId, request.taskId);
  if (tries.length === 0) {
    return [404, major >= 3 ? { detail: "TaskInstance not found" } : { detail: null, status: 404, title: "TaskInstance not found", type: docsLink(site, "NotFound") }];
  }
  const ti = tries.find((t) => t.tryNumber === request.tryNumber) ?? { ...request, hostname: tries.at(-1)?.hostname ?? "" };
  const { messages, logs } = await readLog(ctx, site, ti, major);
  if (major >= 3) {
    const content = [{ timestamp: null, event: "::group::Log message source details", sources: messages }, { timestamp: null, event: "::endgroup::" }, ...structured(logs)];
    return [200, { content, continuation_token: continuationToken(site, { end_of_log: true, log_pos: content.length }) }];
  }
  const text = messages.map((m) => `*** ${m}\n`).join("") + logs.join("\n");
  return [200, { content: `[(${pyRepr(ti.hostname)}, ${pyRepr(text)})]`, continuation_token: continuationToken(site, { end_of_log: true, log_pos: text.length }) }];
}
