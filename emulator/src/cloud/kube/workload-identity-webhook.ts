/**
 * AKS's workload identity add-on: the `azure-workload-identity` mutating admission webhook, which
 * runs on every pod creation in a cluster with `securityProfile.workloadIdentity.enabled`. A pod
 * labelled `azure.workload.identity/use: "true"` whose service account carries
 * `azure.workload.identity/client-id` gets, in each container (init containers too, except those
 * `azure.workload.identity/skip-containers` names), the environment azure-identity reads
 * (`AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_AUTHORITY_HOST`, only
 * those not already set) and the projected service account token volume mounted read-only at
 * `/var/run/secrets/azure/tokens`. Anything else is left alone.
 */
import { TENANT_ID } from "../arm/cluster-ids.js";
import type { CloudContext } from "../context.js";
import type { ClusterState, Json } from "../store.js";
import { typeOf } from "./discovery.js";
import { TOKEN_EXCHANGE_AUDIENCE } from "./service-account-tokens.js";

export const USE_LABEL = "azure.workload.identity/use";
export const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";
export const TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id";
const EXPIRATION_ANNOTATION = "azure.workload.identity/service-account-token-expiration";
const SKIP_CONTAINERS_ANNOTATION = "azure.workload.identity/skip-containers";

export const TOKEN_VOLUME = "azure-identity-token";
export const TOKEN_MOUNT_PATH = "/var/run/secrets/azure/tokens";
export const TOKEN_FILE = `${TOKEN_MOUNT_PATH}/azure-identity-token`;
/** The webhook's default, and its bounds for the expiration annotations (pod first, then service account). */
const DEFAULT_EXPIRATION = 3600;

const SERVICE_ACCOUNT = typeOf("ServiceAccount");

export interface WebhookSettings {
  /** The cluster's tenant (the annotation overrides it). */
  tenantId: string;
  /** Entra's address as the add-on configures it: `https://login.microsoftonline.com/` on Azure, the emulator's here. */
  authorityHost: string;
}

const annotationsOf = (obj: Json | undefined) => (((obj?.metadata as Json | undefined)?.annotations ?? {}) as Record<string, unknown>);

function expirationOf(pod: Json, account: Json): number {
  const raw = annotationsOf(pod)[EXPIRATION_ANNOTATION] ?? annotationsOf(account)[EXPIRATION_ANNOTATION];
  const seconds = Number(raw);
  return raw !== undefined && Number.isInteger(seconds) && seconds >= 3600 && seconds <= 86400 ? seconds : DEFAULT_EXPIRATION;
}

/**
 * Mutates `pod` in place as the webhook would, given its service account (undefined when it does
 * not exist). Returns whether it changed anything. Running it twice changes nothing more.
 */
export function mutatePod(pod: Json, account: Json | undefined, settings: WebhookSettings): boolean {
  const labels = ((pod.metadata as Json | undefined)?.labels ?? {}) as Record<string, unknown>;
  if (labels[USE_LABEL] !== "true" || !account) return false;
  const saAnnotations = annotationsOf(account);
  const clientId = saAnnotations[CLIENT_ID_ANNOTATION];
  if (typeof clientId !== "string" || !clientId) return false;
  const tenant = typeof saAnnotations[TENANT_ID_ANNOTATION] === "string" ? String(saAnnotations[TENANT_ID_ANNOTATION]) : settings.tenantId;
  const skip = new Set(
    String(annotationsOf(pod)[SKIP_CONTAINERS_ANNOTATION] ?? "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const wanted = [
    { name: "AZURE_CLIENT_ID", value: clientId },
    { name: "AZURE_TENANT_ID", value: tenant },
    { name: "AZURE_FEDERATED_TOKEN_FILE", value: TOKEN_FILE },
    { name: "AZURE_AUTHORITY_HOST", value: settings.authorityHost },
  ];
  const spec = (pod.spec ??= {}) as Json;
  const mutate = (containers: Json[]) =>
    containers.map((c) => {
      if (skip.has(String(c.name))) return c;
      const env = ((c.env ?? []) as Json[]).slice();
      const present = new Set(env.map((e) => String(e.name)));
      for (const variable of wanted) if (!present.has(variable.name) && variable.value) env.push(variable);
      const mounts = ((c.volumeMounts ?? []) as Json[]).filter((m) => m.name !== TOKEN_VOLUME);
      return { ...c, env, volumeMounts: [...mounts, { name: TOKEN_VOLUME, mountPath: TOKEN_MOUNT_PATH, readOnly: true }] };
    });
  if (Array.isArray(spec.initContainers)) spec.initContainers = mutate(spec.initContainers as Json[]);
  spec.containers = mutate((spec.containers ?? []) as Json[]);
  const volume = {
    name: TOKEN_VOLUME,
    projected: { sources: [{ serviceAccountToken: { path: "azure-identity-token", expirationSeconds: expirationOf(pod, account), audience: TOKEN_EXCHANGE_AUDIENCE } }], defaultMode: 420 },
  };
  spec.volumes = [...((spec.volumes ?? []) as Json[]).filter((v) => v.name !== TOKEN_VOLUME), volume];
  return true;
}

/** Whether the cluster runs the add-on: workload identity on in its ARM resource. */
function enabledIn(ctx: CloudContext, cluster: ClusterState): boolean {
  const properties = (ctx.store.getResource(cluster.armId)?.body.properties ?? {}) as Json;
  const profile = ((properties.securityProfile as Json | undefined)?.workloadIdentity ?? {}) as Json;
  return profile.enabled === true;
}

/** The webhook's settings in this cloud: the subscription's tenant, the emulator's Entra. */
export const webhookSettings = (ctx: CloudContext): WebhookSettings => ({ tenantId: TENANT_ID, authorityHost: `${ctx.baseUrl}/` });

/** Registers the webhook with every cluster's pod admission. */
export function installWorkloadIdentityWebhook(ctx: CloudContext) {
  ctx.kube.podAdmission.push((cluster, pod) => {
    if (!enabledIn(ctx, cluster)) return;
    const spec = (pod.spec ?? {}) as Json;
    const namespace = String((pod.metadata as Json).namespace);
    const account = ctx.kube.read(cluster, SERVICE_ACCOUNT, namespace, String(spec.serviceAccountName ?? "default"));
    mutatePod(pod, account, webhookSettings(ctx));
  });
}
