/**
 * The conversions Sprig leans on: its strval, spf13/cast's ToInt64/ToInt/ToFloat64 (errors turn
 * into 0, as Sprig ignores them), its `empty`, and reflect.DeepEqual.
 */
import { sprintf } from "../fmt";
import { parseFloat as goParseFloat, parseInt as goParseInt } from "./strconv";
import { GO_TYPE, GoInt, GoStruct, goKindName, isGoFunc, isGoMap, type GoValue } from "../value";
import { GoError, NIL_DEREFERENCE } from "./func";

const MIN_INT64 = -(1n << 63n);

/** Sprig's strval: strings as they are, Stringers through String(), the rest as %v prints them. */
export function strval(v: GoValue): string {
  if (typeof v === "string") return v;
  if (v instanceof GoStruct && v.stringer) return v.stringer();
  return sprintf("%v", [v]);
}

/** Go's int64(f) on amd64: truncation, and the "integer indefinite" value when out of range. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** cast's trimZeroDecimal: "1.00" parses as an integer, "1.50" does not. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64 (and cast.ToInt: Go's int is 64 bits too). */
export function toInt64(v: GoValue): bigint {
  if (typeof v === "bigint") return v;
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  switch (typeof v) {
    case "number":
      return floatToInt64(v);
    case "string": {
      const r = goParseInt(trimZeroDecimal(v), 0, 64);
      return r.err ? 0n : r.value;
    }
    case "boolean":
      return v ? 1n : 0n;
  }
  return 0n;
}

/** cast.ToFloat64. */
export function toFloat64(v: GoValue): number {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof GoInt) return Number(v.value);
  switch (typeof v) {
    case "number":
      return v;
    case "string": {
      const r = goParseFloat(v);
      return r.err ? 0 : r.value;
    }
    case "boolean":
      return v ? 1 : 0;
  }
  return 0;
}

/** Sprig's empty: the zero value of its type; a struct is never empty, a nil anything is. */
export function empty(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case "boolean":
      return !v;
    case "string":
      return v.length === 0;
    case "number":
      return v === 0;
    case "bigint":
      return v === 0n;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof GoStruct) return v.kind === "map" || v.kind === "slice" ? Object.keys(v.fields).length === 0 : false;
  if (isGoFunc(v)) return false;
  return Object.keys(v).length === 0;
}

function typeMark(v: object): string | undefined {
  return (v as { [GO_TYPE]?: string })[GO_TYPE];
}

/** reflect.DeepEqual over the value model: types must agree (1 and 1.0 differ). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (a instanceof GoInt || b instanceof GoInt) {
    return a instanceof GoInt && b instanceof GoInt && a.type === b.type && a.value === b.value;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || typeMark(a) !== typeMark(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof GoStruct || b instanceof GoStruct) {
    if (!(a instanceof GoStruct && b instanceof GoStruct) || a.typeName !== b.typeName) return false;
    if (a.stringer && b.stringer && a.stringer() !== b.stringer()) return false;
    return deepEqualMaps(a.fields, b.fields);
  }
  if (isGoFunc(a) || isGoFunc(b)) return false;
  if (!isGoMap(a) || !isGoMap(b) || typeMark(a) !== typeMark(b)) return false;
  return deepEqualMaps(a, b);
}

function deepEqualMaps(a: Record<string, GoValue>, b: Record<string, GoValue>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** reflect.TypeOf(v).Kind() as Sprig's list functions name it; Go panics on a nil interface. */
export function listKind(v: GoValue): string {
  if (v === null || v === undefined) throw new GoError(NIL_DEREFERENCE);
  return goKindName(v);
}
