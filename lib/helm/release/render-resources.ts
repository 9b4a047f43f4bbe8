import { compareGoStrings } from "@/lib/helm/chart/encoding/go-strconv";
import { sigsUnmarshal, type Shape } from "@/lib/helm/chart/encoding/sigs-yaml";
import { INSTALL_ORDER } from "./kind-order";
import { sortManifests, type Manifest } from "./sort-manifests";

/**
 * What Helm makes of rendered templates before it installs them (action.renderResources): the
 * chart's NOTES.txt taken out, every other template split into documents and sorted into hooks and
 * objects in install order. Each document also comes parsed as Kubernetes reads it.
 */
export const NOTES_FILE_SUFFIX = "NOTES.txt";

export interface RenderedObject {
  template: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  content: string;
  document: Record<string, unknown>;
}

export interface RenderedHook extends RenderedObject {
  events: string[];
  weight: number;
  deletePolicies: string[];
}

export interface RenderedRelease {
  objects: RenderedObject[];
  hooks: RenderedHook[];
  /** The chart's own NOTES.txt as rendered (subcharts' too with `subNotes`), null without one. */
  notes: string | null;
  /** Lines Helm would log (unknown hook kinds). */
  warnings: string[];
}

export interface RenderResourcesOptions {
  /** The root chart's name: its NOTES.txt is "<name>/templates/NOTES.txt". */
  chartName: string;
  /** `--render-subchart-notes`. */
  subNotes?: boolean;
}

function toObject(m: Manifest, document: Record<string, unknown>): RenderedObject {
  const metadata = document.metadata as Record<string, unknown> | undefined;
  const namespace = typeof metadata?.namespace === "string" ? metadata.namespace : undefined;
  return {
    template: m.name,
    apiVersion: m.head.apiVersion,
    kind: m.head.kind,
    name: m.head.metadata?.name ?? "",
    ...(namespace !== undefined ? { namespace } : {}),
    content: m.content,
    document,
  };
}

/** The document as sigs.k8s.io/yaml gives it to Kubernetes; null for a document of comments only. */
const ANY: Shape = { kind: "any" };

function parseDocument(content: string): Record<string, unknown> | null {
  const doc = sigsUnmarshal(content, ANY);
  return doc === null ? null : (doc as Record<string, unknown>);
}

/** Hooks run by weight, then name (action's hookByWeight, a stable sort after the kind sort). */
function byWeight(a: RenderedHook, b: RenderedHook): number {
  if (a.weight !== b.weight) return a.weight < b.weight ? -1 : 1;
  return compareGoStrings(a.name, b.name);
}

export function renderResources(rendered: Map<string, string>, options: RenderResourcesOptions): RenderedRelease {
  const files = new Map(rendered);
  let buffer = "";
  let found = false;
  const rootNotes = `${options.chartName}/templates/${NOTES_FILE_SUFFIX}`;
  // Helm walks a Go map here (random order); path order keeps several subchart notes stable.
  for (const name of [...files.keys()].sort(compareGoStrings)) {
    if (!name.endsWith(NOTES_FILE_SUFFIX)) continue;
    if (options.subNotes || name === rootNotes) {
      if (buffer.length > 0) buffer += "\n";
      buffer += files.get(name)!;
      found = true;
    }
    files.delete(name);
  }
  const notes = found ? buffer : null;
  const sorted = sortManifests(files, INSTALL_ORDER);
  const objects: RenderedObject[] = [];
  for (const m of sorted.manifests) {
    const document = parseDocument(m.content);
    if (document !== null) objects.push(toObject(m, document));
  }
  const hooks: RenderedHook[] = [];
  for (const h of sorted.hooks) {
    const document = parseDocument(h.content);
    if (document === null) continue;
    hooks.push({ ...toObject(h, document), events: h.events, weight: h.weight, deletePolicies: h.deletePolicies });
  }
  hooks.sort(byWeight);
  return { objects, hooks, notes, warnings: sorted.warnings };
}
