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
  const definition = (name: string) => ({ name, type: "string", format: name === "Name" ? "name" : "", description: name, priority: 0 });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: [definition("Name"), ...extra.map((c) => definition(c.name)), definition("Age")],
    rows: objects.map((obj) => ({
      cells: [(obj.metadata as Json).name, ...extra.map((c) => c.cell(obj)), age((obj.metadata as Json).creationTimestamp)],
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata },
    })),
  };
}
