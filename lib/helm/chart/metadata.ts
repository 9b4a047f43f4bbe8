import { goQuote, isPrint } from "@/lib/helm/engine/fmt-quote";
import { isValidSemver } from "@/lib/helm/engine/sprig/semver";
import type { GoValue } from "@/lib/helm/engine/value";
import { sigsUnmarshal, type Shape } from "./encoding/sigs-yaml";

/**
 * chart.Metadata, chart.Maintainer and chart.Dependency (pkg/chart/metadata.go, dependency.go):
 * Chart.yaml decoded as Helm decodes it (sigs.k8s.io/yaml into the struct, so `version: 1.10`
 * becomes the string "1.1"), and Validate with its sanitizing and its messages.
 */
export interface Maintainer {
  name: string;
  email: string;
  url: string;
}

export interface Dependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  importValues: GoValue[];
  alias: string;
}

export interface Metadata {
  name: string;
  home: string;
  sources: string[];
  version: string;
  description: string;
  keywords: string[];
  maintainers: (Maintainer | null)[];
  icon: string;
  apiVersion: string;
  condition: string;
  tags: string;
  appVersion: string;
  deprecated: boolean;
  annotations: Record<string, string>;
  kubeVersion: string;
  /** null when Chart.yaml has no dependencies (Go's nil slice, which Helm tells apart). */
  dependencies: (Dependency | null)[] | null;
  type: string;
}

const S: Shape = { kind: "string" };
const strings: Shape = { kind: "slice", elem: S, goType: "[]string" };
const maintainerShape: Shape = {
  kind: "struct",
  name: "Maintainer",
  goType: "chart.Maintainer",
  fields: { name: S, email: S, url: S },
};
const dependencyShape: Shape = {
  kind: "struct",
  name: "Dependency",
  goType: "chart.Dependency",
  fields: {
    name: S,
    version: S,
    repository: S,
    condition: S,
    tags: strings,
    enabled: { kind: "bool" },
    "import-values": { kind: "slice", elem: { kind: "any" }, goType: "[]interface {}" },
    alias: S,
  },
};
const metadataShape: Shape = {
  kind: "struct",
  name: "Metadata",
  goType: "chart.Metadata",
  fields: {
    name: S,
    home: S,
    sources: strings,
    version: S,
    description: S,
    keywords: strings,
    maintainers: { kind: "slice", elem: maintainerShape, goType: "[]*chart.Maintainer" },
    icon: S,
    apiVersion: S,
    condition: S,
    tags: S,
    appVersion: S,
    deprecated: { kind: "bool" },
    annotations: { kind: "map", elem: S, goType: "map[string]string" },
    kubeVersion: S,
    dependencies: { kind: "slice", elem: dependencyShape, goType: "[]*chart.Dependency" },
    type: S,
  },
};

export function emptyMetadata(): Metadata {
  return {
    ...{ name: "", home: "", sources: [], version: "", description: "", keywords: [], maintainers: [], icon: "" },
    ...{ apiVersion: "", condition: "", tags: "", appVersion: "", deprecated: false, annotations: {} },
    ...{ kubeVersion: "", dependencies: null, type: "" },
  };
}

type Decoded = Record<string, GoValue>;

function toDependency(d: GoValue): Dependency | null {
  if (d === null) return null;
  const x = d as Decoded;
  return {
    name: (x.name as string) ?? "",
    version: (x.version as string) ?? "",
    repository: (x.repository as string) ?? "",
    condition: (x.condition as string) ?? "",
    tags: (x.tags as string[] | null) ?? [],
    enabled: (x.enabled as boolean) ?? false,
    importValues: (x["import-values"] as GoValue[] | null) ?? [],
    alias: (x.alias as string) ?? "",
  };
}

/**
 * Decodes YAML into an existing Metadata as json.Unmarshal does: keys present overwrite, others
 * stay (Helm decodes requirements.yaml into the Metadata Chart.yaml filled).
 */
export function decodeMetadataInto(md: Metadata, yaml: string): void {
  const x = (sigsUnmarshal(yaml, metadataShape) ?? {}) as Decoded;
  const str = (k: keyof Metadata & string) => {
    if (k in x) (md as unknown as Record<string, unknown>)[k] = (x[k] as string | null) ?? "";
  };
  for (const k of ["name", "home", "version", "description", "icon", "apiVersion"] as const) str(k);
  for (const k of ["condition", "tags", "appVersion", "kubeVersion", "type"] as const) str(k);
  if ("sources" in x) md.sources = (x.sources as string[] | null) ?? [];
  if ("keywords" in x) md.keywords = (x.keywords as string[] | null) ?? [];
  if ("deprecated" in x) md.deprecated = (x.deprecated as boolean | null) ?? false;
  if ("annotations" in x) md.annotations = { ...md.annotations, ...((x.annotations as Record<string, string>) ?? {}) };
  if ("maintainers" in x) {
    md.maintainers = ((x.maintainers as GoValue[] | null) ?? []).map((m) =>
      m === null ? null : { name: "", email: "", url: "", ...(m as Record<string, string>) },
    );
  }
  if ("dependencies" in x) md.dependencies = ((x.dependencies as GoValue[] | null) ?? null)?.map(toDependency) ?? null;
}

/** sanitizeString: whitespace becomes a space, other unprintable characters go. */
export function sanitizeString(s: string): string {
  let out = "";
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch)) out += " ";
    else if (isPrint(r)) out += ch;
  }
  return out;
}

const ALIAS = /^[a-zA-Z0-9_-]+$/;

/** path.Base as filepath.Base computes it on Unix. */
function base(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Metadata.Validate: sanitizes in place and throws "validation: …" as Helm words it. */
export function validateMetadata(md: Metadata | null): void {
  const fail = (msg: string): never => {
    throw new Error(`validation: ${msg}`);
  };
  if (!md) return fail("chart.metadata is required");
  for (const k of ["name", "description", "home", "icon", "condition", "tags", "appVersion", "kubeVersion"] as const) {
    md[k] = sanitizeString(md[k]);
  }
  md.sources = md.sources.map(sanitizeString);
  md.keywords = md.keywords.map(sanitizeString);
  if (md.apiVersion === "") fail("chart.metadata.apiVersion is required");
  if (md.name === "") fail("chart.metadata.name is required");
  if (md.name !== base(md.name)) fail(`chart.metadata.name ${goQuote(md.name)} is invalid`);
  if (md.version === "") fail("chart.metadata.version is required");
  if (!isValidSemver(md.version)) fail(`chart.metadata.version ${goQuote(md.version)} is invalid`);
  if (!["", "application", "library"].includes(md.type)) fail("chart.metadata.type must be application or library");
  for (const m of md.maintainers) {
    if (!m) fail("maintainers must not contain empty or null nodes");
    else [m.name, m.email, m.url] = [sanitizeString(m.name), sanitizeString(m.email), sanitizeString(m.url)];
  }
  const seen = new Set<string>();
  for (const d of md.dependencies ?? []) {
    if (!d) return fail("dependencies must not contain empty or null nodes");
    d.name = sanitizeString(d.name);
    d.version = sanitizeString(d.version);
    d.repository = sanitizeString(d.repository);
    d.condition = sanitizeString(d.condition);
    d.tags = d.tags.map(sanitizeString);
    if (d.alias !== "" && !ALIAS.test(d.alias)) {
      fail(`dependency ${goQuote(d.name)} has disallowed characters in the alias`);
    }
    const key = d.alias !== "" ? d.alias : d.name;
    if (seen.has(key)) fail(`more than one dependency with name or alias ${goQuote(key)}`);
    seen.add(key);
  }
}
