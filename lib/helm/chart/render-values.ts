import type { Renderable } from "@/lib/helm/engine/helm-engine";
import type { GoMap, GoStruct } from "@/lib/helm/engine/value";
import { isCompatibleRange } from "@/lib/helm/engine/sprig/semver";
import { makeCapabilities } from "./capabilities";
import { chartFullPath, isRoot, type Chart } from "./chart";
import { chartStruct } from "./chart-struct";
import { coalesceValues } from "./coalesce";
import { newFiles } from "./files";
import { pathClean } from "./loader";
import { table } from "./values";

/**
 * The top-level values templates see (chartutil.ToRenderValues) and the per-chart scopes Helm's
 * engine builds from them (engine.recAllTpls): each chart's `.Values` is its part of the parent's,
 * `.Chart` its own metadata, `.Files` its own files, `.Subcharts` its children's scopes.
 */
export interface ReleaseOptions {
  name: string;
  namespace: string;
  revision?: number;
  isUpgrade?: boolean;
  isInstall?: boolean;
}

/** `.Release`: Revision is a Go int. */
export function releaseValues(options: ReleaseOptions): GoMap {
  return {
    Name: options.name,
    Namespace: options.namespace,
    IsUpgrade: options.isUpgrade ?? false,
    IsInstall: options.isInstall ?? !(options.isUpgrade ?? false),
    Revision: BigInt(options.revision ?? 1),
    Service: "Helm",
  };
}

export interface RenderValues {
  /** {Chart, Capabilities, Release, Values}: what engine.Render receives. */
  top: GoMap;
  /** Helm's coalescing warnings (it logs them). */
  warnings: string[];
}

/**
 * chartutil.ToRenderValuesWithSchemaValidation without the schema check: coalesces the user's
 * values with the chart's (run processDependencies first, as `helm install` does).
 */
export function toRenderValues(
  chart: Chart,
  userValues: GoMap | null | undefined,
  options: ReleaseOptions,
  capabilities: GoStruct = makeCapabilities(),
): RenderValues {
  const { values, warnings } = coalesceValues(chart, userValues);
  const top: GoMap = {
    Chart: chartStruct(chart.metadata, isRoot(chart)),
    Capabilities: capabilities,
    Release: releaseValues(options),
    Values: values,
  };
  return { top, warnings };
}

const VALID_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** install's release name check (chartutil.ValidateReleaseName, wrapped as Install words it). */
export function validateReleaseName(name: string): void {
  if (name === "") throw new Error('release name "": no name provided');
  if (name.length > 53 || !VALID_NAME.test(name)) {
    throw new Error(
      `release name ${JSON.stringify(name)}: invalid release name, must match regex ${VALID_NAME.source} ` +
        "and the length must not be longer than 53",
    );
  }
}

/** renderResources' first check: the chart's kubeVersion constraint against the cluster's version. */
export function checkKubeVersion(chart: Chart, capabilities: GoStruct): void {
  const constraint = chart.metadata.kubeVersion;
  const version = ((capabilities.fields.KubeVersion as GoStruct).fields.Version as string) ?? "";
  if (constraint !== "" && !isCompatibleRange(constraint, version)) {
    throw new Error(`chart requires kubeVersion: ${constraint} which is incompatible with Kubernetes ${version}`);
  }
}

function isTemplateValid(c: Chart, name: string): boolean {
  if (c.metadata.type.toLowerCase() !== "library") return true;
  return name.slice(name.lastIndexOf("/") + 1).startsWith("_");
}

/** engine.allTemplates: every template with its chart's scope, named "airflow/templates/x.yaml". */
export function chartRenderables(chart: Chart, top: GoMap): Renderable[] {
  const out: Renderable[] = [];
  recAllTpls(chart, top, out);
  return out;
}

function recAllTpls(c: Chart, vals: GoMap, out: Renderable[]): GoMap {
  const subCharts: GoMap = {};
  const next: GoMap = {
    Chart: chartStruct(c.metadata, isRoot(c)),
    Files: newFiles(c.files),
    Release: vals.Release,
    Capabilities: vals.Capabilities,
    Values: {},
    Subcharts: subCharts,
  };
  if (isRoot(c)) next.Values = vals.Values;
  else {
    try {
      next.Values = table(vals, `Values.${c.metadata.name}`);
    } catch {
      // Helm leaves an empty map when the parent's values have no table for the subchart.
    }
  }
  for (const child of c.dependencies) subCharts[child.metadata.name] = recAllTpls(child, next, out);
  const parentId = chartFullPath(c);
  for (const t of c.templates) {
    if (!isTemplateValid(c, t.name)) continue;
    const name = pathClean(`${parentId}/${t.name}`);
    out.push({ name, text: t.text, vals: next, basePath: pathClean(`${parentId}/templates`) });
  }
  return next;
}
