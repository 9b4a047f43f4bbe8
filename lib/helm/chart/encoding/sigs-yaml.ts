import { GO_TYPE, GoInt, GoStruct, isGoFunc, type GoMap, type GoValue } from "@/lib/helm/engine/value";
import { compareGoStrings, formatFloatG } from "./go-strconv";
import { jsonFloat, JsonNumber, JsonObject, toJsonTree, wellFormed, type JsonTree } from "./go-json";
import { decodeYamlShaped, type Shape } from "./json-shape";
import { decodeYamlV2, goSyntax } from "./yaml-decode";
import type { YamlNode } from "./yaml-emitter";
import { keyOrder, marshalYamlNode, marshalYamlV2, stringNode, toNode } from "./yaml-encode";
import { resolve } from "./yaml-resolve";
import { YamlMap, type YamlValue } from "./yaml-value";

/**
 * sigs.k8s.io/yaml v1.6.0, which Helm uses for values, Chart.yaml, manifests and toYaml/fromYaml:
 * Marshal is encoding/json then yaml.v2 (read the JSON back, write it as YAML); Unmarshal is
 * yaml.v2, then JSON (non-string keys become strings), then encoding/json into the target.
 */
export type { Shape } from "./json-shape";

/** sigs.k8s.io/yaml.Marshal: the YAML text with its final newline, or a thrown Go error. */
export function sigsMarshal(v: GoValue): string {
  const quick = directNode(v);
  if (quick !== undefined) return marshalYamlNode(quick);
  let tree: JsonTree;
  try {
    tree = toJsonTree(v);
  } catch (e) {
    throw new Error(`error marshaling into JSON: ${(e as Error).message}`);
  }
  return marshalYamlV2(jsonToYamlValue(tree));
}

/** Deeper than this, the value may be cyclic: the step-by-step path finds out as Go does. */
const DIRECT_DEPTH = 1000;

/**
 * The YAML node Marshal ends with, built in one walk for maps, lists and scalars: each scalar
 * passes through the same JSON text and rereading as in the step-by-step path, and keys are sorted
 * the same two ways. Undefined for anything else (structs, byte slices, funcs, keys that reread
 * differently, very deep values) and on any error, so that the step-by-step path gives Go's error.
 */
function directNode(v: GoValue): YamlNode | undefined {
  try {
    return direct(v, 0);
  } catch {
    return undefined;
  }
}

const DECLINE = new Error("not direct");

function direct(v: GoValue, depth: number): YamlNode {
  if (v === undefined || v === null) return toNode(null);
  switch (typeof v) {
    case "boolean":
      return toNode(v);
    case "string":
      return stringNode(reread(v));
    case "number":
      return toNode(jsonToYamlValue(new JsonNumber(jsonFloat(v))));
    case "bigint":
      return toNode(jsonToYamlValue(new JsonNumber(v.toString())));
  }
  if (v instanceof GoInt) return toNode(jsonToYamlValue(new JsonNumber(v.value.toString())));
  if (depth > DIRECT_DEPTH || v instanceof GoStruct || isGoFunc(v)) throw DECLINE;
  if (Array.isArray(v)) {
    const type = (v as unknown as { [GO_TYPE]?: string })[GO_TYPE];
    if (type === "[]uint8" || type === "[]byte") throw DECLINE;
    return { kind: "seq", items: v.map((item) => direct(item, depth + 1)) };
  }
  const keys = Object.keys(v).sort(compareGoStrings);
  for (const k of keys) if (reread(k) !== k) throw DECLINE;
  keys.sort(keyOrder);
  return { kind: "map", pairs: keys.map((k) => [stringNode(k), direct(v[k], depth + 1)]) };
}

const NOT_ALLOWED = /[\x7f-\x84\x86-\x9f\ufffe\uffff]/;

/**
 * A JSON string as yaml.v2 reads it back: encoding/json leaves DEL, C1 controls and NEL unescaped;
 * yaml.v2's reader refuses the controls and folds NEL as a line break in a double-quoted scalar.
 */
function reread(s: string): string {
  if (NOT_ALLOWED.test(s)) throw new Error("yaml: control characters are not allowed");
  const text = wellFormed(s);
  if (!text.includes("\u0085")) return text;
  return text.replace(/[ \t]*((?:\u0085[ \t]*)+)/g, (_, breaks: string) => {
    const n = breaks.split("\u0085").length - 1;
    return n === 1 ? " " : "\n".repeat(n - 1);
  });
}

/** What yaml.v2 reads back from the JSON text Marshal wrote. */
function jsonToYamlValue(tree: JsonTree): YamlValue {
  if (tree === null || typeof tree === "boolean") return tree;
  if (typeof tree === "string") return reread(tree);
  if (tree instanceof JsonNumber) {
    const r = resolve("", tree.text);
    return typeof r.value === "bigint" || typeof r.value === "number" ? r.value : tree.text;
  }
  if (Array.isArray(tree)) return tree.map(jsonToYamlValue);
  const map = new YamlMap();
  const entries = (tree as JsonObject).entries;
  // The object's keys are distinct; only a key changed by rereading could meet another one.
  const distinct = entries.every(([k]) => reread(k) === k);
  for (const [k, v] of entries) {
    if (distinct) map.entries.push([k, jsonToYamlValue(v)]);
    else map.set(reread(k), jsonToYamlValue(v));
  }
  return map;
}

/** sigs.k8s.io/yaml.Unmarshal into a target of the given shape (`{kind: "any"}` for interface{}). */
export function sigsUnmarshal(text: string, shape: Shape): GoValue {
  let yaml: YamlValue;
  try {
    yaml = decodeYamlV2(text);
  } catch (e) {
    throw new Error(`error converting YAML to JSON: ${(e as Error).message}`);
  }
  let json: JsonLike;
  try {
    json = jsonable(yaml, shape);
  } catch (e) {
    throw new Error(`error converting YAML to JSON: ${(e as Error).message}`);
  }
  try {
    return decodeYamlShaped(json, shape);
  } catch (e) {
    throw new Error(`error unmarshaling JSON: while decoding JSON: ${(e as Error).message}`);
  }
}

/**
 * The JSON-able trees made from decoded documents, by document and target shape. Decoded documents
 * are shared by text (see decodeYamlV2), and templates decode the same text again and again
 * (fromYaml of the same toYaml); the tree is only read by decodeYamlShaped, which builds new values.
 */
const jsonables = new WeakMap<object, Map<Shape, JsonLike>>();

function jsonable(yaml: YamlValue, shape: Shape): JsonLike {
  const byShape = yaml !== null && typeof yaml === "object" ? jsonables.get(yaml) : undefined;
  const hit = byShape?.get(shape);
  if (hit !== undefined) return hit;
  const json = toJsonable(yaml, shape);
  assertMarshalable(json);
  if (yaml !== null && typeof yaml === "object") {
    if (byShape) byShape.set(shape, json);
    else jsonables.set(yaml, new Map([[shape, json]]));
  }
  return json;
}

/** The JSON-able tree of yamlToJSON: string keys, numbers still float64 or exact integers. */
export type JsonLike = null | boolean | string | number | bigint | JsonLike[] | { [key: string]: JsonLike };

function keyString(k: YamlValue, v: YamlValue): string {
  if (typeof k === "string") return k;
  if (typeof k === "bigint") return k.toString();
  if (typeof k === "boolean") return k ? "true" : "false";
  if (typeof k === "number") {
    const s = formatFloatG(k, 32);
    return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
  }
  throw new Error(`unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goSyntax(v)}`);
}

function fieldShape(shape: Shape | undefined, key: string): Shape | undefined {
  if (!shape) return undefined;
  if (shape.kind === "map") return shape.elem;
  if (shape.kind !== "struct") return undefined;
  const exact = shape.fields[key];
  if (exact) return exact;
  const lower = key.toLowerCase();
  const match = Object.keys(shape.fields).find((f) => f.toLowerCase() === lower);
  return match ? shape.fields[match] : undefined;
}

/** convertToJSONableObject: keys to strings; numbers and bools bound for string fields to strings. */
function toJsonable(v: YamlValue, shape: Shape | undefined): JsonLike {
  if (v instanceof YamlMap) {
    const out: { [key: string]: JsonLike } = {};
    for (const [k, val] of v.entries) {
      const key = keyString(k, val);
      setKey(out, key, toJsonable(val, fieldShape(shape, key)));
    }
    return out;
  }
  if (Array.isArray(v)) return v.map((item) => toJsonable(item, shape?.kind === "slice" ? shape.elem : undefined));
  if (shape?.kind === "string" && v !== null && typeof v !== "string") {
    if (typeof v === "boolean") return v ? "true" : "false";
    return typeof v === "bigint" ? v.toString() : formatFloatG(v, 32);
  }
  return typeof v === "string" ? wellFormed(v) : v;
}

/** json.Marshal's check: the first non-finite number in its (sorted-key) order is the error. */
function assertMarshalable(v: JsonLike): void {
  if (allFinite(v)) return;
  reportNonFinite(v);
}

function allFinite(v: JsonLike): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (v === null || typeof v !== "object") return true;
  if (Array.isArray(v)) return v.every(allFinite);
  for (const k in v) if (!allFinite(v[k]!)) return false;
  return true;
}

function reportNonFinite(v: JsonLike): void {
  if (typeof v === "number" && !Number.isFinite(v)) throw new Error(`json: unsupported value: ${formatFloatG(v)}`);
  if (Array.isArray(v)) v.forEach(reportNonFinite);
  else if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v).sort(compareGoStrings)) reportNonFinite(v[k]!);
  }
}

/** Assigns a key without tripping over JavaScript's `__proto__` setter. */
export function setKey<T>(obj: { [key: string]: T }, key: string, value: T): void {
  if (key !== "__proto__") obj[key] = value;
  else Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** fromYaml's parse: a map, as Helm's fromYaml decodes into map[string]interface{}. */
const MAP_SHAPE: Shape = { kind: "map", elem: { kind: "any" }, goType: "map[string]interface {}" };

export function parseYamlMap(text: string): GoMap {
  const v = sigsUnmarshal(text, MAP_SHAPE);
  return (v ?? {}) as GoMap;
}
