import type { Json } from "../store.js";
import type { KubeType } from "./discovery.js";

function age(timestamp: unknown): string {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(String(timestamp))) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

const ready = (obj: Json) => ((obj.status as Json | undefined)?.conditions as Json[] | undefined)?.find((c) => c.type === "Ready");

const num = (o: Json, field: string, from = "status") => Number(((o[from] as Json | undefined) ?? {})[field] ?? 0);
const containers = (o: Json) => (((o.status as Json | undefined)?.containerStatuses as Json[] | undefined) ?? []);

/** What kubectl shows as a Pod's status, as the API server's printer words it: Init:0/1, CreateContainerConfigError, Completed, Running. */
function podStatus(o: Json) {
  if ((o.metadata as Json).deletionTimestamp) return "Terminating";
  const status = (o.status ?? {}) as Json;
  let reason = String(status.reason ?? status.phase ?? "Pending");
  const inits = (status.initContainerStatuses ?? []) as Json[];
  const total = (((o.spec as Json | undefined)?.initContainers ?? []) as Json[]).length;
  for (const [i, c] of inits.entries()) {
    const state = (c.state ?? {}) as Json;
    const terminated = state.terminated as Json | undefined;
    const waiting = state.waiting as Json | undefined;
    if (terminated && terminated.exitCode === 0) continue;
    if (terminated) reason = `Init:${String(terminated.reason ?? `ExitCode:${String(terminated.exitCode)}`)}`;
    else if (waiting?.reason && waiting.reason !== "PodInitializing") reason = `Init:${String(waiting.reason)}`;
    else reason = `Init:${i}/${total}`;
    return reason;
  }
  let running = false;
  for (const c of [...containers(o)].reverse()) {
    const state = (c.state ?? {}) as Json;
    const waiting = state.waiting as Json | undefined;
    const terminated = state.terminated as Json | undefined;
    if (waiting?.reason) reason = String(waiting.reason);
    else if (terminated?.reason) reason = String(terminated.reason);
    else if (terminated) reason = `ExitCode:${String(terminated.exitCode)}`;
    else if (c.ready && state.running) running = true;
  }
  return reason === "Completed" && running ? "Running" : reason;
}

/** A Job's duration as kubectl prints it, from its start to its completion (or now). */
function jobDuration(o: Json) {
  const status = (o.status ?? {}) as Json;
  if (!status.startTime) return "";
  const end = status.completionTime ? Date.parse(String(status.completionTime)) : Date.now();
  return age(new Date(Date.now() - (end - Date.parse(String(status.startTime)))).toISOString());
}

function jobState(o: Json) {
  const conditions = (((o.status as Json | undefined)?.conditions ?? []) as Json[]).filter((c) => c.status === "True");
  if (conditions.some((c) => c.type === "Complete")) return "Complete";
  if (conditions.some((c) => c.type === "Failed")) return "Failed";
  return "Running";
}

const MODES: Record<string, string> = { ReadWriteOnce: "RWO", ReadOnlyMany: "ROX", ReadWriteMany: "RWX", ReadWriteOncePod: "RWOP" };
const accessModes = (modes: unknown) => ((modes ?? []) as string[]).map((m) => MODES[m] ?? m).join(",");

/** Columns the API server prints after Age. */
const AFTER_AGE: Record<string, { name: string; cell: (obj: Json) => unknown }[]> = {
  Node: [{ name: "Version", cell: (o) => ((o.status as Json | undefined)?.nodeInfo as Json | undefined)?.kubeletVersion ?? "" }],
};

/** Extra columns per kind, like the API server's printers and the Flux CRDs' printer columns. */
const COLUMNS: Record<string, { name: string; cell: (obj: Json) => unknown }[]> = {
  Namespace: [{ name: "Status", cell: (o) => (o.status as Json | undefined)?.phase ?? "" }],
  Secret: [
    { name: "Type", cell: (o) => o.type ?? "" },
    { name: "Data", cell: (o) => Object.keys((o.data as Json | undefined) ?? {}).length },
  ],
  Service: [
    { name: "Type", cell: (o) => (o.spec as Json).type },
    { name: "Cluster-IP", cell: (o) => (o.spec as Json).clusterIP ?? "None" },
    { name: "External-IP", cell: (o) => (((o.status as Json | undefined)?.loadBalancer as Json | undefined)?.ingress as Json[] | undefined)?.map((i) => i.ip).join(",") || "<none>" },
    { name: "Port(s)", cell: (o) => ((o.spec as Json).ports as Json[]).map((p) => `${String(p.port)}/${String(p.protocol)}`).join(",") },
  ],
  Deployment: [
    { name: "Ready", cell: (o) => `${num(o, "readyReplicas")}/${num(o, "replicas", "spec")}` },
    { name: "Up-to-date", cell: (o) => num(o, "updatedReplicas") },
    { name: "Available", cell: (o) => num(o, "availableReplicas") },
  ],
  StatefulSet: [{ name: "Ready", cell: (o) => `${num(o, "readyReplicas")}/${num(o, "replicas", "spec")}` }],
  ReplicaSet: [
    { name: "Desired", cell: (o) => num(o, "replicas", "spec") },
    { name: "Current", cell: (o) => num(o, "replicas") },
    { name: "Ready", cell: (o) => num(o, "readyReplicas") },
  ],
  Job: [
    { name: "Status", cell: jobState },
    { name: "Completions", cell: (o) => `${num(o, "succeeded")}/${num(o, "completions", "spec") || 1}` },
    { name: "Duration", cell: jobDuration },
  ],
  PersistentVolumeClaim: [
    { name: "Status", cell: (o) => (o.status as Json | undefined)?.phase ?? "Pending" },
    { name: "Volume", cell: (o) => (o.spec as Json | undefined)?.volumeName ?? "" },
    { name: "Capacity", cell: (o) => ((o.status as Json | undefined)?.capacity as Json | undefined)?.storage ?? "" },
    { name: "Access Modes", cell: (o) => accessModes((o.status as Json | undefined)?.accessModes) },
    { name: "StorageClass", cell: (o) => (o.spec as Json | undefined)?.storageClassName ?? "<unset>" },
  ],
  ConfigMap: [{ name: "Data", cell: (o) => Object.keys((o.data as Json | undefined) ?? {}).length }],
  Pod: [
    { name: "Ready", cell: (o) => `${containers(o).filter((c) => c.ready).length}/${(((o.spec as Json | undefined)?.containers as Json[] | undefined) ?? []).length}` },
    { name: "Status", cell: podStatus },
    { name: "Restarts", cell: (o) => containers(o).reduce((n, c) => n + Number(c.restartCount ?? 0), 0) },
  ],
  Node: [
    { name: "Status", cell: (o) => (ready(o)?.status === "True" ? "Ready" : "NotReady") },
    { name: "Roles", cell: (o) => Object.keys(((o.metadata as Json).labels ?? {}) as Json).filter((l) => l.startsWith("node-role.kubernetes.io/")).map((l) => l.slice(24)).join(",") || "<none>" },
  ],
  Ingress: [
    { name: "Class", cell: (o) => ((o.spec as Json | undefined)?.ingressClassName as string | undefined) ?? "<none>" },
    { name: "Hosts", cell: (o) => ((((o.spec as Json | undefined)?.rules as Json[] | undefined) ?? []).map((r) => r.host ?? "*").join(",") || "*") },
    { name: "Address", cell: (o) => ((((o.status as Json | undefined)?.loadBalancer as Json | undefined)?.ingress as Json[] | undefined) ?? []).map((i) => i.ip ?? i.hostname).join(",") },
    { name: "Ports", cell: (o) => ((((o.spec as Json | undefined)?.tls as Json[] | undefined) ?? []).length > 0 ? "80, 443" : "80") },
  ],
  IngressClass: [
    { name: "Controller", cell: (o) => (o.spec as Json | undefined)?.controller ?? "" },
    { name: "Parameters", cell: (o) => { const p = (o.spec as Json | undefined)?.parameters as Json | undefined; return p ? `${p.apiGroup ? `${String(p.apiGroup)}/` : ""}${String(p.kind)}/${String(p.name)}` : "<none>"; } },
  ],
  HelmRelease: [
    { name: "Ready", cell: (o) => ready(o)?.status ?? "" },
    { name: "Status", cell: (o) => ready(o)?.message ?? "" },
  ],
  HelmRepository: [
    { name: "URL", cell: (o) => (o.spec as Json).url },
    { name: "Ready", cell: (o) => ready(o)?.status ?? "" },
    { name: "Status", cell: (o) => ready(o)?.message ?? "" },
  ],
};

/** A meta.k8s.io/v1 Table, which kubectl asks for to print `get` output. */
export function toTable(t: KubeType, objects: Json[], resourceVersion: string) {
  const extra = COLUMNS[t.kind] ?? [];
  const after = AFTER_AGE[t.kind] ?? [];
  const definition = (name: string) => ({ name, type: "string", format: name === "Name" ? "name" : "", description: name, priority: 0 });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: [definition("Name"), ...extra.map((c) => definition(c.name)), definition("Age"), ...after.map((c) => definition(c.name))],
    rows: objects.map((obj) => ({
      cells: [(obj.metadata as Json).name, ...extra.map((c) => c.cell(obj)), age((obj.metadata as Json).creationTimestamp), ...after.map((c) => c.cell(obj))],
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata },
    })),
  };
}
