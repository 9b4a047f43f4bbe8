import type { GoValue } from "@/lib/helm/engine/value";
import { atoi, compareGoStrings } from "@/lib/helm/chart/encoding/go-strconv";
import { sigsUnmarshal, type Shape } from "@/lib/helm/chart/encoding/sigs-yaml";
import { INSTALL_ORDER, sortByKind } from "./kind-order";
import { goTrimSpace, splitManifests } from "./manifest";

/**
 * releaseutil.SortManifests (pkg/releaseutil/manifest_sorter.go): every document of the rendered
 * templates (files in path order, documents in file order), read as Helm reads its head
 * (apiVersion, kind, metadata.name and annotations), split into hooks and ordinary manifests,
 * each sorted by kind.
 */
export const HOOK_ANNOTATION = "helm.sh/hook";
export const HOOK_WEIGHT_ANNOTATION = "helm.sh/hook-weight";
export const HOOK_DELETE_ANNOTATION = "helm.sh/hook-delete-policy";
export const HOOK_OUTPUT_LOG_ANNOTATION = "helm.sh/hook-output-log-policy";

const EVENTS: Record<string, string> = {
  "pre-install": "pre-install",
  "post-install": "post-install",
  "pre-delete": "pre-delete",
  "post-delete": "post-delete",
  "pre-upgrade": "pre-upgrade",
  "post-upgrade": "post-upgrade",
  "pre-rollback": "pre-rollback",
  "post-rollback": "post-rollback",
  test: "test",
  "test-success": "test",
};

export interface SimpleHead {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> | null } | null;
}

export interface Manifest {
  /** The template's path, e.g. "airflow/templates/x.yaml". */
  name: string;
  content: string;
  head: SimpleHead;
}

export interface Hook extends Manifest {
  events: string[];
  weight: number;
  deletePolicies: string[];
  outputLogPolicies: string[];
}

const S: Shape = { kind: "string" };
const headShape: Shape = {
  kind: "struct",
  name: "SimpleHead",
  goType: "releaseutil.SimpleHead",
  fields: {
    apiVersion: S,
    kind: S,
    metadata: {
      kind: "struct",
      name: "",
      goType: 'struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }',
      fields: { name: S, annotations: { kind: "map", elem: S, goType: "map[string]string" } },
    },
  },
};

/** Reads a document's head as sigs.k8s.io/yaml.Unmarshal into SimpleHead does. */
export function readHead(doc: string): SimpleHead {
  const raw = (sigsUnmarshal(doc, headShape) ?? {}) as Record<string, GoValue>;
  const md = raw.metadata as Record<string, GoValue> | undefined;
  const annotations = (md?.annotations as Record<string, string> | undefined) ?? null;
  return {
    apiVersion: (raw.apiVersion as string) ?? "",
    kind: (raw.kind as string) ?? "",
    metadata: md ? { name: (md.name as string) ?? "", annotations } : null,
  };
}

function annotationValues(head: SimpleHead, annotation: string): string[] {
  const value = head.metadata?.annotations?.[annotation];
  if (value === undefined) return [];
  return value.split(",").map((v) => v.trim().toLowerCase());
}

export interface SortResult {
  hooks: Hook[];
  manifests: Manifest[];
  /** Helm's log lines ("info: skipping unknown hook: …"). */
  warnings: string[];
}

/** SortManifests(files, _, InstallOrder); throws "YAML parse error on <path>: …" as Helm does. */
export function sortManifests(files: Map<string, string>, order: readonly string[] = INSTALL_ORDER): SortResult {
  const hooks: Hook[] = [];
  const manifests: Manifest[] = [];
  const warnings: string[] = [];
  for (const path of [...files.keys()].sort(compareGoStrings)) {
    const content = files.get(path)!;
    if (path.slice(path.lastIndexOf("/") + 1).startsWith("_")) continue;
    if (goTrimSpace(content) === "") continue;
    for (const m of splitManifests(content)) {
      let head: SimpleHead;
      try {
        head = readHead(m);
      } catch (e) {
        throw new Error(`YAML parse error on ${path}: ${(e as Error).message}`);
      }
      const annotations = head.metadata?.annotations;
      const hookTypes = annotations?.[HOOK_ANNOTATION];
      if (!annotations || Object.keys(annotations).length === 0 || hookTypes === undefined) {
        manifests.push({ name: path, content: m, head });
        continue;
      }
      const weight = atoi(annotations[HOOK_WEIGHT_ANNOTATION] ?? "") ?? 0;
      const events: string[] = [];
      const unknown = hookTypes.split(",").some((t) => {
        const e = EVENTS[t.trim().toLowerCase()];
        if (e) events.push(e);
        return !e;
      });
      if (unknown) {
        warnings.push(`info: skipping unknown hook: ${JSON.stringify(hookTypes)}`);
        continue;
      }
      const deletePolicies = annotationValues(head, HOOK_DELETE_ANNOTATION);
      const outputLogPolicies = annotationValues(head, HOOK_OUTPUT_LOG_ANNOTATION);
      hooks.push({ name: path, content: m, head, events, weight, deletePolicies, outputLogPolicies });
    }
  }
  return {
    hooks: sortByKind(hooks, (h) => h.head.kind, order),
    manifests: sortByKind(manifests, (m) => m.head.kind, order),
    warnings,
  };
}
