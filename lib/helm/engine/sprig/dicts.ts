/**
 * Sprig's dict functions (dict.go), with merge/mergeOverwrite following dario.cat/mergo 1.0.1 (what
 * Helm 3.19's Sprig 3.3.0 uses) on map[string]interface{}, and deepCopy following copystructure. They mutate and return
 * their first argument as Go does; merged-in maps and lists are shared, not copied. Go's map order
 * is random, so keys/values come in sorted key order (one of the orders Go can give).
 */
import { compareGoStrings } from "../fmt";
import { empty, strval } from "./convert";
import { fn, variadic, GoError } from "./func";
import { GO_TYPE, GoStruct, isGoFunc, isGoMap, typedSlice, type GoFunc, type GoMap, type GoValue } from "../value";

const M = "map[string]interface {}";
const I = "interface {}";

function isMapValue(v: GoValue): boolean {
  return (isGoMap(v) && !isGoFunc(v)) || (v instanceof GoStruct && v.kind === "map");
}

function isSliceValue(v: GoValue): boolean {
  return Array.isArray(v) || (v instanceof GoStruct && v.kind === "slice");
}

class MergeError extends GoError {}

/** mergo's deepMerge for two maps: only keys of src are visited; dst is changed in place. */
function mergeMaps(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const srcEl = src[key] ?? null;
    const dstHas = Object.hasOwn(dst, key);
    const dstEl = dstHas ? (dst[key] ?? null) : null;
    if (srcEl === null) {
      if (overwrite) dst[key] = null;
      continue;
    }
    if (isMapValue(srcEl)) {
      if (dstHas && isGoMap(dstEl) && !isGoFunc(dstEl) && isGoMap(srcEl)) mergeMaps(dstEl, srcEl, overwrite);
      else if (!overwrite && dstEl instanceof GoStruct && dstEl.kind === "ptr") {
        throw new MergeError("src and dst must be of same type");
      }
      // A non-empty map keeps its (merged) self; a non-empty value of another kind is overwritten.
      if (dstHas && !empty(dstEl) && isMapValue(dstEl)) continue;
    } else if (isSliceValue(srcEl) && dstHas && !empty(dstEl)) {
      // A list only replaces a non-empty value when overwriting.
      if (overwrite) dst[key] = srcEl;
      continue;
    }
    if (overwrite || !dstHas || empty(dstEl)) dst[key] = srcEl;
  }
}

function merge(dst: GoMap | null, srcs: (GoMap | null)[], overwrite: boolean): GoMap {
  for (const src of srcs) {
    if (dst === null && src !== null) dst = {};
    if (dst !== null && src !== null) mergeMaps(dst, src, overwrite);
  }
  // Go returns a nil map here, which prints as map[] like an empty one.
  return dst ?? {};
}

function swallow(f: () => GoValue): GoValue {
  try {
    return f();
  } catch (e) {
    if (e instanceof MergeError) return "";
    throw e;
  }
}

/** copystructure.Copy: maps and slices are copied all the way down, the rest is shared. */
export function deepCopy(v: GoValue): GoValue {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const type = (v as unknown as { [GO_TYPE]?: string })[GO_TYPE];
    const items = v.map(deepCopy);
    return type ? typedSlice(items, type) : items;
  }
  if (isGoMap(v) && !isGoFunc(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    const type = (v as { [GO_TYPE]?: string })[GO_TYPE];
    if (type) Object.defineProperty(out, GO_TYPE, { value: type, enumerable: false });
    return out;
  }
  return v;
}

function mustDeepCopy(v: GoValue): GoValue {
  if (v === null || v === undefined) throw new GoError("reflect: call of reflect.Value.Type on zero Value");
  return deepCopy(v);
}

function sortedKeys(m: GoMap | null): string[] {
  return m ? Object.keys(m).sort(compareGoStrings) : [];
}

function dict(v: GoValue[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < v.length; i += 2) out[strval(v[i] ?? null)] = i + 1 < v.length ? v[i + 1]! : "";
  return out;
}

export const dictFunctions: Record<string, GoFunc> = {
  dict: variadic([], I, M, dict),
  get: fn([M, "string"], I, (d, key) => (d && Object.hasOwn(d, key) ? (d[key] ?? null) : "")),
  set: fn([M, "string", I], M, (d, key, value) => {
    if (d === null) throw new GoError("assignment to entry in nil map");
    d[key] = value;
    return d;
  }),
  unset: fn([M, "string"], M, (d, key) => {
    if (d === null) return {};
    delete d[key];
    return d;
  }),
  hasKey: fn([M, "string"], "bool", (d, key) => d !== null && Object.hasOwn(d, key)),
  pluck: variadic(["string"], M, "[]interface {}", (key, ds) =>
    ds.filter((d) => d !== null && Object.hasOwn(d, key)).map((d) => d![key] ?? null),
  ),
  keys: variadic([], M, "[]string", (ds) => typedSlice(ds.flatMap(sortedKeys), "[]string")),
  values: fn([M], "[]interface {}", (d) => sortedKeys(d).map((k) => d![k] ?? null)),
  pick: variadic([M], "string", M, (d, keys) => {
    const out: GoMap = {};
    for (const k of keys) if (d && Object.hasOwn(d, k)) out[k] = d[k] ?? null;
    return out;
  }),
  omit: variadic([M], "string", M, (d, keys) => {
    const out: GoMap = {};
    for (const k of sortedKeys(d)) if (!keys.includes(k)) out[k] = d![k] ?? null;
    return out;
  }),
  merge: variadic([M], M, I, (dst, srcs) => swallow(() => merge(dst, srcs, false))),
  mustMerge: variadic([M], M, I, (dst, srcs) => merge(dst, srcs, false), { returnsError: true }),
  mergeOverwrite: variadic([M], M, I, (dst, srcs) => swallow(() => merge(dst, srcs, true))),
  mustMergeOverwrite: variadic([M], M, I, (dst, srcs) => merge(dst, srcs, true), { returnsError: true }),
  deepCopy: fn([I], I, (v) => mustDeepCopy(v)),
  mustDeepCopy: fn([I], I, (v) => mustDeepCopy(v), { returnsError: true }),
};
