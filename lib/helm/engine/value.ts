/**
 * Go values as the chart renderer holds them. Go's text/template and Sprig work on Go's reflect
 * values; this is the smallest model that keeps the distinctions they make:
 *
 * | Go                                   | here                                     |
 * |--------------------------------------|------------------------------------------|
 * | invalid reflect.Value ("<no value>") | `undefined`                              |
 * | nil (interface{}, map, slice)        | `null`                                   |
 * | bool                                 | `boolean`                                |
 * | string                               | `string`                                 |
 * | float64 (every number in values)     | `number`                                 |
 * | int (template literals, len, int)    | `bigint`                                 |
 * | int64, int32, uint8, … (Sprig)       | `GoInt` (a bigint with its Go type name) |
 * | []interface{}, []string              | `Array` (`[]string` marked by GO_TYPE)   |
 * | map[string]interface{}               | plain object (own enumerable keys)       |
 * | a struct or named type with methods  | `GoStruct`                               |
 *
 * Values parsed from YAML or JSON are float64 numbers, as in Helm (sigs.k8s.io/yaml decodes
 * through encoding/json), so `{{ .Values.replicas }}` of 1e7 prints `1e+07` as Helm does.
 */
export type GoValue = undefined | null | boolean | string | number | bigint | GoInt | GoValue[] | GoMap | GoStruct | GoFunc;

export interface GoMap {
  [key: string]: GoValue;
}

/** A sized or unsigned Go integer: Sprig's `int64`, `add` and friends return int64. */
export class GoInt {
  constructor(
    readonly value: bigint,
    readonly type: "int64" | "int32" | "int16" | "int8" | "uint" | "uint64" | "uint32" | "uint16" | "uint8",
  ) {}
}

/** Marks an array whose Go type is not `[]interface {}` (Sprig's `splitList` gives `[]string`). */
export const GO_TYPE = Symbol("goType");

export function typedSlice<T extends GoValue>(items: T[], type: string): T[] {
  Object.defineProperty(items, GO_TYPE, { value: type, enumerable: false });
  return items;
}

/**
 * A Go struct (or named type) reached from a template: fields by name, methods by name. Helm gives
 * templates a few: `.Chart` (`chart.Metadata`), `.Capabilities`, `.Files`, `.Capabilities.KubeVersion`.
 */
export class GoStruct {
  constructor(
    /** As Go's `%T` prints it, e.g. `*chart.Metadata`, `chartutil.Capabilities`. */
    readonly typeName: string,
    readonly fields: Record<string, GoValue>,
    readonly methods: Record<string, GoFunc> = {},
    /** The Go kind: "struct", "ptr", "map" (a named map type such as `engine.files`), "slice". */
    readonly kind: string = "struct",
    /** What `fmt` prints for `%v`, when the struct has a String method or prints otherwise. */
    readonly stringer?: () => string,
  ) {}
}

/** Go static types a function's parameters and results are declared with. */
export type GoType =
  | "interface {}"
  | "string"
  | "bool"
  | "int"
  | "int64"
  | "float64"
  | "[]interface {}"
  | "[]string"
  | "map[string]interface {}"
  /** text/template's builtins that take reflect.Value: they see values exactly as they are. */
  | "reflect.Value";

/**
 * A function callable from a template, with its Go signature: the executor checks and converts the
 * arguments as Go's text/template does (`wrong type for value; expected string; got float64`) and
 * turns a thrown `Error` into the template error. `variadic` is the element type of a final `...T`.
 */
export interface GoFunc {
  readonly params: readonly GoType[];
  readonly variadic?: GoType;
  readonly result: GoType;
  /** The Go function also returns an error: a thrown Error becomes "error calling NAME: …". */
  readonly returnsError?: boolean;
  readonly call: (...args: GoValue[]) => GoValue;
}

export function isGoMap(v: unknown): v is GoMap {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoStruct);
}

export function isGoFunc(v: unknown): v is GoFunc {
  return typeof v === "object" && v !== null && "call" in v && "params" in v && typeof (v as GoFunc).call === "function";
}

/** Go's `%T`: the dynamic type's name. */
export function goTypeName(v: GoValue): string {
  if (v === undefined || v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return "float64";
    case "bigint":
      return "int";
  }
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoStruct) return v.typeName;
  if (Array.isArray(v)) return (v as unknown as { [GO_TYPE]?: string })[GO_TYPE] ?? "[]interface {}";
  if (isGoFunc(v)) return "func";
  return "map[string]interface {}";
}

/** Go's reflect Kind name, as Sprig's `kindOf`/`kindIs` give it. */
export function goKindName(v: GoValue): string {
  if (v === undefined || v === null) return "invalid";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return "float64";
    case "bigint":
      return "int";
  }
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoStruct) return v.kind;
  if (Array.isArray(v)) return "slice";
  if (isGoFunc(v)) return "func";
  return "map";
}

/** An integer of any Go integer type as a bigint; undefined when `v` is not an integer. */
export function intValue(v: GoValue): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (v instanceof GoInt) return v.value;
  return undefined;
}
