import type { Json } from "../store.js";
import type { KubeType } from "./discovery.js";
import { invalid } from "./status.js";

/** The storage class AKS marks as its default (Azure Disk, managed-csi's parameters). */
export const AKS_DEFAULT_STORAGE_CLASS = "default";

/**
 * The defaults the API server fills in for the workload kinds a chart renders, where a client or a
 * controller reads them: Helm's readiness checks read a StatefulSet's update strategy and a Job's
 * completions and backoff limit; the controllers read replicas.
 */
export function applyWorkloadDefaults(t: KubeType, obj: Json, previous?: Json) {
  const spec = (obj.spec ?? {}) as Json;
  switch (t.kind) {
    case "Deployment":
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
      break;
    case "StatefulSet":
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.podManagementPolicy ??= "OrderedReady";
      spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: "Retain", whenScaled: "Retain" };
      break;
    case "Job":
      jobDefaults(t, obj, spec, previous);
      break;
    case "PersistentVolumeClaim":
      spec.volumeMode ??= "Filesystem";
      // AKS's DefaultStorageClass admission: a claim that names no class gets the default one.
      spec.storageClassName ??= AKS_DEFAULT_STORAGE_CLASS;
      // A new claim waits for the volume binder; the status subresource keeps what the binder wrote.
      if (!previous) obj.status = { phase: "Pending" };
      break;
    case "Service":
      allocateNodePorts(spec, (previous?.spec ?? {}) as Json);
      break;
  }
  if (obj.spec !== undefined || Object.keys(spec).length > 0) obj.spec = spec;
}

/**
 * A Job's defaults, and the selector and pod labels the API server generates from its uid. Its pod
 * template cannot change once created, as the API server insists ("field is immutable").
 */
function jobDefaults(t: KubeType, obj: Json, spec: Json, previous?: Json) {
  const metadata = obj.metadata as Json;
  spec.parallelism ??= 1;
  spec.completions ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= "TerminatingOrFailed";
  const uid = String(metadata.uid);
  const generated = {
    "batch.kubernetes.io/controller-uid": uid,
    "batch.kubernetes.io/job-name": String(metadata.name),
    "controller-uid": uid,
    "job-name": String(metadata.name),
  };
  spec.selector ??= { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
  const template = (spec.template ?? {}) as Json;
  const templateMeta = (template.metadata ?? {}) as Json;
  template.metadata = { ...templateMeta, labels: { ...((templateMeta.labels ?? {}) as Json), ...generated } };
  spec.template = template;
  const before = (previous?.spec as Json | undefined)?.template;
  if (before !== undefined && JSON.stringify(before) !== JSON.stringify(spec.template)) {
    const message = "Invalid value: field is immutable";
    throw invalid(t, String(metadata.name), [{ field: "spec.template", message }]);
  }
}

let nextNodePort = 30000;

/** LoadBalancer and NodePort Services get a node port per port, kept across updates. */
function allocateNodePorts(spec: Json, previous: Json) {
  if (spec.type !== "LoadBalancer" && spec.type !== "NodePort") return;
  const before = (previous.ports ?? []) as Json[];
  for (const port of (spec.ports ?? []) as Json[]) {
    const kept = before.find((p) => p.port === port.port && (p.name ?? "") === (port.name ?? ""))?.nodePort;
    port.nodePort ??= kept ?? 30000 + (nextNodePort++ % 2768);
  }
  spec.externalTrafficPolicy ??= "Cluster";
  spec.allocateLoadBalancerNodePorts ??= spec.type === "LoadBalancer" ? true : undefined;
}
