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

/** Azure's cloud provider gives a LoadBalancer Service with this annotation a private address in the cluster's node subnet. */
export const INTERNAL_LOAD_BALANCER = "service.beta.kubernetes.io/azure-load-balancer-internal";

/**
 * The Azure cloud provider: a LoadBalancer Service gets its load balancer's address; one that is
 * no longer of that type loses it. A public one's address is the loopback, where the emulator's
 * listeners are; an internal one's (annotation `azure-load-balancer-internal: "true"`) a private
 * address of the node subnet, reachable only from the cluster's VNet and VNets peered with it
 * (see the vantage proxies of the control API).
 */
export function publishLoadBalancers(kube: KubeClusters, cluster: ClusterState, namespace: string) {
  const keep = new Set<string>();
  for (const svc of kube.list(cluster, SERVICE, namespace)) {
    const metadata = svc.metadata as Json;
    const key = `${namespace}/${String(metadata.name)}`;
    const wanted = (svc.spec as Json | undefined)?.type === "LoadBalancer";
    const internal = wanted && ((metadata.annotations ?? {}) as Json)[INTERNAL_LOAD_BALANCER] === "true";
    if (internal) keep.add(key);
    const ip = !wanted ? undefined : internal ? kube.internalAddress(cluster, key) : "127.0.0.1";
    const status = (svc.status ?? {}) as Json;
    const current = (((status.loadBalancer as Json | undefined)?.ingress as Json[] | undefined) ?? [])[0]?.ip as string | undefined;
    if (current === ip) continue;
    kube.writeStatus(cluster, SERVICE, svc, { ...status, loadBalancer: ip ? { ingress: [{ ip, ipMode: "VIP" }] } : {} });
  }
  // Addresses of Services that went, or are no longer internal load balancers, are free again.
  for (const key of Object.keys(cluster.internalAddresses ?? {})) {
    if (key.startsWith(`${namespace}/`) && !keep.has(key)) delete cluster.internalAddresses![key];
  }
}
