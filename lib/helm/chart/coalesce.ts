import { sprintf } from "@/lib/helm/engine/fmt";
import { GO_TYPE, GoInt, GoStruct, isGoFunc, type GoMap, type GoValue } from "@/lib/helm/engine/value";
import type { Chart } from "./chart";
import { setKey } from "./encoding/sigs-yaml";

/**
 * chartutil.CoalesceValues and MergeValues (pkg/chartutil/coalesce.go): user values over chart
 * defaults, subchart defaults under their names, `global` copied down. Ported statement by
 * statement, including which maps are copied and which are shared, since Helm's results depend
 * on that aliasing in corner cases. Helm logs its warnings; here they go to `warnings`.
 */
export const GLOBAL_KEY = "global";

type Printf = (message: string) => void;

/** A value is a table when it is a map[string]interface{} (not a struct or named map type). */
export function isTable(v: GoValue): v is GoMap {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return !(v instanceof GoInt) && !(v instanceof GoStruct) && !isGoFunc(v);
}

/** copystructure.Copy: maps and slices copied all the way down. */
export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) {
    const out = v.map(deepCopy);
    const type = (v as unknown as { [GO_TYPE]?: string })[GO_TYPE];
    if (type) Object.defineProperty(out, GO_TYPE, { value: type, enumerable: false });
    return out;
  }
  if (isTable(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) setKey(out, k, deepCopy(v[k]));
    return out;
  }
  return v;
}

function concatPrefix(a: string, b: string): string {
  return a === "" ? b : `${a}.${b}`;
}

export interface CoalesceResult {
  values: GoMap;
  warnings: string[];
}

/** chartutil.CoalesceValues: a `null` in user values deletes the key it names. */
export function coalesceValues(chart: Chart, userValues: GoMap | null | undefined): CoalesceResult {
  return run(chart, userValues, false);
}

/** chartutil.MergeValues: like CoalesceValues, but nulls are kept. */
export function mergeValues(chart: Chart, userValues: GoMap | null | undefined): CoalesceResult {
  return run(chart, userValues, true);
}

function run(chart: Chart, userValues: GoMap | null | undefined, merge: boolean): CoalesceResult {
  const warnings: string[] = [];
  const copy = (deepCopy(userValues ?? {}) ?? {}) as GoMap;
  const values = coalesce((m) => warnings.push(m), chart, copy, "", merge);
  return { values, warnings };
}

function coalesce(printf: Printf, ch: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  coalesceChartValues(printf, ch, dest, prefix, merge);
  return coalesceDeps(printf, ch, dest, prefix, merge);
}

/** fmt's %t of a value that is not a bool, as the type-mismatch error prints it. */
function percentT(v: GoValue): string {
  return sprintf("%t", [v]);
}

function coalesceDeps(printf: Printf, ch: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  for (const sub of ch.dependencies) {
    const name = sub.metadata.name;
    if (!Object.hasOwn(dest, name)) setKey(dest, name, {});
    else if (!isTable(dest[name])) throw new Error(`type mismatch on ${name}: ${percentT(dest[name])}`);
    const dvmap = dest[name] as GoMap;
    const subPrefix = concatPrefix(prefix, ch.metadata.name);
    coalesceGlobals(printf, dvmap, dest, subPrefix);
    setKey(dest, name, coalesce(printf, sub, dvmap, subPrefix, merge));
  }
  return dest;
}

/** Copies the parent's globals into a subchart's values, the parent's winning inside tables. */
function coalesceGlobals(printf: Printf, dest: GoMap, src: GoMap, prefix: string): void {
  let dg: GoMap = {};
  if (Object.hasOwn(dest, GLOBAL_KEY)) {
    if (!isTable(dest[GLOBAL_KEY])) {
      printf(`warning: skipping globals because destination ${GLOBAL_KEY} is not a table.`);
      return;
    }
    dg = dest[GLOBAL_KEY];
  }
  let sg: GoMap = {};
  if (Object.hasOwn(src, GLOBAL_KEY)) {
    if (!isTable(src[GLOBAL_KEY])) {
      printf(`warning: skipping globals because source ${GLOBAL_KEY} is not a table.`);
      return;
    }
    sg = src[GLOBAL_KEY];
  }
  for (const key of Object.keys(sg)) {
    const val = sg[key];
    if (isTable(val)) {
      const vv: GoMap = {};
      for (const k of Object.keys(val)) setKey(vv, k, val[k]);
      if (!Object.hasOwn(dg, key)) {
        setKey(dg, key, vv);
      } else if (!isTable(dg[key])) {
        printf(sprintf("Conflict: cannot merge map onto non-map for %q. Skipping.", [key]));
      } else {
        // The subchart's own global table is merged under the parent's: merge set, nils kept.
        coalesceTablesFullKey(printf, vv, dg[key], concatPrefix(prefix, key), true);
        setKey(dg, key, vv);
      }
    } else if (Object.hasOwn(dg, key) && isTable(dg[key])) {
      printf(`key ${key} is table. Skipping`);
    } else {
      setKey(dg, key, val);
    }
  }
  setKey(dest, GLOBAL_KEY, dg);
}

function childChartMergeTrue(ch: Chart, key: string, merge: boolean): boolean {
  return ch.dependencies.some((d) => d.metadata.name === key) || merge;
}

/** coalesceValues: the chart's own defaults under the values given for it. */
function coalesceChartValues(printf: Printf, c: Chart, v: GoMap, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, c.metadata.name);
  const vc = deepCopy(c.values) as GoMap;
  for (const key of Object.keys(vc)) {
    const val = vc[key];
    if (!Object.hasOwn(v, key)) {
      setKey(v, key, val);
      continue;
    }
    const value = v[key];
    if (value == null && !merge) {
      delete v[key];
    } else if (isTable(value)) {
      if (!isTable(val)) {
        if (val != null) printf(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
      } else {
        coalesceTablesFullKey(printf, value, val, concatPrefix(subPrefix, key), childChartMergeTrue(c, key, merge));
      }
    }
  }
}

/** chartutil.CoalesceTables: dst wins; a null in dst deletes the key unless merging. */
export function coalesceTables(dst: GoMap | null, src: GoMap | null, warnings: string[] = []): GoMap | null {
  return coalesceTablesFullKey((m) => warnings.push(m), dst, src, "", false);
}

/** chartutil.MergeTables. */
export function mergeTables(dst: GoMap | null, src: GoMap | null, warnings: string[] = []): GoMap | null {
  return coalesceTablesFullKey((m) => warnings.push(m), dst, src, "", true);
}

function coalesceTablesFullKey(
  printf: Printf,
  dst: GoMap | null,
  src: GoMap | null,
  prefix: string,
  merge: boolean,
): GoMap | null {
  if (src === null) return dst;
  if (dst === null) return src;
  for (const key of Object.keys(src)) {
    const val = src[key];
    const fullkey = concatPrefix(prefix, key);
    const ok = Object.hasOwn(dst, key);
    const dv = dst[key];
    if (ok && !merge && dv == null) {
      delete dst[key];
    } else if (!ok) {
      setKey(dst, key, val);
    } else if (isTable(val)) {
      if (isTable(dv)) coalesceTablesFullKey(printf, dv, val, fullkey, merge);
      else printf(sprintf("warning: cannot overwrite table with non table for %s (%v)", [fullkey, val]));
    } else if (isTable(dv) && val != null) {
      printf(sprintf("warning: destination for %s is a table. Ignoring non-table value (%v)", [fullkey, val]));
    }
  }
  return dst;
}
