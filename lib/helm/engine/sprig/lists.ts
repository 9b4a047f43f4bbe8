/**
 * Sprig's list functions (list.go). The plain names panic where the must* names return an error;
 * text/template reports both as "error calling NAME: …", so both throw the same message here.
 * A Go nil slice result ("[]" when printed) is returned as an empty array.
 */
import { strval, deepEqual, empty, listKind, toInt64 } from "./convert";
import { fn, variadic, GoError } from "./func";
import { compareGoStrings, goTypeString } from "../fmt";
import { GO_TYPE, GoStruct, isGoFunc, isGoMap, typedSlice, type GoFunc, type GoValue } from "../value";

function asList(v: GoValue, what: string): GoValue[] {
  const kind = listKind(v);
  if (kind !== "slice" && kind !== "array") throw new GoError(what.replace("%s", kind));
  // A named slice type reached from Helm's objects keeps its elements as fields.
  return v instanceof GoStruct ? Object.values(v.fields) : (v as GoValue[]);
}

/** Both spellings of a list function: `name` panics, `mustName` returns the error. */
function both(name: string, f: GoFunc): Record<string, GoFunc> {
  const must = "must" + name[0]!.toUpperCase() + name.slice(1);
  return { [name]: f, [must]: { ...f, returnsError: true } };
}

function sameType(src: GoValue[], items: GoValue[]): GoValue[] {
  const type = (src as unknown as { [GO_TYPE]?: string })[GO_TYPE];
  return type ? typedSlice(items, type) : items;
}

/** strslice: the string form of each non-nil element, or of the value itself. */
export function strslice(v: GoValue): string[] {
  // A []string is returned as it is, so sortAlpha sorts the caller's list in place, as in Go.
  if (Array.isArray(v) && goTypeString(v) === "[]string") return v as string[];
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function uniq(items: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const x of items) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

function chunk(size: bigint, items: GoValue[]): GoValue[] {
  if (size <= 0n) throw new GoError("runtime error: makeslice: len out of range");
  const n = Number(size);
  const out: GoValue[] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return typedSlice(out, "[][]interface {}");
}

function sliceList(items: GoValue[], indices: GoValue[]): GoValue {
  if (items.length === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0]!)) : 0;
  const end = indices.length < 2 ? items.length : Number(toInt64(indices[1]!));
  if (start < 0 || end < start || end > items.length) {
    throw new GoError("reflect.Value.Slice: slice index out of bounds");
  }
  return sameType(items, items.slice(start, end));
}

/** The panic of a failed type assertion `v.(T)`. */
export function interfaceConversion(v: GoValue, want: string): GoError {
  const got = v === null || v === undefined ? "nil" : goTypeString(v);
  return new GoError(`interface conversion: interface {} is ${got}, not ${want}`);
}

/** Whether `v.(map[string]interface{})` succeeds. */
export function isPlainMap(v: GoValue): v is Record<string, GoValue> {
  return isGoMap(v) && !isGoFunc(v) && goTypeString(v) === "map[string]interface {}";
}

function dig(ps: GoValue[]): GoValue {
  if (ps.length < 3) throw new GoError("dig needs at least three arguments");
  let dict = ps[ps.length - 1];
  const def = ps[ps.length - 2];
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== "string") throw interfaceConversion(k, "string");
    return k;
  });
  for (let i = 0; ; i++) {
    if (!isPlainMap(dict)) throw interfaceConversion(dict, "map[string]interface {}");
    const m = dict;
    if (!Object.hasOwn(m, keys[i]!)) return def;
    if (i === keys.length - 1) return m[keys[i]!];
    dict = m[keys[i]!];
  }
}

const I = "interface {}";
const L = "[]interface {}";

export const listFunctions: Record<string, GoFunc> = {
  list: variadic([], I, L, (v) => v),
  tuple: variadic([], I, L, (v) => v),
  ...both("push", fn([I, I], L, (l, v) => [...asList(l, "Cannot push on type %s"), v])),
  ...both("append", fn([I, I], L, (l, v) => [...asList(l, "Cannot push on type %s"), v])),
  ...both("prepend", fn([I, I], L, (l, v) => [v, ...asList(l, "Cannot prepend on type %s")])),
  ...both("first", fn([I], I, (l) => asList(l, "Cannot find first on type %s")[0] ?? null)),
  ...both("last", fn([I], I, (l) => asList(l, "Cannot find last on type %s").at(-1) ?? null)),
  ...both("rest", fn([I], L, (l) => asList(l, "Cannot find rest on type %s").slice(1))),
  ...both("initial", fn([I], L, (l) => asList(l, "Cannot find initial on type %s").slice(0, -1))),
  ...both("reverse", fn([I], L, (l) => [...asList(l, "Cannot find reverse on type %s")].reverse())),
  ...both("uniq", fn([I], L, (l) => uniq(asList(l, "Cannot find uniq on type %s")))),
  ...both("compact", fn([I], L, (l) => asList(l, "Cannot compact on type %s").filter((x) => !empty(x)))),
  ...both(
    "without",
    variadic([I], I, L, (l, omit) =>
      asList(l, "Cannot find without on type %s").filter((x) => !omit.some((o) => deepEqual(x, o))),
    ),
  ),
  ...both(
    "has",
    fn([I, I], "bool", (needle, haystack) => {
      if (haystack === null) return false;
      return asList(haystack, "Cannot find has on type %s").some((x) => deepEqual(needle, x));
    }),
  ),
  ...both(
    "slice",
    variadic([I], I, I, (l, indices) => sliceList(asList(l, "list should be type of slice or array but %s"), indices)),
  ),
  ...both("chunk", fn(["int", I], L, (size, l) => chunk(size, asList(l, "Cannot chunk type %s")))),
  concat: variadic([], I, I, (lists) => lists.flatMap((l) => asList(l, "Cannot concat type %s as list"))),
  dig: variadic([], I, I, dig, { returnsError: true }),
  sortAlpha: fn([I], "[]string", (l) => {
    if (!Array.isArray(l)) return typedSlice([strval(l)], "[]string");
    const items = strslice(l).sort(compareGoStrings);
    return items === l ? items : typedSlice(items, "[]string");
  }),
  toStrings: fn([I], "[]string", (v) => {
    const items = strslice(v);
    return items === v ? items : typedSlice(items, "[]string");
  }),
};
