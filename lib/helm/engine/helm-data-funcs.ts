import { marshalJson } from "@/lib/helm/chart/encoding/go-json";
import { unmarshalJson } from "@/lib/helm/chart/encoding/go-json-decode";
import { parseYamlMap, sigsMarshal, sigsUnmarshal, type Shape } from "@/lib/helm/chart/encoding/sigs-yaml";
import { parseToml } from "@/lib/helm/chart/encoding/toml-decode";
import { marshalToml } from "@/lib/helm/chart/encoding/toml-encode";
import { marshalYamlV3 } from "@/lib/helm/chart/encoding/yaml-encode-v3";
import type { GoFunc, GoMap, GoType, GoValue } from "./value";

/**
 * The data functions Helm 3.19 adds to Sprig (pkg/engine/funcs.go): toYaml/fromYaml via
 * sigs.k8s.io/yaml, toYamlPretty via yaml.v3, toJson/fromJson via encoding/json, toToml/fromToml
 * via BurntSushi/toml. None of them fails a render: encoders give "" (toToml its error text) and
 * decoders put the error under "Error" (or as the only item of the list).
 */
const I: GoType = "interface {}";
const S: GoType = "string";
const MAP: GoType = "map[string]interface {}";
const LIST: GoType = "[]interface {}";

function fn(params: GoType[], result: GoType, call: (...args: GoValue[]) => GoValue): GoFunc {
  return { params, result, call };
}

/** toYAML: sigs.k8s.io/yaml.Marshal without the final newline; "" when marshaling fails. */
export function toYaml(v: GoValue): string {
  try {
    return sigsMarshal(v).replace(/\n$/, "");
  } catch {
    return "";
  }
}

export function toYamlPretty(v: GoValue): string {
  try {
    return marshalYamlV3(v).replace(/\n$/, "");
  } catch {
    return "";
  }
}

export function fromYaml(text: string): GoMap {
  try {
    return parseYamlMap(text);
  } catch (e) {
    return { Error: (e as Error).message };
  }
}

const LIST_SHAPE: Shape = { kind: "slice", elem: { kind: "any" }, goType: LIST };

export function fromYamlArray(text: string): GoValue[] {
  try {
    return (sigsUnmarshal(text, LIST_SHAPE) as GoValue[] | null) ?? [];
  } catch (e) {
    return [(e as Error).message];
  }
}

export function toJson(v: GoValue): string {
  try {
    return marshalJson(v);
  } catch {
    return "";
  }
}

export function fromJson(text: string): GoMap {
  const { value, error } = unmarshalJson(text, "map");
  const m = (value ?? {}) as GoMap;
  if (error !== undefined) m.Error = error;
  return m;
}

export function fromJsonArray(text: string): GoValue[] {
  const { value, error } = unmarshalJson(text, "slice");
  if (error !== undefined) return [error];
  return (value ?? []) as GoValue[];
}

export function helmDataFunctions(): Record<string, GoFunc> {
  return {
    toToml: fn([I], S, (v) => marshalToml(v)),
    fromToml: fn([S], MAP, (s) => parseToml(s as string)),
    toYaml: fn([I], S, (v) => toYaml(v)),
    toYamlPretty: fn([I], S, (v) => toYamlPretty(v)),
    fromYaml: fn([S], MAP, (s) => fromYaml(s as string)),
    fromYamlArray: fn([S], LIST, (s) => fromYamlArray(s as string)),
    toJson: fn([I], S, (v) => toJson(v)),
    fromJson: fn([S], MAP, (s) => fromJson(s as string)),
    fromJsonArray: fn([S], LIST, (s) => fromJsonArray(s as string)),
  };
}
