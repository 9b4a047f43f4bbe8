import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject, type V1Secret } from "@kubernetes/client-node";

export const FIELD_MANAGER = "airflow-portal";

/** Server-side apply: creates or converges the object to what the portal declares, idempotently. */
export async function applyObject<T extends KubernetesObject>(kc: KubeConfig, object: T): Promise<T> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  return api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
}

/**
 * Sets annotations on an existing object with a JSON merge patch: only those keys change, and the
 * fields the portal's server-side apply owns stay its own.
 */
export async function annotateObject<T extends KubernetesObject>(
  kc: KubeConfig,
  header: ObjectHeader,
  annotations: Record<string, string>,
): Promise<T> {
  return mergePatchObject<T>(kc, header, { metadata: { annotations } });
}

type ObjectHeader = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** A JSON merge patch of an existing object: only the fields in `patch` change. */
export async function mergePatchObject<T extends KubernetesObject>(kc: KubeConfig, header: ObjectHeader, patch: { metadata?: Record<string, unknown>; spec?: Record<string, unknown>; data?: Record<string, string> }): Promise<T> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const body = { apiVersion: header.apiVersion, kind: header.kind, ...patch, metadata: { ...header.metadata, ...patch.metadata } };
  return api.patch(body, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch) as Promise<T>;
}

export async function readObject<T extends KubernetesObject>(kc: KubeConfig, header: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<T | null> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  try {
    return (await api.read(header)) as T;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return null;
    throw error;
  }
}

/**
 * Creates a Secret only if none of that name exists: a secret is generated once, and a retry or a
 * resumed run must never replace it (a new fernet key would make encrypted data unreadable).
 * `generate` runs only when the secret is really created. Returns whether it was created.
 */
export async function createSecretOnce(
  kc: KubeConfig,
  namespace: string,
  name: string,
  generate: () => Promise<Record<string, string>> | Record<string, string>,
): Promise<boolean> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.readNamespacedSecret({ name, namespace });
    return false;
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
  const body: V1Secret = {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": FIELD_MANAGER } },
    stringData: await generate(),
  };
  try {
    await core.createNamespacedSecret({ namespace, body });
    return true;
  } catch (error) {
    // Created by another run between the read and the create: theirs stands.
    if ((error as { code?: number }).code === 409) return false;
    throw error;
  }
}

