import { GO_TYPE, GoInt, GoStruct, isGoFunc, type GoValue } from "@/lib/helm/engine/value";
import { compareGoStrings, formatFloatG } from "./go-strconv";

/**
 * Go's encoding/json Marshal for template values, in two steps: a normalized tree (what Marshal
 * would write, with numbers kept as the text it writes) and the text itself. sigs.k8s.io/yaml's
 * Marshal starts from the same tree, so toJson and toYaml fail on the same values (NaN, funcs).
 */
export type JsonTree = null | boolean | string | JsonNumber | JsonTree[] | JsonObject;
export class JsonNumber {
  constructor(readonly text: string) {}
}
export class JsonObject {
  /** Keys in Go's output order: sorted by bytes, as Marshal sorts map keys. */
  constructor(readonly entries: [string, JsonTree][]) {}
}

/** A struct's JSON as encoding/json writes it: fields in declaration order, not sorted. */
export class StructJson {
  constructor(readonly entries: [string, GoValue][]) {}
}

/**
 * How a Go struct reached from a template marshals (its json tags, omitempty, embedded fields):
 * the value whose plain marshaling gives the same JSON. Structs without a view marshal their fields.
 */
const jsonViews = new WeakMap<GoStruct, () => GoValue | StructJson>();

export function setJsonView<T extends GoStruct>(struct: T, view: () => GoValue | StructJson): T {
  jsonViews.set(struct, view);
  return struct;
}

export function jsonView(struct: GoStruct): GoValue | StructJson {
  const view = jsonViews.get(struct);
  if (view) return view();
  if (struct.kind === "map") return Object.fromEntries(Object.entries(struct.fields));
  return new StructJson(Object.entries(struct.fields));
}

/** The float64 text encoding/json writes: JavaScript's thresholds for exponents are Go's. */
export function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`json: unsupported value: ${formatFloatG(x)}`);
  if (Object.is(x, -0)) return "-0";
  return String(x);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone surrogates are JavaScript's invalid UTF-8; Go decodes those as U+FFFD. */
export function wellFormed(s: string): string {
  return (s as string & { isWellFormed(): boolean }).isWellFormed() ? s : s.replace(LONE_SURROGATE, "\uFFFD");
}

function base64Bytes(items: GoValue[]): string {
  const bytes = items.map((b) => Number(b instanceof GoInt ? b.value : typeof b === "bigint" ? b : (b as number)));
  return Buffer.from(bytes).toString("base64");
}

export function toJsonTree(v: GoValue, seen: Set<object> = new Set()): JsonTree {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case "boolean":
      return v;
    case "string":
      return v;
    case "number":
      return new JsonNumber(jsonFloat(v));
    case "bigint":
      return new JsonNumber(v.toString());
  }
  if (v instanceof GoInt) return new JsonNumber(v.value.toString());
  if (isGoFunc(v)) throw new Error("json: unsupported type: func");
  if (seen.has(v)) throw new Error("json: unsupported value: encountered a cycle");
  seen.add(v);
  try {
    if (v instanceof GoStruct) {
      const view = jsonView(v);
      if (!(view instanceof StructJson)) return toJsonTree(view, seen);
      return new JsonObject(view.entries.map(([k, x]) => [k, toJsonTree(x, seen)]));
    }
    if (Array.isArray(v)) {
      const type = (v as unknown as { [GO_TYPE]?: string })[GO_TYPE];
      if (type === "[]uint8" || type === "[]byte") return base64Bytes(v);
      return v.map((item) => toJsonTree(item, seen));
    }
    const keys = Object.keys(v).sort(compareGoStrings);
    return new JsonObject(keys.map((k) => [k, toJsonTree(v[k], seen)]));
  } finally {
    seen.delete(v);
  }
}

const HEX = "0123456789abcdef";

/** encodeState.string: Go's escapes, \b and \f short as since Go 1.22, U+2028/2029 always. */
export function quoteJsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
        out += ch;
        continue;
      }
      switch (c) {
        case 0x22:
          out += '\\"';
          break;
        case 0x5c:
          out += "\\\\";
          break;
        case 0x08:
          out += "\\b";
          break;
        case 0x0c:
          out += "\\f";
          break;
        case 0x0a:
          out += "\\n";
          break;
        case 0x0d:
          out += "\\r";
          break;
        case 0x09:
          out += "\\t";
          break;
        default:
          out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      out += `\\u202${HEX[c & 0xf]}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += "\\ufffd";
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

export function stringifyJson(tree: JsonTree, escapeHTML = true): string {
  if (tree === null) return "null";
  if (typeof tree === "boolean") return tree ? "true" : "false";
  if (typeof tree === "string") return quoteJsonString(tree, escapeHTML);
  if (tree instanceof JsonNumber) return tree.text;
  if (Array.isArray(tree)) return `[${tree.map((t) => stringifyJson(t, escapeHTML)).join(",")}]`;
  const parts = tree.entries.map(([k, t]) => `${quoteJsonString(k, escapeHTML)}:${stringifyJson(t, escapeHTML)}`);
  return `{${parts.join(",")}}`;
}

/** json.Marshal(v): throws with Go's message where Marshal returns an error. */
export function marshalJson(v: GoValue): string {
  return stringifyJson(toJsonTree(v));
}
