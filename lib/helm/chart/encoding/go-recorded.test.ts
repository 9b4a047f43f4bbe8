import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { GoValue } from "@/lib/helm/engine/value";
import { marshalJson } from "./go-json";
import { unmarshalJson } from "./go-json-decode";
import { parseYamlMap, sigsMarshal, sigsUnmarshal } from "./sigs-yaml";
import { marshalToml } from "./toml-encode";
import { marshalYamlV3 } from "./yaml-encode-v3";

/**
 * Cases whose expected text was produced by the Go libraries Helm 3.19.2 links: gopkg.in/yaml.v2
 * 2.4 behind a copy of sigs.k8s.io/yaml v1.6.0's Marshal/Unmarshal, gopkg.in/yaml.v3, Go's
 * encoding/json and BurntSushi/toml v1.5.0, each fed the same JSON-decoded input.
 */
type Fixtures = Record<string, [unknown, unknown][]>;
const fixtures = JSON.parse(readFileSync(new URL("./testdata/go-recorded.json", import.meta.url), "utf8")) as Fixtures;

/**
 * The values compared, not the text. Go leaves a nil map or slice for "null" input, which the
 * value model holds as an empty one (both print as map[] and []).
 */
function normalize(json: string, empty: unknown = null): unknown {
  const v = JSON.parse(json) as unknown;
  return v === null ? empty : v;
}

describe("sigs.k8s.io/yaml Marshal (toYaml)", () => {
  it.each(fixtures.toYaml!.map(([v, want], i) => [i, v, want]))("case %i", (_i, v, want) => {
    let got: string;
    try {
      got = sigsMarshal(v as GoValue).replace(/\n$/, "");
    } catch (e) {
      got = `ERR: ${(e as Error).message}`;
    }
    expect(got).toBe(want);
  });
});

describe("encoding/json Marshal (toJson)", () => {
  it.each(fixtures.toJson!.map(([v, want], i) => [i, v, want]))("case %i", (_i, v, want) => {
    expect(marshalJson(v as GoValue)).toBe(want);
  });
});

describe("yaml.v3 Encoder with indent 2 (toYamlPretty)", () => {
  it.each(fixtures.toYamlPretty!.map(([v, want], i) => [i, v, want]))("case %i", (_i, v, want) => {
    expect(marshalYamlV3(v as GoValue).replace(/\n$/, "")).toBe(want);
  });
});

describe("sigs.k8s.io/yaml Unmarshal (fromYaml, fromYamlArray)", () => {
  it.each(fixtures.fromYaml!.map(([text, want], i) => [i, text, want]))("map case %i", (_i, text, want) => {
    let got: GoValue;
    try {
      got = parseYamlMap(text as string);
    } catch (e) {
      got = { Error: (e as Error).message };
    }
    expect(normalize(marshalJson(got))).toEqual(normalize(want as string));
  });
  it.each(fixtures.fromYamlArray!.map(([text, want], i) => [i, text, want]))("list case %i", (_i, text, want) => {
    let got: GoValue;
    try {
      got = sigsUnmarshal(text as string, { kind: "slice", elem: { kind: "any" }, goType: "[]interface {}" }) ?? [];
    } catch (e) {
      got = [(e as Error).message];
    }
    expect(normalize(marshalJson(got))).toEqual(normalize(want as string));
  });
});

describe("encoding/json Unmarshal (fromJson, fromJsonArray)", () => {
  it.each(fixtures.fromJson!.map(([text, want], i) => [i, text, want]))("map case %i", (_i, text, want) => {
    const { value, error } = unmarshalJson(text as string, "map");
    const m = (value ?? {}) as Record<string, GoValue>;
    if (error !== undefined) m.Error = error;
    expect(normalize(marshalJson(m))).toEqual(normalize(want as string, {}));
  });
  it.each(fixtures.fromJsonArray!.map(([text, want], i) => [i, text, want]))("list case %i", (_i, text, want) => {
    const { value, error } = unmarshalJson(text as string, "slice");
    const got = error !== undefined ? [error] : ((value ?? []) as GoValue[]);
    expect(normalize(marshalJson(got))).toEqual(normalize(want as string, []));
  });
});

describe("BurntSushi/toml Encoder (toToml)", () => {
  it.each(fixtures.toToml!.map(([v, want], i) => [i, v, want]))("case %i", (_i, v, want) => {
    expect(marshalToml(v as GoValue)).toBe(want);
  });
});
