/**
 * releaseutil's kind sorter (pkg/releaseutil/kind_sorter.go): the order Helm installs and
 * uninstalls kinds in. Unknown kinds go last, among themselves alphabetically; a stable sort keeps
 * the file and document order for equal kinds.
 */
export const INSTALL_ORDER: readonly string[] = [
  "PriorityClass",
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "SecretList",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
];

export const UNINSTALL_ORDER: readonly string[] = [
  "APIService",
  "Ingress",
  "IngressClass",
  "Service",
  "CronJob",
  "Job",
  "StatefulSet",
  "HorizontalPodAutoscaler",
  "Deployment",
  "ReplicaSet",
  "ReplicationController",
  "Pod",
  "DaemonSet",
  "RoleBindingList",
  "RoleBinding",
  "RoleList",
  "Role",
  "ClusterRoleBindingList",
  "ClusterRoleBinding",
  "ClusterRoleList",
  "ClusterRole",
  "CustomResourceDefinition",
  "PersistentVolumeClaim",
  "PersistentVolume",
  "StorageClass",
  "ConfigMap",
  "SecretList",
  "Secret",
  "ServiceAccount",
  "PodDisruptionBudget",
  "PodSecurityPolicy",
  "LimitRange",
  "ResourceQuota",
  "NetworkPolicy",
  "Namespace",
  "PriorityClass",
];

/** lessByKind. */
export function lessByKind(kindA: string, kindB: string, order: readonly string[]): boolean {
  const first = order.indexOf(kindA);
  const second = order.indexOf(kindB);
  if (first < 0 && second < 0) return kindA !== kindB ? kindA < kindB : false;
  if (first < 0) return false;
  if (second < 0) return true;
  return first < second;
}

/** sort.SliceStable by kind (Array.prototype.sort is stable). */
export function sortByKind<T>(items: T[], kind: (t: T) => string, order: readonly string[]): T[] {
  return [...items].sort((a, b) => {
    const ka = kind(a);
    const kb = kind(b);
    return lessByKind(ka, kb, order) ? -1 : lessByKind(kb, ka, order) ? 1 : 0;
  });
}
