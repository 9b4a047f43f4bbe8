import type { GoValue } from "@/lib/helm/engine/value";
import type { JsonLike } from "./sigs-yaml";

/**
 * encoding/json's Unmarshal into a Go type, for the few targets Helm decodes YAML into
 * (interface{}, map[string]interface{}, chart.Metadata, releaseutil.SimpleHead). Struct fields
 * match JSON keys exactly or else case-insensitively, as encoding/json matches them.
 */
export type Shape =
  | { kind: "any" }
  | { kind: "string" }
  | { kind: "bool" }
  | { kind: "map"; elem: Shape; goType: string }
  | { kind: "slice"; elem: Shape; goType: string }
  | { kind: "struct"; name: string; goType: string; fields: Record<string, Shape> };

class TypeError_ extends Error {}

function jsonKind(v: JsonLike): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || typeof v === "bigint") return "number";
  return Array.isArray(v) ? "array" : "object";
}

function goType(shape: Shape): string {
  switch (shape.kind) {
    case "any":
      return "interface {}";
    case "string":
    case "bool":
      return shape.kind;
    default:
      return shape.goType;
  }
}

interface Context {
  struct: string | null;
  fields: string[];
}

function typeError(v: JsonLike, shape: Shape, ctx: Context): TypeError_ {
  const type = goType(shape);
  if (ctx.struct !== null) {
    const where = `${ctx.struct}.${ctx.fields.join(".")}`;
    return new TypeError_(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${where} of type ${type}`);
  }
  return new TypeError_(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${type}`);
}

/** float64 as encoding/json reads the number Marshal wrote. */
function toFloat(v: number | bigint): number {
  return typeof v === "bigint" ? Number(v) : v;
}

function plain(v: JsonLike): GoValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return toFloat(v);
  if (Array.isArray(v)) return v.map(plain);
  const out: Record<string, GoValue> = {};
  for (const k of Object.keys(v).sort()) define(out, k, plain(v[k]!));
  return out;
}

/** An own enumerable property, `__proto__` included (assignment would set the prototype). */
function define(obj: Record<string, GoValue>, key: string, value: GoValue): void {
  if (key !== "__proto__") obj[key] = value;
  else Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function decode(v: JsonLike, shape: Shape, ctx: Context, errors: TypeError_[]): GoValue {
  if (shape.kind === "any") return plain(v);
  if (v === null) return null;
  switch (shape.kind) {
    case "string":
      if (typeof v === "string") return v;
      break;
    case "bool":
      if (typeof v === "boolean") return v;
      break;
    case "slice":
      if (Array.isArray(v)) return v.map((item) => decode(item, shape.elem, ctx, errors));
      break;
    case "map":
      if (typeof v === "object" && !Array.isArray(v)) {
        const out: Record<string, GoValue> = {};
        for (const k of Object.keys(v).sort()) define(out, k, decode(v[k]!, shape.elem, ctx, errors));
        return out;
      }
      break;
    case "struct":
      if (typeof v === "object" && !Array.isArray(v)) return decodeStruct(v, shape, ctx, errors);
      break;
  }
  errors.push(typeError(v, shape, ctx));
  return null;
}

function decodeStruct(
  v: { [key: string]: JsonLike },
  shape: Extract<Shape, { kind: "struct" }>,
  ctx: Context,
  errors: TypeError_[],
): GoValue {
  const out: Record<string, GoValue> = {};
  const names = Object.keys(shape.fields);
  // Marshal wrote the keys sorted, and a later key wins when two fold to the same field.
  for (const key of Object.keys(v).sort()) {
    const field = names.includes(key) ? key : names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (!field) continue;
    const inner: Context = { struct: shape.name, fields: [...ctx.fields, field] };
    const value = decode(v[key]!, shape.fields[field]!, inner, errors);
    if (v[key] !== null) define(out, field, value);
  }
  return out;
}

/** The decoded value, or the first type error Unmarshal reports (it decodes on past type errors). */
export function decodeYamlShaped(v: JsonLike, shape: Shape): GoValue {
  const errors: TypeError_[] = [];
  const out = decode(v, shape, { struct: null, fields: [] }, errors);
  if (errors.length > 0) throw errors[0]!;
  return out;
}
