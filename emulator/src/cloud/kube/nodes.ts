import { randomUUID } from "node:crypto";
import type { ClusterState, Json } from "../store.js";
import { shortHash } from "../util.js";
import { kubeNow, type KubeClusters } from "./clusters.js";
import { KUBERNETES_VERSION, typeOf } from "./discovery.js";

const NODE = typeOf("Node");
const POD = typeOf("Pod");

/** vCPUs and memory of the VM sizes people pick for AKS pools (Standard_D4ds_v5 → 4 vCPUs, 16 GiB), and pods. */
function capacityOf(vmSize: string, maxPods: number) {
  const cpus = Number(/^Standard_[A-Z]+(\d+)/i.exec(vmSize)?.[1] ?? 2) || 2;
  const gib = /^Standard_E/i.test(vmSize) ? cpus * 8 : /^Standard_F/i.test(vmSize) ? cpus * 2 : cpus * 4;
  const memory = `${gib * 1024 * 1024}Ki`;
  return { cpu: String(cpus), memory, pods: String(maxPods), "ephemeral-storage": "129886128Ki" };
}

/** "1.32" → "v1.32.5" (the served patch for the minor the API server reports), "1.31.2" → "v1.31.2". */
function kubeletVersion(requested: string | undefined) {
  const v = requested ?? `${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}`;
  if (/^\d+\.\d+\.\d+$/.test(v)) return `v${v}`;
  return v === `${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}` ? KUBERNETES_VERSION.gitVersion : `v${v}.0`;
}

/**
 * The cluster's Nodes, one per VM of each agent pool, named as AKS names them
 * (aks-<pool>-<8 digits>-vmss<6 base-36 digits>), Ready, with the labels AKS puts on them.
 * Called whenever the managed cluster's create or update succeeds: pools scaled down lose nodes.
 */
export function syncNodes(kube: KubeClusters, cluster: ClusterState, armCluster: Json) {
  const props = (armCluster.properties ?? {}) as Json;
  const pools = (props.agentPoolProfiles as Json[] | undefined) ?? [];
  const location = String(armCluster.location ?? "westeurope");
  const version = kubeletVersion((props.currentKubernetesVersion ?? props.kubernetesVersion) as string | undefined);
  const subscription = cluster.armId.split("/")[2] ?? "";
  const nodeGroupId = `/subscriptions/${subscription}/resourceGroups/${String(props.nodeResourceGroup ?? "MC_cluster").toLowerCase()}`;
  const wanted = new Set<string>();
  let ip = 4;
  for (const pool of pools) {
    const poolName = String(pool.name);
    const digits = String(parseInt(shortHash(`${cluster.armId}/${poolName}`, 8), 16) % 100_000_000).padStart(8, "0");
    const count = Number(pool.count ?? 1);
    for (let i = 0; i < count; i++) {
      const name = `aks-${poolName}-${digits}-vmss${i.toString(36).padStart(6, "0")}`;
      wanted.add(name);
      const address = `10.224.0.${ip++}`;
      if (kube.read(cluster, NODE, undefined, name)) continue;
      // The kubelet's --max-pods is the pool's maxPods: what the scheduler sees as the node's pod capacity.
      const capacity = capacityOf(String(pool.vmSize ?? "Standard_D4ds_v5"), Number(pool.maxPods ?? 110));
      const now = kubeNow();
      const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
      kube.write(cluster, NODE, {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name,
          uid: randomUUID(),
          creationTimestamp: now,
          labels: {
            agentpool: poolName,
            "kubernetes.azure.com/agentpool": poolName,
            "kubernetes.azure.com/mode": String(pool.mode ?? "System").toLowerCase(),
            "kubernetes.azure.com/role": "agent",
            "kubernetes.io/role": "agent",
            "node-role.kubernetes.io/agent": "",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/os": "linux",
            "kubernetes.io/hostname": name,
            "node.kubernetes.io/instance-type": String(pool.vmSize ?? "Standard_D4ds_v5"),
            "topology.kubernetes.io/region": location,
            "topology.kubernetes.io/zone": "0",
          },
        },
        spec: { podCIDR: `10.244.${ip}.0/24`, providerID: `azure://${nodeGroupId}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-${poolName}-${digits}-vmss/virtualMachines/${i}` },
        status: {
          capacity,
          allocatable: capacity,
          addresses: [
            { type: "InternalIP", address },
            { type: "Hostname", address: name },
          ],
          conditions: [
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
          ],
          nodeInfo: { kubeletVersion: version, kubeProxyVersion: version, osImage: "Ubuntu 22.04.5 LTS", containerRuntimeVersion: "containerd://1.7.27-1", operatingSystem: "linux", architecture: "amd64", kernelVersion: "5.15.0-1089-azure" },
        },
      });
    }
  }
  for (const node of kube.list(cluster, NODE)) if (!wanted.has(String((node.metadata as Json).name))) kube.remove(cluster, NODE, node);
}

/** The names of the cluster's Nodes, for placing Pods on them. */
export const nodeNames = (kube: KubeClusters, cluster: ClusterState) => kube.list(cluster, NODE).map((n) => String((n.metadata as Json).name));

/**
 * A stopped cluster started again: its VMs boot, so each pool's Nodes are back and report Ready
 * anew; Pods no controller owns (a KubernetesExecutor's task pods) were lost with the nodes and are
 * gone, while controllers' Pods are scheduled again by their owners.
 */
export function restartNodes(kube: KubeClusters, cluster: ClusterState, armCluster: Json) {
  syncNodes(kube, cluster, armCluster);
  const now = kubeNow();
  for (const node of kube.list(cluster, NODE)) {
    const status = (node.status ?? {}) as Json;
    const conditions = ((status.conditions ?? []) as Json[]).map((c) => ({ ...c, lastHeartbeatTime: now, ...(c.type === "Ready" ? { lastTransitionTime: now } : {}) }));
    kube.write(cluster, NODE, { ...node, status: { ...status, conditions } });
  }
  for (const pod of kube.list(cluster, POD)) {
    const owners = ((pod.metadata as Json).ownerReferences ?? []) as Json[];
    if (owners.length === 0) kube.remove(cluster, POD, pod);
  }
}
