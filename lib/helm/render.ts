import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import {
  isCompatibleRange,
  loadArchive,
  loadChart,
  makeCapabilities,
  processDependencies,
  chartRenderables,
  toRenderValues,
  type Chart,
} from "./chart";
import { renderTemplates, type EngineOptions } from "./engine/helm-engine";
import type { GoMap } from "./engine/value";
import { renderResources, type RenderedHook, type RenderedObject } from "./release";

export type { RenderedHook, RenderedObject } from "./release";

/**
 * A chart rendered as Helm 3.19 renders it for `helm install` against a cluster (helm-controller
 * does exactly this): dependencies processed, values coalesced and validated against the chart's
 * schema, every template executed, NOTES.txt apart, hooks apart, objects in install order.
 * `lookup` finds nothing, as with `helm template`; nothing is validated against a cluster.
 */
export interface ChartRenderRequest {
  /** A chart folder, a .tgz path, or .tgz bytes. */
  chart: string | Buffer;
  values: Record<string, unknown>;
  releaseName: string;
  namespace: string;
  /** The cluster's version, e.g. "v1.33.0". */
  kubeVersion: string;
  /** What the cluster serves (`.Capabilities.APIVersions`), e.g. "apps/v1", "policy/v1". */
  apiVersions: readonly string[];
  isUpgrade?: boolean;
  revision?: number;
  /** "deterministic" only to compare with another renderer. */
  random?: EngineOptions["random"];
  /** Helm's --skip-schema-validation. */
  skipSchemaValidation?: boolean;
}

export interface ChartRender {
  chart: { name: string; version: string; appVersion: string | null; digest: string };
  objects: RenderedObject[];
  hooks: RenderedHook[];
  notes: string | null;
  /** Every rendered template by name (NOTES.txt included), as Helm's engine returns them. */
  templates: Map<string, string>;
  /** What Helm would log (coalescing, unknown hook kinds). */
  warnings: string[];
}

/** Helm refuses the values or the chart; the message is Helm's. */
export class ChartRefusedError extends Error {}

const charts = new Map<string, { key: string; chart: Chart }>();
const renders = new Map<string, ChartRender>();
const validators = new Map<string, ValidateFunction>();
const MAX_CACHED_RENDERS = 64;

function loadCached(source: string | Buffer): Chart {
  const key = typeof source === "string" ? `${source}@${statSync(source).mtimeMs}` : createHash("sha256").update(source).digest("hex");
  const hit = charts.get(key);
  if (hit) return hit.chart;
  const chart = typeof source === "string" ? loadChart(source) : loadArchive(source);
  charts.set(key, { key, chart });
  return chart;
}

function validator(schema: Buffer): ValidateFunction {
  const key = createHash("sha256").update(schema).digest("hex");
  let validate = validators.get(key);
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The chart's schema names Kubernetes' integer formats; Helm's validator ignores unknown formats.
    for (const format of ["int32", "int64", "date-time", "uri", "email"]) ajv.addFormat(format, () => true);
    validate = ajv.compile(JSON.parse(schema.toString("utf8")) as object);
    validators.set(key, validate);
  }
  return validate;
}

/** chartutil.ValidateAgainstSchema: the chart's schema, then each subchart's on its part of the values. */
function schemaErrors(chart: Chart, values: GoMap): string {
  let out = "";
  if (chart.schema) {
    const validate = validator(chart.schema);
    if (!validate(values)) {
      out += `${chart.metadata.name}:\n`;
      for (const e of validate.errors ?? []) {
        const extra = e.keyword === "additionalProperties" ? `: additional property '${String(e.params.additionalProperty)}' not allowed` : `: ${e.message}`;
        out += `- at '${e.instancePath}'${extra}\n`;
      }
    }
  }
  for (const sub of chart.dependencies) {
    const raw = values[sub.metadata.name];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== "object" || Array.isArray(raw)) {
      out += `${sub.metadata.name}:\ninvalid type for values: expected object (map), got ${typeof raw}\n`;
      continue;
    }
    out += schemaErrors(sub, raw as GoMap);
  }
  return out;
}

function renderKey(chart: Chart, request: ChartRenderRequest): string {
  const { chart: _source, random, ...rest } = request;
  return createHash("sha256")
    .update(chart.digest)
    .update(JSON.stringify({ ...rest, random: random ?? "crypto" }))
    .digest("hex");
}

export function renderChart(request: ChartRenderRequest): ChartRender {
  let loaded: Chart;
  try {
    loaded = loadCached(request.chart);
  } catch (error) {
    throw new ChartRefusedError((error as Error).message);
  }
  // The release name is part of the key, so generated values (randAlphaNum) are never shared by
  // two releases; one release rendered twice in a process sees the same ones.
  const key = renderKey(loaded, request);
  const cached = renders.get(key);
  if (cached) return cached;

  // Coalescing and dependency processing edit the values they are given: work on a copy.
  const values = structuredClone(request.values) as GoMap;
  const { chart, warnings } = processDependencies(loaded, values);
  const capabilities = makeCapabilities({ kubeVersion: request.kubeVersion, apiVersions: [...request.apiVersions] });
  const options = { name: request.releaseName, namespace: request.namespace, isUpgrade: request.isUpgrade, revision: request.revision };
  const { top, warnings: coalesceWarnings } = toRenderValues(chart, values, options, capabilities);
  const invalid = request.skipSchemaValidation ? "" : schemaErrors(chart, top.Values as GoMap);
  if (invalid) throw new ChartRefusedError(`values don't meet the specifications of the schema(s) in the following chart(s):\n${invalid}`);
  const kubeVersion = chart.metadata.kubeVersion;
  if (kubeVersion && !isCompatibleRange(kubeVersion, request.kubeVersion)) {
    throw new ChartRefusedError(`chart requires kubeVersion: ${kubeVersion} which is incompatible with Kubernetes ${request.kubeVersion}`);
  }

  let templates: Map<string, string>;
  try {
    templates = renderTemplates(chartRenderables(chart, top), { random: request.random });
  } catch (error) {
    throw new ChartRefusedError((error as Error).message);
  }
  let release: ReturnType<typeof renderResources>;
  try {
    release = renderResources(templates, { chartName: chart.metadata.name });
  } catch (error) {
    throw new ChartRefusedError((error as Error).message);
  }
  const result: ChartRender = {
    chart: { name: chart.metadata.name, version: chart.metadata.version, appVersion: chart.metadata.appVersion || null, digest: loaded.digest },
    objects: release.objects,
    hooks: release.hooks,
    notes: release.notes,
    templates,
    warnings: [...warnings, ...coalesceWarnings, ...release.warnings],
  };
  if (renders.size >= MAX_CACHED_RENDERS) renders.delete(renders.keys().next().value!);
  renders.set(key, result);
  return result;
}
