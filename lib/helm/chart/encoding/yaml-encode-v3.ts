import { GoInt, GoStruct, isGoFunc, type GoValue } from "@/lib/helm/engine/value";
import { Emitter, type YamlNode } from "./yaml-emitter";
import { floatText, keyLess, scalar, stringNode } from "./yaml-encode";

/**
 * yaml.v3's Encoder with SetIndent(2), as Helm's toYamlPretty runs it on a template value directly
 * (no JSON step: 1e6 stays the float 1e+06, structs use lower-cased field names, []byte is a list).
 * The strings yaml.v3 quotes are the ones yaml.v2 does (it adds YAML 1.1's yes/no/on/off back).
 */
export function marshalYamlV3(v: GoValue): string {
  return new Emitter(true).document(toNode(v));
}

function structEntries(s: GoStruct): [string, GoValue][] {
  return Object.entries(s.fields).map(([k, v]) => [k.toLowerCase(), v]);
}

function mapNode(entries: [string, GoValue][]): YamlNode {
  const sorted = [...entries].sort(([a], [b]) => (keyLess(a, b, true) ? -1 : keyLess(b, a, true) ? 1 : 0));
  return { kind: "map", pairs: sorted.map(([k, v]) => [stringNode(k), toNode(v)]) };
}

function toNode(v: GoValue): YamlNode {
  if (v === undefined || v === null) return scalar("null");
  switch (typeof v) {
    case "boolean":
      return scalar(v ? "true" : "false");
    case "string":
      return stringNode(v);
    case "bigint":
      return scalar(v.toString());
    case "number":
      return scalar(floatText(v));
  }
  if (v instanceof GoInt) return scalar(v.value.toString());
  if (isGoFunc(v)) throw new Error("cannot marshal type: func");
  if (v instanceof GoStruct) {
    if (v.kind === "map") return mapNode(Object.entries(v.fields));
    if (v.kind === "slice") return { kind: "seq", items: Object.values(v.fields).map(toNode) };
    // Struct fields keep their declaration order.
    return { kind: "map", pairs: structEntries(v).map(([k, x]) => [stringNode(k), toNode(x)]) };
  }
  if (Array.isArray(v)) return { kind: "seq", items: v.map(toNode) };
  return mapNode(Object.entries(v));
}
