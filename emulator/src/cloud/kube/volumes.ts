import type { ClusterState, Json } from "../store.js";
import type { KubeClusters } from "./clusters.js";
import { typeOf } from "./discovery.js";
import { recordEvent } from "./events.js";

const PVC = typeOf("PersistentVolumeClaim");
const SERVICE = typeOf("Service");

/** The storage classes an AKS cluster has, and the CSI driver that provisions each one's volumes. */
export const AKS_STORAGE_CLASSES: Record<string, string> = {
  default: "disk.csi.azure.com",
  managed: "disk.csi.azure.com",
  "managed-csi": "disk.csi.azure.com",
  "managed-csi-premium": "disk.csi.azure.com",
  "managed-premium": "disk.csi.azure.com",
  azurefile: "file.csi.azure.com",
  "azurefile-csi": "file.csi.azure.com",
  "azurefile-csi-premium": "file.csi.azure.com",
  "azurefile-premium": "file.csi.azure.com",
};

/** Claims already told that their class does not exist, so the warning is recorded once. */
const warned = new Set<string>();

/**
 * The persistent volume controller and the Azure CSI drivers: a pending claim of one of AKS's
 * storage classes is provisioned and bound at once; one of another class stays Pending, with the
 * controller's warning. (`storageClassName: ""` asks for a pre-made volume, which nothing provides.)
 */
export function bindClaims(kube: KubeClusters, cluster: ClusterState, namespace: string) {
  for (const claim of kube.list(cluster, PVC, namespace)) {
    const metadata = claim.metadata as Json;
    const spec = (claim.spec ?? {}) as Json;
    if ((claim.status as Json | undefined)?.phase !== "Pending") continue;
    const storageClass = String(spec.storageClassName ?? "");
    const driver = AKS_STORAGE_CLASSES[storageClass];
    if (!driver) {
      const key = `${cluster.key}/${String(metadata.uid)}`;
      if (!warned.has(key) && storageClass) {
        warned.add(key);
        const message = `storageclass.storage.k8s.io "${storageClass}" not found`;
        const component = "persistentvolume-controller";
        recordEvent(kube, cluster, claim, { type: "Warning", reason: "ProvisioningFailed", message, component });
      }
      continue;
    }
    const requested = ((spec.resources as Json | undefined)?.requests as Json | undefined)?.storage;
    kube.write(cluster, PVC, {
      ...claim,
      metadata: {
        ...metadata,
        annotations: {
          ...((metadata.annotations ?? {}) as Json),
          "pv.kubernetes.io/bind-completed": "yes",
          "pv.kubernetes.io/bound-by-controller": "yes",
          "volume.beta.kubernetes.io/storage-provisioner": driver,
          "volume.kubernetes.io/storage-provisioner": driver,
        },
      },
      spec: { ...spec, volumeName: `pvc-${String(metadata.uid)}` },
      status: {
        phase: "Bound",
        accessModes: spec.accessModes ?? ["ReadWriteOnce"],
        capacity: { storage: requested ?? "1Gi" },
      },
    });
  }
}

const LOAD_BALANCER_ADDRESS = { ingress: [{ ip: "127.0.0.1", ipMode: "VIP" }] };

/**
 * The Azure cloud provider: a LoadBalancer Service gets its load balancer's address; one that is
 * no longer of that type loses it. Every address is the loopback, where the emulator's listeners are.
 */
export function publishLoadBalancers(kube: KubeClusters, cluster: ClusterState, namespace: string) {
  for (const svc of kube.list(cluster, SERVICE, namespace)) {
    const wanted = (svc.spec as Json | undefined)?.type === "LoadBalancer";
    const status = (svc.status ?? {}) as Json;
    const has = Boolean(((status.loadBalancer as Json | undefined)?.ingress as Json[] | undefined)?.length);
    if (wanted === has) continue;
    kube.writeStatus(cluster, SERVICE, svc, { ...status, loadBalancer: wanted ? LOAD_BALANCER_ADDRESS : {} });
  }
}
