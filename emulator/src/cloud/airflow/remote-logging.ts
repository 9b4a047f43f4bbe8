/**
 * What Airflow's Azure provider does with a pod's environment when remote logging goes to Blob
 * Storage (`WasbTaskHandler` + `WasbHook`): `[logging]` and `[azure_remote_logging]` from the
 * release's rendered airflow.cfg (an `AIRFLOW__<SECTION>__<KEY>` variable wins, as in Airflow), the
 * connection from `AIRFLOW_CONN_<ID>` (Airflow's JSON form), and — with no key in the connection —
 * DefaultAzureCredential's workload identity: the token the kubelet projects for the pod's service
 * account, exchanged at the emulator's Entra through the real `@azure/identity`, then the real
 * `@azure/storage-blob` client against the connection's host.
 */
import { ClientAssertionCredential } from "@azure/identity";
import { BlobServiceClient, type StoragePipelineOptions } from "@azure/storage-blob";
import type { CloudContext } from "../context.js";
import { typeOf } from "../kube/discovery.js";
import { mintServiceAccountToken } from "../kube/service-account-tokens.js";
import type { ClusterState, Json } from "../store.js";

const SECRET = typeOf("Secret");
const CONFIG_MAP = typeOf("ConfigMap");

/** `[section] key = value` of an airflow.cfg, sections and keys lower-cased. */
export function parseAirflowCfg(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = out[(header[1] as string).trim().toLowerCase()] ??= {};
      continue;
    }
    const eq = line.search(/[=:]/);
    if (section && eq > 0) section[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** A container's environment as the kubelet builds it: `envFrom`, then `env` (values, Secret and ConfigMap keys). */
export function containerEnv(ctx: CloudContext, cluster: ClusterState, namespace: string, container: Json): Record<string, string> {
  const env: Record<string, string> = {};
  const dataOf = (kind: "Secret" | "ConfigMap", name: unknown): Record<string, string> => {
    const obj = ctx.kube.read(cluster, kind === "Secret" ? SECRET : CONFIG_MAP, namespace, String(name));
    const data = ((obj?.data ?? {}) as Record<string, string>);
    return kind === "Secret" ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")])) : data;
  };
  for (const from of (container.envFrom ?? []) as Json[]) {
    const ref = (from.secretRef ?? from.configMapRef) as Json | undefined;
    if (ref) Object.assign(env, dataOf(from.secretRef ? "Secret" : "ConfigMap", ref.name));
  }
  for (const variable of (container.env ?? []) as Json[]) {
    const name = String(variable.name);
    const source = (variable.valueFrom ?? {}) as Json;
    const ref = (source.secretKeyRef ?? source.configMapKeyRef) as Json | undefined;
    if (typeof variable.value === "string") env[name] = variable.value;
    else if (ref) {
      const value = dataOf(source.secretKeyRef ? "Secret" : "ConfigMap", ref.name)[String(ref.key)];
      if (value !== undefined) env[name] = value;
    }
  }
  return env;
}

export interface RemoteLogSettings {
  /** `[logging] remote_logging` as Airflow's getboolean reads it. */
  on: boolean;
  folder: string;
  connId: string;
  container: string;
}

/** `conf.get` for the few options remote logging reads: the environment first, then airflow.cfg, then Airflow's default. */
export function remoteLogSettings(cfg: Record<string, Record<string, string>>, env: Record<string, string>): RemoteLogSettings {
  const get = (section: string, key: string, fallback: string) => env[`AIRFLOW__${section.toUpperCase()}__${key.toUpperCase()}`] ?? cfg[section]?.[key] ?? fallback;
  return {
    on: ["true", "t", "1"].includes(get("logging", "remote_logging", "False").toLowerCase()),
    folder: get("logging", "remote_base_log_folder", ""),
    connId: get("logging", "remote_log_conn_id", ""),
    container: get("azure_remote_logging", "remote_wasb_log_container", "airflow-logs"),
  };
}

/** Whether the settings send task logs to Blob Storage: the Azure provider takes a folder starting with `wasb`. */
export const logsToBlob = (s: RemoteLogSettings) => s.on && s.folder.startsWith("wasb");

/** WasbTaskHandler's path of one try's log: Airflow's default `log_filename_template`, under the folder. */
export const remoteLogPath = (folder: string, ti: { dagId: string; runId: string; taskId: string; tryNumber: number }) =>
  `${folder}/dag_id=${ti.dagId}/run_id=${ti.runId}/task_id=${ti.taskId}/attempt=${ti.tryNumber}.log`;

/** Something in the way, in the words the Python side would log. */
export class RemoteLogError extends Error {}

/** An Azure SDK error as azure-core's HttpResponseError prints it: the service's message, then its code. */
export function azureErrorText(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const message = String(e.message ?? err);
  return e.code && !message.includes(e.code) ? `${message}\nErrorCode:${e.code}` : message;
}

/** A pod as far as signing in goes: its namespace, service account, the container's environment and its projected token. */
export interface PodIdentity {
  namespace: string;
  serviceAccount: string;
  pod: { name: string; uid: string };
  env: Record<string, string>;
  /** The projected service account token volume mounted at `AZURE_FEDERATED_TOKEN_FILE`, if there is one. */
  token?: { audience?: string; expirationSeconds?: number };
}

/** The identity of `pod`'s first container (Airflow's `base`), as the kubelet would set it up. */
export function podIdentity(ctx: CloudContext, cluster: ClusterState, pod: Json): PodIdentity {
  const metadata = pod.metadata as Json;
  const spec = (pod.spec ?? {}) as Json;
  const namespace = String(metadata.namespace);
  const container = ((spec.containers ?? []) as Json[])[0] ?? {};
  const env = containerEnv(ctx, cluster, namespace, container);
  const file = env.AZURE_FEDERATED_TOKEN_FILE;
  let token: PodIdentity["token"];
  for (const mount of (container.volumeMounts ?? []) as Json[]) {
    const volume = ((spec.volumes ?? []) as Json[]).find((v) => v.name === mount.name);
    for (const source of (((volume?.projected as Json | undefined)?.sources ?? []) as Json[])) {
      const sat = source.serviceAccountToken as Json | undefined;
      if (sat && file === `${String(mount.mountPath).replace(/\/$/, "")}/${String(sat.path)}`) {
        token = { audience: sat.audience as string | undefined, expirationSeconds: sat.expirationSeconds as number | undefined };
      }
    }
  }
  return { namespace, serviceAccount: String(spec.serviceAccountName ?? "default"), pod: { name: String(metadata.name), uid: String(metadata.uid ?? "") }, env, ...(token ? { token } : {}) };
}

/** The connection `AIRFLOW_CONN_<ID>` holds, in Airflow's JSON form; Airflow's error when there is none. */
function connectionOf(id: PodIdentity, connId: string): Json {
  const raw = id.env[`AIRFLOW_CONN_${connId.toUpperCase()}`];
  if (raw === undefined) throw new RemoteLogError(`The conn_id \`${connId}\` isn't defined`);
  try {
    const parsed = JSON.parse(raw) as Json;
    if (parsed && typeof parsed === "object") return parsed;
  } catch {
    // Airflow's URI form is not read here.
  }
  throw new RemoteLogError(`Connection ${connId}: only Airflow's JSON connection form is emulated (AIRFLOW_CONN_${connId.toUpperCase()})`);
}

/**
 * WasbHook's client for the pod: the connection's host, and DefaultAzureCredential's workload
 * identity (the connection's `managed_identity_client_id` / `workload_identity_tenant_id`, else
 * the webhook's AZURE_CLIENT_ID / AZURE_TENANT_ID) over the projected token.
 */
export function blobClientFor(ctx: CloudContext, cluster: ClusterState, id: PodIdentity, connId: string): BlobServiceClient {
  const connection = connectionOf(id, connId);
  const extra = (typeof connection.extra === "string" ? (JSON.parse(connection.extra) as Json) : ((connection.extra ?? {}) as Json));
  const host = String(connection.host ?? "");
  if (!host.startsWith("https://")) throw new RemoteLogError(`Connection ${connId}: its host must be the account's blob endpoint (https://…), got '${host}'`);
  const clientId = (extra.managed_identity_client_id as string | undefined) ?? id.env.AZURE_CLIENT_ID;
  const tenantId = (extra.workload_identity_tenant_id as string | undefined) ?? id.env.AZURE_TENANT_ID;
  const file = id.env.AZURE_FEDERATED_TOKEN_FILE;
  const authority = id.env.AZURE_AUTHORITY_HOST;
  const missing = [!tenantId && "'tenant_id'", !clientId && "'client_id'", !file && "'token_file_path'"].filter(Boolean);
  if (missing.length > 0 || !authority) {
    // DefaultAzureCredential's summary, shortened to the credential that matters in a pod.
    throw new RemoteLogError(
      `DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n\tWorkloadIdentityCredential: WorkloadIdentityCredential authentication unavailable. The workload options are not fully configured. Missing required arguments: ${missing.join(", ") || "'authority'"}.`,
    );
  }
  const assertion = async () => {
    if (!id.token) throw new RemoteLogError(`[Errno 2] No such file or directory: '${file}'`);
    // What the kubelet projects: a token of the pod's service account, bound to the pod.
    return mintServiceAccountToken(ctx, cluster, { namespace: id.namespace, serviceAccount: id.serviceAccount, audience: id.token.audience, lifetimeSeconds: id.token.expirationSeconds, pod: id.pod });
  };
  const tlsOptions = { ca: ctx.caCert };
  const credential = new ClientAssertionCredential(tenantId!, clientId!, assertion, { authorityHost: authority, disableInstanceDiscovery: true, tlsOptions });
  return new BlobServiceClient(host, credential, { tlsOptions, retryOptions: { maxTries: 1 } } as StoragePipelineOptions);
}

/** `WasbHook.load_string(…, overwrite=True)`: resolves to the blob's URL. */
export async function uploadLog(client: BlobServiceClient, container: string, blobPath: string, text: string): Promise<string> {
  const blob = client.getContainerClient(container).getBlockBlobClient(blobPath);
  await blob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: "text/plain" } });
  return blob.url;
}

/** `WasbTaskHandler._read_remote_logs`: the handler's messages and the logs it found, listing by the try's prefix. */
export async function readRemoteLogs(client: BlobServiceClient, container: string, prefix: string): Promise<{ messages: string[]; logs: string[] }> {
  const messages: string[] = [];
  const logs: string[] = [];
  const containerClient = client.getContainerClient(container);
  let names: string[] = [];
  try {
    for await (const blob of containerClient.listBlobsFlat({ prefix })) names.push(blob.name);
  } catch (err) {
    messages.push(`tried listing blobs with prefix=${prefix} and container=${container}`, `could not list blobs ${azureErrorText(err)}`);
    names = [];
  }
  names.sort();
  // The provider names each blob by the container, as it does.
  if (names.length > 0) messages.push("Found remote logs:", ...names.map((n) => `  * https://${container}.blob.core.windows.net/${n}`));
  for (const name of names) {
    try {
      const text = (await containerClient.getBlobClient(name).downloadToBuffer()).toString("utf8");
      if (text) logs.push(text);
    } catch (err) {
      messages.push(`Unable to read remote blob '${name}' in container '${container}'\n${azureErrorText(err)}`);
    }
  }
  return { messages, logs };
}
