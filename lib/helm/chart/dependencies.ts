import { sprint } from "@/lib/helm/engine/fmt";
import { isCompatibleRange } from "@/lib/helm/engine/sprig/semver";
import type { GoMap, GoValue } from "@/lib/helm/engine/value";
import { setDependencies, type Chart } from "./chart";
import { coalesceValues, deepCopy, isTable, mergeTables, mergeValues } from "./coalesce";
import type { Dependency, Metadata } from "./metadata";
import { ErrNoValue, pathValue, table } from "./values";

/**
 * chartutil.ProcessDependenciesWithMerge (pkg/chartutil/dependencies.go): aliases, tags and
 * conditions decide which subcharts stay; import-values copy child values into the parent's.
 * Helm edits the loaded chart in place; this works on a copy and returns it, so one loaded chart
 * can be rendered with many sets of values.
 */
export interface ProcessResult {
  chart: Chart;
  warnings: string[];
}

export function processDependencies(chart: Chart, values: GoMap | null | undefined): ProcessResult {
  const warnings: string[] = [];
  const copy = cloneTree(chart, null);
  processDependencyEnabled(copy, values ?? {}, "", warnings);
  processDependencyImportValues(copy, warnings);
  return { chart: copy, warnings };
}

function cloneMetadata(md: Metadata): Metadata {
  return { ...md, dependencies: md.dependencies?.map((d) => (d ? { ...d } : null)) ?? null };
}

function cloneTree(c: Chart, parent: Chart | null): Chart {
  const copy: Chart = { ...c, metadata: cloneMetadata(c.metadata), parent, dependencies: [] };
  copy.dependencies = c.dependencies.map((d) => cloneTree(d, copy));
  return copy;
}

/** getAliasDependency: a shallow copy of the matching subchart, renamed to its alias. */
function aliasDependency(charts: Chart[], dep: Dependency): Chart | null {
  for (const c of charts) {
    if (c.metadata.name !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    const md = { ...c.metadata };
    if (dep.alias !== "") md.name = dep.alias;
    return { ...c, metadata: md };
  }
  return null;
}

function processDependencyTags(reqs: Dependency[], cvals: GoMap, warnings: string[]): void {
  let vt: GoMap;
  try {
    vt = table(cvals, "tags");
  } catch {
    return;
  }
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags) {
      if (!Object.hasOwn(vt, k)) continue;
      const b = vt[k];
      if (typeof b === "boolean") {
        if (b) hasTrue = true;
        else hasFalse = true;
      } else {
        warnings.push(`Warning: Tag '${k}' for chart ${r.name} returned non-bool value`);
      }
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.enabled = true;
  }
}

function processDependencyConditions(reqs: Dependency[], cvals: GoMap, cpath: string, warnings: string[]): void {
  for (const r of reqs) {
    for (const c of r.condition.trim().split(",")) {
      if (c.length === 0) continue;
      let vv: GoValue;
      try {
        vv = pathValue(cvals, cpath + c);
      } catch (e) {
        if (!(e instanceof ErrNoValue)) warnings.push(`Warning: PathValue returned error ${(e as Error).message}`);
        continue;
      }
      if (typeof vv === "boolean") {
        r.enabled = vv;
        break;
      }
      warnings.push(`Warning: Condition path '${c}' for chart ${r.name} returned non-bool value`);
    }
  }
}

function processDependencyEnabled(c: Chart, v: GoMap, path: string, warnings: string[]): void {
  const reqs = c.metadata.dependencies;
  if (reqs === null) return;
  const requested = (existing: Chart) =>
    reqs.some(
      (req) => req && existing.metadata.name === req.name && isCompatibleRange(req.version, existing.metadata.version),
    );
  const chartDependencies: Chart[] = c.dependencies.filter((existing) => !requested(existing));
  for (const req of reqs) {
    if (!req) continue;
    const aliased = aliasDependency(c.dependencies, req);
    if (aliased) chartDependencies.push(aliased);
    if (req.alias !== "") req.name = req.alias;
  }
  setDependencies(c, chartDependencies);
  const live = reqs.filter((r): r is Dependency => r !== null);
  for (const r of live) r.enabled = true;
  const { values: cvals, warnings: w } = coalesceValues(c, v);
  warnings.push(...w);
  processDependencyTags(live, cvals, warnings);
  processDependencyConditions(live, cvals, path, warnings);
  const rm = new Set(live.filter((r) => !r.enabled).map((r) => r.name));
  const cd = c.dependencies.filter((n) => !rm.has(n.metadata.name));
  const cdMetadata = reqs.filter((n) => !n || !rm.has(n.name));
  for (const t of cd) processDependencyEnabled(t, cvals, `${path}${t.metadata.name}.`, warnings);
  c.metadata.dependencies = cdMetadata;
  setDependencies(c, cd);
}

/** pathToMap: {a: {b: data}} for "a.b", data itself for ".". */
function pathToMap(path: string, data: GoMap): GoMap {
  if (path === ".") return data;
  return path
    .split(".")
    .reverse()
    .reduce<GoMap>((cur, key) => ({ [key]: cur }), data);
}

function processImportValues(c: Chart, warnings: string[]): void {
  const reqs = c.metadata.dependencies;
  if (reqs === null) return;
  const merged = mergeValues(c, null);
  warnings.push(...merged.warnings);
  let cvals = merged.values;
  let b: GoMap = {};
  for (const r of reqs) {
    if (!r) continue;
    const outiv: GoValue[] = [];
    for (const riv of r.importValues) {
      if (isTable(riv)) {
        const child = sprint([riv.child ?? null]);
        const parent = sprint([riv.parent ?? null]);
        outiv.push({ child, parent });
        let vv: GoMap;
        try {
          vv = table(cvals, `${r.name}.${child}`);
        } catch (e) {
          warnings.push(`Warning: ImportValues missing table from chart ${r.name}: ${(e as Error).message}`);
          continue;
        }
        b = mergeTables(b, pathToMap(parent, vv), warnings) ?? {};
      } else if (typeof riv === "string") {
        const child = `exports.${riv}`;
        outiv.push({ child, parent: "." });
        let vm: GoMap;
        try {
          vm = table(cvals, `${r.name}.${child}`);
        } catch (e) {
          warnings.push(`Warning: ImportValues missing table: ${(e as Error).message}`);
          continue;
        }
        b = mergeTables(b, vm, warnings) ?? {};
      }
    }
    r.importValues = outiv;
  }
  cvals = deepCopy(cvals) as GoMap;
  c.values = mergeTables(cvals, b, warnings) ?? {};
}

function processDependencyImportValues(c: Chart, warnings: string[]): void {
  for (const d of c.dependencies) processDependencyImportValues(d, warnings);
  processImportValues(c, warnings);
}
