import type { GoMap } from "@/lib/helm/engine/value";
import type { Metadata } from "./metadata";

/** A file of a chart by its path inside the chart ("templates/x.yaml", "files/a.conf"). */
export interface ChartFile {
  name: string;
  data: Buffer;
}

/** A template: its path inside the chart and its text (Go's string(t.Data)). */
export interface ChartTemplate extends ChartFile {
  text: string;
}

/**
 * A loaded chart, as helm.sh/helm/v3/pkg/chart.Chart holds it. `files` is what `.Files` sees:
 * every file the loader keeps that is not Chart.yaml, Chart.lock, values.yaml, values.schema.json,
 * a template or part of a subchart (Helm keeps those elsewhere).
 */
export interface Chart {
  metadata: Metadata;
  /** Chart.lock (or requirements.lock) as decoded YAML, null without one. */
  lock: GoMap | null;
  /** values.yaml as Helm decodes it (numbers are float64), {} without one. */
  values: GoMap;
  /** values.schema.json, as bytes, null without one. */
  schema: Buffer | null;
  templates: ChartTemplate[];
  files: ChartFile[];
  /** Every file the loader kept, in load order (Helm's Chart.Raw). */
  raw: ChartFile[];
  dependencies: Chart[];
  parent: Chart | null;
  /**
   * SHA-256 (hex): of the .tgz bytes for a chart loaded from an archive; for a folder, of every
   * kept file in path order (path, NUL, size, NUL, bytes), so equal content gives an equal digest.
   */
  digest: string;
}

export function chartName(c: Chart): string {
  return c.metadata.name;
}

export function isRoot(c: Chart): boolean {
  return c.parent === null;
}

export function rootOf(c: Chart): Chart {
  return c.parent ? rootOf(c.parent) : c;
}

/** Chart.ChartPath: "airflow.postgresql". */
export function chartPath(c: Chart): string {
  return c.parent ? `${chartPath(c.parent)}.${c.metadata.name}` : c.metadata.name;
}

/** Chart.ChartFullPath: "airflow/charts/postgresql", the prefix of its rendered template names. */
export function chartFullPath(c: Chart): string {
  return c.parent ? `${chartFullPath(c.parent)}/charts/${c.metadata.name}` : c.metadata.name;
}

export function setDependencies(c: Chart, deps: Chart[]): void {
  c.dependencies = [];
  for (const d of deps) {
    d.parent = c;
    c.dependencies.push(d);
  }
}

function hasManifestExtension(name: string): boolean {
  const dot = name.lastIndexOf(".");
  const ext = dot > name.lastIndexOf("/") ? name.slice(dot).toLowerCase() : "";
  return ext === ".yaml" || ext === ".yml" || ext === ".json";
}

/** Chart.CRDObjects: crds/*.yaml|yml|json of the chart and its subcharts, with Helm's file names. */
export function crdObjects(c: Chart): { name: string; filename: string; file: ChartFile }[] {
  const own = c.files
    .filter((f) => f.name.startsWith("crds/") && hasManifestExtension(f.name))
    .map((f) => ({ name: f.name, filename: `${chartFullPath(c)}/${f.name}`, file: f }));
  return [...own, ...c.dependencies.flatMap(crdObjects)];
}
