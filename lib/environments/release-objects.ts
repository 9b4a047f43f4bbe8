import { z } from "zod";
import { categoryOf as helmCategoryOf, type ObjectCategory } from "@/lib/helm/release/summary";

/**
 * The Kubernetes objects a Helm release creates, as the portal lists and stores them: kind, name,
 * the category lib/helm/release files it under, and for hooks when Helm runs them. Shared by the
 * renderer's caller (lib/helm/airflow-release.ts), the deployed record and the environment page.
 */
export const RELEASE_CATEGORIES = [
  "workloads",
  "services",
  "jobs",
  "config",
  "volumes",
  "access",
  "other",
] as const satisfies readonly ObjectCategory[];
export type ReleaseCategory = (typeof RELEASE_CATEGORIES)[number];

export const RELEASE_CATEGORY_LABELS: Record<ReleaseCategory, string> = {
  workloads: "Workloads",
  services: "Services and ingress",
  jobs: "Jobs",
  config: "Secrets and config",
  volumes: "Volumes",
  access: "Access",
  other: "Other",
};

export const ReleaseObjectSchema = z.object({
  kind: z.string(),
  name: z.string(),
  category: z.enum(RELEASE_CATEGORIES),
  /** Present for a Helm hook: the events that run it (post-install, …) and its weight. */
  hook: z.object({ events: z.array(z.string()), weight: z.number() }).optional(),
  /**
   * SHA-256 (first 16 hex digits) of the rendered object, a Secret's values left out: equal digests,
   * equal objects, so two renders can be compared object by object. Absent on objects recorded before.
   */
  digest: z.string().optional(),
  /** A StatefulSet's PersistentVolumeClaims, as Kubernetes names them (`<template>-<set>-<ordinal>`). */
  claims: z.array(z.string()).optional(),
  /**
   * A Deployment's or StatefulSet's replicas (when the chart sets them) and its containers' images,
   * init containers first: what a hand edit (`kubectl scale`, `set image`) changes, compared by drift.
   */
  workload: z.object({ replicas: z.number().optional(), images: z.array(z.string()) }).optional(),
});
export type ReleaseObject = z.infer<typeof ReleaseObjectSchema>;

/**
 * Where an object of `kind` is listed: a Job run as a hook under its own heading, any other Job with
 * the workloads. (Typed as a stored category, so a category lib/helm/release adds fails to compile here.)
 */
export function categoryOf(kind: string, hook = false): ReleaseCategory {
  return helmCategoryOf(kind, hook);
}

export interface ReleaseObjectGroup {
  category: ReleaseCategory;
  label: string;
  objects: ReleaseObject[];
}

/** Objects by category, in the categories' order; each group keeps Helm's install order. Empty groups are left out. */
export function groupReleaseObjects(objects: readonly ReleaseObject[]): ReleaseObjectGroup[] {
  return RELEASE_CATEGORIES.map((category) => ({
    category,
    label: RELEASE_CATEGORY_LABELS[category],
    objects: objects.filter((o) => o.category === category),
  })).filter((g) => g.objects.length > 0);
}
