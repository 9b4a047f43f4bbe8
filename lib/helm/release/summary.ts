import type { RenderedHook, RenderedObject } from "./render-resources";

/**
 * The objects of a rendered release grouped for display. Jobs run as Helm hooks (database
 * migrations, user creation) get their own group; a Job that is not a hook is a workload.
 */
export type ObjectCategory = "workloads" | "services" | "jobs" | "config" | "volumes" | "access" | "other";

export interface SummaryItem {
  kind: string;
  name: string;
  namespace?: string;
  template: string;
  hook: boolean;
  /** The hook events ("pre-install", …), empty for ordinary objects. */
  events: string[];
}

export interface SummaryGroup {
  category: ObjectCategory;
  title: string;
  items: SummaryItem[];
}

const TITLES: Record<ObjectCategory, string> = {
  workloads: "Workloads",
  services: "Services and ingress",
  jobs: "Jobs",
  config: "Secrets and config",
  volumes: "Volumes",
  access: "Access",
  other: "Other",
};

const ORDER: ObjectCategory[] = ["workloads", "services", "jobs", "config", "volumes", "access", "other"];

const BY_KIND: Record<string, ObjectCategory> = {
  Deployment: "workloads",
  StatefulSet: "workloads",
  DaemonSet: "workloads",
  ReplicaSet: "workloads",
  ReplicationController: "workloads",
  Pod: "workloads",
  CronJob: "workloads",
  Job: "workloads",
  Service: "services",
  Ingress: "services",
  Secret: "config",
  ConfigMap: "config",
  PersistentVolumeClaim: "volumes",
  PersistentVolume: "volumes",
  StorageClass: "volumes",
  ServiceAccount: "access",
  Role: "access",
  RoleBinding: "access",
  ClusterRole: "access",
  ClusterRoleBinding: "access",
};

export function categoryOf(kind: string, hook: boolean): ObjectCategory {
  if (hook && (kind === "Job" || kind === "Pod")) return "jobs";
  return BY_KIND[kind] ?? "other";
}

export function summarizeObjects(release: { objects: RenderedObject[]; hooks?: RenderedHook[] }): SummaryGroup[] {
  const groups = new Map<ObjectCategory, SummaryItem[]>();
  const add = (o: RenderedObject, hook: boolean, events: string[]) => {
    const category = categoryOf(o.kind, hook);
    const item: SummaryItem = { kind: o.kind, name: o.name, template: o.template, hook, events };
    if (o.namespace !== undefined) item.namespace = o.namespace;
    groups.set(category, [...(groups.get(category) ?? []), item]);
  };
  for (const o of release.objects) add(o, false, []);
  for (const h of release.hooks ?? []) add(h, true, h.events);
  return ORDER.filter((c) => groups.has(c)).map((category) => ({
    category,
    title: TITLES[category],
    items: groups.get(category)!,
  }));
}
