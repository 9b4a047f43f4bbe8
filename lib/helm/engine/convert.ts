import { GO_TYPE, GoInt, GoStruct, goTypeName, isGoFunc, isGoMap, type GoType, type GoValue } from "./value";

/**
 * Argument conversion as Go's text/template does it (exec.go's validateType): a value reaches a
 * function only if it is assignable to the parameter's static type, with no numeric conversion
 * (a float64 from values passed to an `int` parameter is an error, as in Helm). An invalid value
 * becomes nil where the type can be nil. `null` models a nil interface{} (what a map yields for a
 * missing key), whose Go type in messages is `interface {}`.
 */
export class ArgumentError extends Error {}

export function canBeNil(type: GoType): boolean {
  return type === "interface {}" || type === "[]interface {}" || type === "[]string" || type === "map[string]interface {}" || type === "reflect.Value";
}

function assignable(value: Exclude<GoValue, undefined | null>, type: GoType): boolean {
  switch (type) {
    case "interface {}":
    case "reflect.Value":
      return true;
    case "string":
      return typeof value === "string";
    case "bool":
      return typeof value === "boolean";
    case "int":
      return typeof value === "bigint";
    case "int64":
      return value instanceof GoInt && value.type === "int64";
    case "float64":
      return typeof value === "number";
    case "[]interface {}":
      return Array.isArray(value) && goTypeName(value) === "[]interface {}";
    case "[]string":
      return Array.isArray(value) && (value as unknown as Record<symbol, string>)[GO_TYPE] === "[]string";
    case "map[string]interface {}":
      return isGoMap(value) && !isGoFunc(value);
  }
}

export function validateType(value: GoValue, type: GoType): GoValue {
  if (value === undefined) {
    if (type === "reflect.Value") return undefined;
    if (canBeNil(type)) return null;
    throw new ArgumentError(`invalid value; expected ${type}`);
  }
  if (value === null) {
    if (type === "interface {}" || type === "reflect.Value") return null;
    throw new ArgumentError(`wrong type for value; expected ${type}; got interface {}`);
  }
  if (!assignable(value, type)) throw new ArgumentError(`wrong type for value; expected ${type}; got ${goTypeName(value)}`);
  return value;
}

/** Go's reflect Kind, for the builtins that switch on it. */
export type Kind = "invalid" | "interface" | "bool" | "int" | "uint" | "float" | "string" | "slice" | "map" | "struct" | "func";

export function kindOf(v: GoValue): Kind {
  if (v === undefined) return "invalid";
  if (v === null) return "interface";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return "float";
    case "bigint":
      return "int";
  }
  if (v instanceof GoInt) return v.type.startsWith("u") ? "uint" : "int";
  if (v instanceof GoStruct) return v.kind === "map" ? "map" : v.kind === "slice" ? "slice" : "struct";
  if (Array.isArray(v)) return "slice";
  if (isGoFunc(v)) return "func";
  return "map";
}

/** Go's `indirectInterface`: a nil interface is no value at all. */
export function indirectInterface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

/** Go's `len` for the kinds that have one; strings count UTF-8 bytes. */
export function lengthOf(v: GoValue): number {
  if (typeof v === "string") return byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof GoStruct) return Object.keys(v.fields).length;
  if (isGoMap(v)) return Object.keys(v).length;
  return 0;
}

export function byteLength(s: string): number {
  // ASCII is the common case: avoid encoding it.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, "utf8");
  return s.length;
}

/** Go's `isTrue`: the truth of `if`, `with`, `and`, `or`, `not`. */
export function isTrue(v: GoValue): { truth: boolean; ok: boolean } {
  if (v === undefined) return { truth: false, ok: true };
  if (v === null) return { truth: false, ok: true };
  switch (typeof v) {
    case "boolean":
      return { truth: v, ok: true };
    case "string":
      return { truth: v.length > 0, ok: true };
    case "number":
      return { truth: v !== 0, ok: true };
    case "bigint":
      return { truth: v !== 0n, ok: true };
  }
  if (v instanceof GoInt) return { truth: v.value !== 0n, ok: true };
  if (v instanceof GoStruct) return { truth: v.kind === "struct" || v.kind === "ptr" ? true : lengthOf(v) > 0, ok: true };
  if (Array.isArray(v)) return { truth: v.length > 0, ok: true };
  if (isGoFunc(v)) return { truth: true, ok: true };
  return { truth: Object.keys(v).length > 0, ok: true };
}
