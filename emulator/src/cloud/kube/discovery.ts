export interface KubeType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Writes to the object itself leave `.status` alone; only the /status subresource changes it. */
  statusSubresource?: boolean;
  /** Defined by a CRD: no strategic merge patch (no Go struct tags to merge by), validation by its schema. */
  custom?: boolean;
}

const VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

/** A built-in kind: namespaced unless said otherwise, its singular the kind in lower case. */
function builtin(group: string, version: string, plural: string, kind: string, extra: Partial<KubeType> = {}): KubeType {
  return { group, version, plural, singular: kind.toLowerCase(), kind, namespaced: true, ...extra };
}

export const CORE_TYPES: KubeType[] = [
  { group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false, shortNames: ["ns"], statusSubresource: true },
  { group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true },
  { group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true, shortNames: ["cm"] },
  { group: "", version: "v1", plural: "services", singular: "service", kind: "Service", namespaced: true, shortNames: ["svc"], categories: ["all"], statusSubresource: true },
  { group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount", namespaced: true, shortNames: ["sa"] },
  { group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", namespaced: true, shortNames: ["po"], categories: ["all"], statusSubresource: true },
  { group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true, shortNames: ["ev"] },
  { group: "", version: "v1", plural: "nodes", singular: "node", kind: "Node", namespaced: false, shortNames: ["no"], statusSubresource: true },
  { group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment", namespaced: true, shortNames: ["deploy"], categories: ["all"], statusSubresource: true },
  { group: "apps", version: "v1", plural: "statefulsets", singular: "statefulset", kind: "StatefulSet", namespaced: true, shortNames: ["sts"], categories: ["all"], statusSubresource: true },
  { group: "networking.k8s.io", version: "v1", plural: "ingresses", singular: "ingress", kind: "Ingress", namespaced: true, shortNames: ["ing"], statusSubresource: true },
  { group: "networking.k8s.io", version: "v1", plural: "ingressclasses", singular: "ingressclass", kind: "IngressClass", namespaced: false },
  // What a Helm chart such as Airflow's renders besides the above, so that a release installs as on AKS.
  builtin("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", { shortNames: ["pvc"], statusSubresource: true }),
  builtin("apps", "v1", "replicasets", "ReplicaSet", { shortNames: ["rs"], categories: ["all"], statusSubresource: true }),
  builtin("batch", "v1", "jobs", "Job", { categories: ["all"], statusSubresource: true }),
  builtin("batch", "v1", "cronjobs", "CronJob", { shortNames: ["cj"], categories: ["all"], statusSubresource: true }),
  builtin("rbac.authorization.k8s.io", "v1", "roles", "Role"),
  builtin("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding"),
  builtin("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", { namespaced: false }),
  builtin("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", { namespaced: false }),
  builtin("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", { shortNames: ["pdb"], statusSubresource: true }),
  builtin("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", { shortNames: ["netpol"] }),
  builtin("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", {
    shortNames: ["hpa"],
    categories: ["all"],
    statusSubresource: true,
  }),
];

export const typeOf = (kind: string) => CORE_TYPES.find((t) => t.kind === kind) as KubeType;

/** The kinds the microsoft.flux extension brings; they exist only once it is installed. */
export const FLUX_TYPES: KubeType[] = [
  { group: "source.toolkit.fluxcd.io", version: "v1", plural: "helmrepositories", singular: "helmrepository", kind: "HelmRepository", namespaced: true, shortNames: ["helmrepo"], categories: ["flux"], statusSubresource: true, custom: true },
  { group: "helm.toolkit.fluxcd.io", version: "v2", plural: "helmreleases", singular: "helmrelease", kind: "HelmRelease", namespaced: true, shortNames: ["hr"], categories: ["flux"], statusSubresource: true, custom: true },
];

export const KUBERNETES_VERSION = { major: "1", minor: "32", gitVersion: "v1.32.5" };

export const groupVersion = (t: KubeType) => (t.group ? `${t.group}/${t.version}` : t.version);

export function versionInfo() {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: "9894294ef13a5b32803e3ca2c0d620a088cc84d1",
    gitTreeState: "clean",
    buildDate: "2025-05-15T09:26:38Z",
    goVersion: "go1.23.8",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function apiVersions() {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:443" }] };
}

function apiGroup(types: KubeType[], name: string) {
  const version = types.find((t) => t.group === name)?.version ?? "v1";
  const gv = { groupVersion: `${name}/${version}`, version };
  return { kind: "APIGroup", apiVersion: "v1", name, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(types: KubeType[]) {
  const names = [...new Set(types.filter((t) => t.group).map((t) => t.group))];
  return { kind: "APIGroupList", apiVersion: "v1", groups: names.map((n) => apiGroup(types, n)) };
}

export function apiGroupDoc(types: KubeType[], name: string) {
  return types.some((t) => t.group === name) ? apiGroup(types, name) : undefined;
}

/** The legacy APIResourceList kubectl 1.20 and client-node read to map kinds to paths. */
export function resourceList(types: KubeType[], group: string, version: string) {
  const inGroup = types.filter((t) => t.group === group && t.version === version);
  if (inGroup.length === 0) return undefined;
  const resources = inGroup.flatMap((t) => {
    const main = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
      storageVersionHash: Buffer.from(`${t.group}/${t.plural}`).toString("base64").slice(0, 11),
    };
    const status = { name: `${t.plural}/status`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: ["get", "patch", "update"] };
    return t.statusSubresource ? [main, status] : [main];
  });
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group ? `${group}/${version}` : version, resources };
}
