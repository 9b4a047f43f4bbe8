import { randomBytes, randomUUID } from "node:crypto";
import type { ClusterState, Json } from "../store.js";
import { kubeNow, type KubeClusters } from "./clusters.js";
import { typeOf } from "./discovery.js";

const EVENT = typeOf("Event");

/**
 * Records a core/v1 Event about `involved`, as a controller's event recorder does: the same reason
 * and message again on the same object counts up the existing Event instead of adding one.
 */
export function recordEvent(
  kube: KubeClusters,
  cluster: ClusterState,
  involved: Json,
  event: { type: "Normal" | "Warning"; reason: string; message: string; component: string },
) {
  const metadata = involved.metadata as Json;
  const namespace = String(metadata.namespace ?? "default");
  if (!kube.read(cluster, typeOf("Namespace"), undefined, namespace)) return;
  const now = kubeNow();
  const same = kube
    .list(cluster, EVENT, namespace)
    .find((e) => {
      const about = e.involvedObject as Json;
      return about.uid === metadata.uid && e.reason === event.reason && e.message === event.message;
    });
  if (same) {
    kube.write(cluster, EVENT, { ...same, count: Number(same.count ?? 1) + 1, lastTimestamp: now });
    return;
  }
  kube.write(cluster, EVENT, {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${String(metadata.name)}.${randomBytes(8).toString("hex")}`,
      namespace,
      uid: randomUUID(),
      creationTimestamp: now,
    },
    involvedObject: {
      kind: involved.kind,
      namespace,
      name: metadata.name,
      uid: metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: metadata.resourceVersion,
    },
    reason: event.reason,
    message: event.message,
    source: { component: event.component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: event.type,
    eventTime: null,
    reportingComponent: event.component,
    reportingInstance: "",
  });
}
