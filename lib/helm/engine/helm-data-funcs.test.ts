import { describe, expect, it } from "vitest";
import { helmDataFunctions } from "./helm-data-funcs";
import { GoInt, GoStruct, goTypeName, type GoValue } from "./value";

const funcs = helmDataFunctions();
const call = (name: string, ...args: GoValue[]) => funcs[name]!.call(...args);

describe("helmDataFunctions", () => {
  it("declares Helm's functions with their Go signatures", () => {
    expect(Object.keys(funcs).sort()).toEqual([
      "fromJson",
      "fromJsonArray",
      "fromToml",
      "fromYaml",
      "fromYamlArray",
      "toJson",
      "toToml",
      "toYaml",
      "toYamlPretty",
    ]);
    expect(funcs.toYaml).toMatchObject({ params: ["interface {}"], result: "string" });
    expect(funcs.fromYaml).toMatchObject({ params: ["string"], result: "map[string]interface {}" });
    expect(funcs.fromJsonArray).toMatchObject({ params: ["string"], result: "[]interface {}" });
    for (const f of Object.values(funcs)) expect(f.returnsError).toBeFalsy();
  });

  it("toYaml writes sigs.k8s.io/yaml's text without the final newline", () => {
    const values: GoValue = { replicas: 1, image: { tag: "2.0" }, args: ["--a", "yes"], empty: {}, none: null };
    expect(call("toYaml", values)).toBe(
      'args:\n- --a\n- "yes"\nempty: {}\nimage:\n  tag: "2.0"\nnone: null\nreplicas: 1',
    );
    expect(call("toYaml", 1e6)).toBe("1000000");
    expect(call("toYaml", 1.5e-7)).toBe("1.5e-07");
    expect(call("toYaml", undefined)).toBe("null");
    expect(call("toYaml", new GoInt(5n, "int64"))).toBe("5");
  });

  it("toYaml and toJson swallow marshaling errors", () => {
    expect(call("toYaml", { a: NaN })).toBe("");
    expect(call("toJson", { a: Infinity })).toBe("");
    expect(call("toJson", { f: funcs.toYaml! })).toBe("");
  });

  it("toYamlPretty indents lists and keeps float64 formatting", () => {
    expect(call("toYamlPretty", { a: [1, 2], n: 1e6 })).toBe('a:\n  - 1\n  - 2\n"n": 1e+06');
  });

  it("toJson is encoding/json: sorted keys, HTML escaped, Go's floats", () => {
    expect(call("toJson", { b: "<a&b>", a: [1, 1.5, 1e21, 1e-7], c: null })).toBe(
      '{"a":[1,1.5,1e+21,1e-7],"b":"\\u003ca\\u0026b\\u003e","c":null}',
    );
    expect(call("toJson", "line\u2028sep\b")).toBe('"line\\u2028sep\\b"');
  });

  it("marshals structs through their JSON form", () => {
    const s = new GoStruct("x.T", { Name: "n", Count: 2n });
    expect(call("toJson", s)).toBe('{"Name":"n","Count":2}');
  });

  it("fromYaml decodes YAML 1.1 into float64 numbers and reports errors under Error", () => {
    expect(call("fromYaml", "a: 1\nb: yes\nc: [x, 0x10]\n")).toEqual({ a: 1, b: true, c: ["x", 16] });
    const decoding = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";
    expect(call("fromYaml", "- a")).toEqual({
      Error: `${decoding} array into Go value of type map[string]interface {}`,
    });
    expect(call("fromYaml", "a: b: c")).toEqual({
      Error: "error converting YAML to JSON: yaml: mapping values are not allowed in this context",
    });
  });

  it("fromYamlArray gives the list or the error as its only item", () => {
    expect(call("fromYamlArray", "- 1\n- two")).toEqual([1, "two"]);
    const decoding = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";
    expect(call("fromYamlArray", "a: 1")).toEqual([`${decoding} object into Go value of type []interface {}`]);
  });

  it("fromJson and fromJsonArray report Go's errors", () => {
    expect(call("fromJson", '{"a": [1, {"b": null}]}')).toEqual({ a: [1, { b: null }] });
    expect(call("fromJson", "{")).toEqual({ Error: "unexpected end of JSON input" });
    expect(call("fromJson", "[]")).toEqual({
      Error: "json: cannot unmarshal array into Go value of type map[string]interface {}",
    });
    expect(call("fromJsonArray", "[1, 2")).toEqual(["unexpected end of JSON input"]);
    expect(call("fromJsonArray", '["x"] y')).toEqual(["invalid character 'y' after top-level value"]);
  });

  it("toToml encodes as BurntSushi/toml and returns its error text", () => {
    expect(call("toToml", { a: 1, t: { b: "x" }, list: [{ k: 1 }, { k: 2 }] })).toBe(
      'a = 1.0\n\n[[list]]\n  k = 1.0\n\n[[list]]\n  k = 2.0\n\n[t]\n  b = "x"\n',
    );
    expect(call("toToml", { a: [1, null] })).toBe("toml: cannot encode array with nil element");
  });

  it("fromToml decodes integers as int64 and reports errors under Error", () => {
    const m = call("fromToml", 'a = 1\nb = 1.5\n[t]\nc = "x"\n') as Record<string, GoValue>;
    expect(m.a).toEqual(new GoInt(1n, "int64"));
    expect(m.b).toBe(1.5);
    expect(m.t).toEqual({ c: "x" });
    const text = ['s = """', "multi", 'line"""', "l = 'lit'", "ml = '''", "raw\\n'''", "it = {a = 1}", ""].join("\n");
    const one = new GoInt(1n, "int64");
    expect(call("fromToml", text)).toEqual({ s: "multi\nline", l: "lit", ml: "raw\\n", it: { a: one } });
    const tables = call("fromToml", "[[arr]]\nx = 1\n[[arr]]\nx = 2\n") as Record<string, GoValue>;
    expect(goTypeName(tables.arr)).toBe("[]map[string]interface {}");
    expect(call("fromToml", "a = 1\na = 2\n")).toEqual({
      Error: "toml: line 2 (last key \"a\"): Key 'a' has already been defined.",
    });
  });
});
