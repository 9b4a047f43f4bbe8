import type { ClusterState, Json } from "../store.js";
import type { KubeClusters } from "./clusters.js";
import { typeOf, type KubeType } from "./discovery.js";
import { claimFromTemplate, controllerUid, nameSuffix, ownedMetadata, ownerOf, podFromTemplate, templateHash } from "./pods.js";
import { desiredReplicas } from "./rollups.js";

const POD = typeOf("Pod");
const REPLICASET = typeOf("ReplicaSet");
const PVC = typeOf("PersistentVolumeClaim");
const REVISION = "deployment.kubernetes.io/revision";

const metaOf = (obj: Json) => obj.metadata as Json;
const nameOf = (obj: Json) => String(metaOf(obj).name);
const specOf = (obj: Json) => (obj.spec ?? {}) as Json;
export const templateOf = (obj: Json) => (specOf(obj).template ?? {}) as Json;
export const isReady = (pod: Json) =>
  (((pod.status as Json | undefined)?.conditions ?? []) as Json[]).some((c) => c.type === "Ready" && c.status === "True");

/** The objects of kind `t` whose controller is `owner`. */
export function owned(kube: KubeClusters, cluster: ClusterState, t: KubeType, owner: Json) {
  const uid = metaOf(owner).uid;
  return kube.list(cluster, t, String(metaOf(owner).namespace)).filter((o) => controllerUid(o) === uid);
}

/** A Deployment's ReplicaSet for its current template; older ones scale down once it is ready. */
export function rollOut(kube: KubeClusters, cluster: ClusterState, deployment: Json) {
  const spec = specOf(deployment);
  const namespace = String(metaOf(deployment).namespace);
  const template = (spec.template ?? {}) as Json;
  const hash = templateHash(template);
  const name = `${nameOf(deployment)}-${hash}`;
  const desired = desiredReplicas(deployment);
  const current = kube.read(cluster, REPLICASET, namespace, name);
  const sets = owned(kube, cluster, REPLICASET, deployment);
  if (!current) {
    const revisionOf = (rs: Json) => Number(((metaOf(rs).annotations ?? {}) as Json)[REVISION] ?? 0);
    const templateMeta = (template.metadata ?? {}) as Json;
    const labels = { ...((templateMeta.labels ?? {}) as Json), "pod-template-hash": hash };
    const selected = ((spec.selector as Json | undefined)?.matchLabels ?? {}) as Json;
    const matchLabels = { ...selected, "pod-template-hash": hash };
    const annotations = {
      "deployment.kubernetes.io/desired-replicas": String(desired),
      "deployment.kubernetes.io/max-replicas": String(desired + 1),
      [REVISION]: String(1 + Math.max(0, ...sets.map(revisionOf))),
    };
    kube.write(cluster, REPLICASET, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { ...ownedMetadata(name, namespace, ownerOf(deployment)), labels, annotations, generation: 1 },
      spec: {
        replicas: desired,
        selector: { matchLabels },
        template: { ...template, metadata: { ...templateMeta, labels } },
      },
      status: { replicas: 0 },
    });
  } else if (specOf(current).replicas !== desired) {
    kube.write(cluster, REPLICASET, { ...current, spec: { ...specOf(current), replicas: desired } });
  }
  // As a rolling update with no unavailability: the old pods stay until the new ones are ready.
  const newReady = current !== undefined && owned(kube, cluster, POD, current).filter(isReady).length >= desired;
  if (!newReady) return;
  for (const old of sets.filter((rs) => nameOf(rs) !== name && specOf(rs).replicas !== 0)) {
    kube.write(cluster, REPLICASET, { ...old, spec: { ...specOf(old), replicas: 0 } });
  }
}

export function replicate(kube: KubeClusters, cluster: ClusterState, rs: Json) {
  const pods = owned(kube, cluster, POD, rs);
  const wanted = Number(specOf(rs).replicas ?? 1);
  const namespace = String(metaOf(rs).namespace);
  for (let i = pods.length; i < wanted; i++) {
    const name = `${nameOf(rs)}-${nameSuffix()}`;
    kube.write(cluster, POD, podFromTemplate(templateOf(rs), ownerOf(rs), { name, namespace }));
  }
  for (const extra of pods.slice(wanted)) kube.remove(cluster, POD, extra);
}

/** A StatefulSet's pods <name>-<ordinal>, each with its claims; OrderedReady starts one after another is ready. */
export function replicateSet(kube: KubeClusters, cluster: ClusterState, set: Json) {
  const spec = specOf(set);
  const namespace = String(metaOf(set).namespace);
  const revision = `${nameOf(set)}-${templateHash(spec.template)}`;
  const pods = owned(kube, cluster, POD, set);
  const wanted = desiredReplicas(set);
  for (const pod of pods) {
    const ordinal = Number(nameOf(pod).slice(nameOf(set).length + 1));
    const stale = ((metaOf(pod).labels ?? {}) as Json)["controller-revision-hash"] !== revision;
    if (ordinal >= wanted || stale) kube.remove(cluster, POD, pod);
  }
  const ordered = spec.podManagementPolicy !== "Parallel";
  for (let i = 0; i < wanted; i++) {
    const podName = `${nameOf(set)}-${i}`;
    const existing = kube.read(cluster, POD, namespace, podName);
    if (existing) {
      if (ordered && !isReady(existing)) return;
      continue;
    }
    const templateSpec = (templateOf(set).spec ?? {}) as Json;
    const volumes = [...((templateSpec.volumes ?? []) as Json[])];
    for (const claim of (spec.volumeClaimTemplates ?? []) as Json[]) {
      const pvc = claimFromTemplate(claim, set, i);
      if (!kube.read(cluster, PVC, namespace, nameOf(pvc))) kube.write(cluster, PVC, pvc);
      const volume = String(metaOf(claim).name);
      if (volumes.some((v) => v.name === volume)) continue;
      volumes.push({ name: volume, persistentVolumeClaim: { claimName: nameOf(pvc) } });
    }
    const labels = {
      "controller-revision-hash": revision,
      "statefulset.kubernetes.io/pod-name": podName,
      "apps.kubernetes.io/pod-index": String(i),
    };
    const podSpec = { ...templateSpec, volumes, hostname: podName, subdomain: spec.serviceName };
    const pod = podFromTemplate(templateOf(set), ownerOf(set), { name: podName, namespace, labels, spec: podSpec });
    kube.write(cluster, POD, pod);
    if (ordered) return;
  }
}
