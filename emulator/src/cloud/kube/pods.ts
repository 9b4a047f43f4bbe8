import { randomBytes, randomUUID } from "node:crypto";
import type { Json } from "../store.js";
import { shortHash } from "../util.js";
import { kubeNow } from "./clusters.js";
import { AKS_DEFAULT_STORAGE_CLASS } from "./defaults.js";

/** Kubernetes' SafeEncodeString alphabet (no vowels, no look-alikes): pod-template-hash, name suffixes. */
const SAFE = "bcdfghjklmnpqrstvwxz2456789";

/** A pod template's hash, as the controllers name ReplicaSets and revisions by it. */
export function templateHash(template: unknown, length = 10) {
  const hex = shortHash(JSON.stringify(template ?? {}), length * 2);
  const letter = (c: string, i: number) => SAFE[(parseInt(c, 16) + parseInt(hex[length + i] ?? "0", 16)) % SAFE.length];
  return [...hex.slice(0, length)].map(letter).join("");
}

/** The five random characters a generateName gets. */
export const nameSuffix = () => [...randomBytes(5)].map((b) => SAFE[b % SAFE.length]).join("");

export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export const ownerOf = (obj: Json): Owner => {
  const metadata = obj.metadata as Json;
  return {
    apiVersion: String(obj.apiVersion),
    kind: String(obj.kind),
    name: String(metadata.name),
    uid: String(metadata.uid),
  };
};

/** The uid of the object's controller (its ownerReference with `controller: true`), if it has one. */
export function controllerUid(obj: Json): string | undefined {
  const refs = ((obj.metadata as Json).ownerReferences ?? []) as Json[];
  return refs.find((r) => r.controller === true)?.uid as string | undefined;
}

/** The metadata of an object a controller makes: itself the owner, with `controller: true`. */
export function ownedMetadata(name: string, namespace: string, owner: Owner): Json {
  return {
    name,
    namespace,
    uid: randomUUID(),
    creationTimestamp: kubeNow(),
    ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }],
  };
}

/**
 * A pod made from a template the way the ReplicaSet, StatefulSet and Job controllers make them:
 * the template's labels and annotations, the controller as owner, the API server's pod defaults.
 */
export function podFromTemplate(
  template: Json,
  owner: Owner,
  pod: { name: string; namespace: string; labels?: Json; spec?: Json },
): Json {
  const templateMeta = (template.metadata ?? {}) as Json;
  const spec = { ...((template.spec ?? {}) as Json), ...pod.spec };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...ownedMetadata(pod.name, pod.namespace, owner),
      labels: { ...((templateMeta.labels ?? {}) as Json), ...pod.labels },
      ...(templateMeta.annotations ? { annotations: templateMeta.annotations } : {}),
    },
    spec: {
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      terminationGracePeriodSeconds: 30,
      serviceAccountName: "default",
      serviceAccount: spec.serviceAccountName ?? "default",
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
      priority: 0,
      ...spec,
    },
    status: { phase: "Pending" },
  };
}

/** A StatefulSet's claim for one replica, from one of its volumeClaimTemplates. */
export function claimFromTemplate(template: Json, set: Json, ordinal: number): Json {
  const setMeta = set.metadata as Json;
  const templateMeta = (template.metadata ?? {}) as Json;
  const selector = (((set.spec as Json).selector as Json | undefined)?.matchLabels ?? {}) as Json;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: `${String(templateMeta.name)}-${String(setMeta.name)}-${ordinal}`,
      namespace: setMeta.namespace,
      uid: randomUUID(),
      creationTimestamp: kubeNow(),
      labels: { ...selector, ...((templateMeta.labels ?? {}) as Json) },
      ...(templateMeta.annotations ? { annotations: templateMeta.annotations } : {}),
    },
    spec: { volumeMode: "Filesystem", storageClassName: AKS_DEFAULT_STORAGE_CLASS, ...((template.spec ?? {}) as Json) },
    status: { phase: "Pending" },
  };
}
