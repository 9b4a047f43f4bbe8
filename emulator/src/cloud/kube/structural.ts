import type { Json } from "../store.js";

/**
 * A structural schema, the subset of OpenAPI v3 a CRD's `openAPIV3Schema` uses, written compactly.
 * `preserve` is `x-kubernetes-preserve-unknown-fields` (Helm values); `map` an object whose keys
 * are free (`additionalProperties`).
 */
export type Schema =
  | { type: "string"; enum?: string[]; pattern?: string; maxLength?: number; default?: string }
  | { type: "integer" | "boolean" }
  | { type: "array"; items: Schema }
  | { type: "object"; properties?: Record<string, Schema>; required?: string[]; map?: Schema; preserve?: boolean };

export interface Cause {
  field: string;
  message: string;
  type?: string;
}

/** JSON Schema's names for a value's type, the words the API server's messages use. */
function typeName(value: unknown) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * Validates `value` against `schema` as kube-apiserver does for a custom resource, and returns it
 * pruned (unknown fields dropped, nulls of non-nullable fields dropped) with defaults filled in.
 * Problems are pushed to `causes` with their field path.
 */
export function checkStructural(schema: Schema, value: unknown, path: string, causes: Cause[]): unknown {
  const actual = typeName(value);
  const expected = schema.type === "integer" ? "integer" : schema.type;
  if (actual !== expected) {
    causes.push({ field: path, message: `Invalid value: "${actual}": ${path} in body must be of type ${expected}: "${actual}"`, type: "FieldValueTypeInvalid" });
    return value;
  }
  switch (schema.type) {
    case "string": {
      const s = value as string;
      if (schema.enum && !schema.enum.includes(s)) causes.push({ field: path, message: `Unsupported value: "${s}": supported values: ${schema.enum.map((e) => `"${e}"`).join(", ")}`, type: "FieldValueNotSupported" });
      if (schema.pattern && !new RegExp(schema.pattern).test(s)) causes.push({ field: path, message: `Invalid value: "${s}": ${path} in body should match '${schema.pattern}'` });
      if (schema.maxLength !== undefined && s.length > schema.maxLength) causes.push({ field: path, message: `Too long: may not be more than ${schema.maxLength} bytes`, type: "FieldValueTooLong" });
      return s;
    }
    case "array":
      return (value as unknown[]).map((item, i) => checkStructural(schema.items, item, `${path}[${i}]`, causes));
    case "object": {
      if (schema.preserve) return value;
      const obj = value as Json;
      const out: Json = {};
      for (const [k, v] of Object.entries(obj)) {
        const sub = schema.properties?.[k] ?? schema.map;
        // Unknown fields are pruned, and so are nulls: none of these fields is nullable.
        if (!sub || v === null) continue;
        out[k] = checkStructural(sub, v, `${path}.${k}`, causes);
      }
      for (const [k, sub] of Object.entries(schema.properties ?? {})) {
        if (out[k] === undefined && sub.type === "string" && sub.default !== undefined) out[k] = sub.default;
      }
      for (const k of schema.required ?? []) if (out[k] === undefined) causes.push({ field: `${path}.${k}`, message: "Required value", type: "FieldValueRequired" });
      return out;
    }
    default:
      return value;
  }
}

/** The shorthand the CRD schemas are written in. */
export const s = {
  str: (extra: { enum?: string[]; pattern?: string; maxLength?: number; default?: string } = {}): Schema => ({ type: "string", ...extra }),
  int: { type: "integer" } as Schema,
  bool: { type: "boolean" } as Schema,
  arr: (items: Schema): Schema => ({ type: "array", items }),
  obj: (properties: Record<string, Schema>, required?: string[]): Schema => ({ type: "object", properties, ...(required ? { required } : {}) }),
  map: (of: Schema): Schema => ({ type: "object", map: of }),
  any: { type: "object", preserve: true } as Schema,
};
