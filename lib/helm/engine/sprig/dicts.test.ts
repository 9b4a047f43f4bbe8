import { describe, expect, it } from "vitest";
import { sprigFunctions } from ".";
import { callSprig } from "./test-support";
import { GoInt, typedSlice, type GoMap, type GoValue } from "../value";

/**
 * Expected: what Go 1.19's text/template printed for `printf "%T %#v"` of each call, with Sprig's
 * functions as Helm 3.19 builds them (merge and mergeOverwrite on dario.cat/mergo v1.0.1).
 */
const cases: [string, GoValue[], string][] = [
  ["dig", ["a", "b", "dflt", { "a": { "b": "v" } }], "string \"v\""],
  ["dig", ["a", "z", "dflt", { "a": { "b": "v" } }], "string \"dflt\""],
  [
    "dig",
    ["a", "b", "dflt", { "a": "flat" }],
    "ERR: interface conversion: interface {} is string, not map[string]interface {}",
  ],
  ["dig", ["a", "dflt", null], "ERR: interface conversion: interface {} is nil, not map[string]interface {}"],
  ["dig", ["a", "b"], "ERR: dig needs at least three arguments"],
  ["dict", [], "map[string]interface {} map[string]interface {}{}"],
  ["dict", ["a", 1n, "b"], "map[string]interface {} map[string]interface {}{\"a\":1, \"b\":\"\"}"],
  [
    "dict",
    [1n, "one", null, "nil", true, "t"],
    "map[string]interface {} map[string]interface {}{\"1\":\"one\", \"<nil>\":\"nil\", \"true\":\"t\"}",
  ],
  ["get", [{ "a": 1n }, "a"], "int 1"],
  ["get", [{ "a": 1n }, "b"], "string \"\""],
  ["get", [{ "a": null }, "a"], "<nil> <nil>"],
  ["set", [{ "a": 1n }, "b", "x"], "map[string]interface {} map[string]interface {}{\"a\":1, \"b\":\"x\"}"],
  ["unset", [{ "a": 1n, "b": 2n }, "a"], "map[string]interface {} map[string]interface {}{\"b\":2}"],
  ["hasKey", [{ "a": null }, "a"], "bool true"],
  ["hasKey", [{}, "a"], "bool false"],
  ["pluck", ["a", { "a": 1n }, { "b": 2n }, { "a": "x" }], "[]interface {} []interface {}{1, \"x\"}"],
  ["keys", [{ "only": 1n }], "[]string []string{\"only\"}"],
  ["values", [{ "only": 1n }], "[]interface {} []interface {}{1}"],
  [
    "pick",
    [{ "a": 1n, "b": 2n, "c": 3n }, "a", "c", "z"],
    "map[string]interface {} map[string]interface {}{\"a\":1, \"c\":3}",
  ],
  [
    "omit",
    [{ "a": 1n, "b": 2n, "c": 3n }, "a", "z"],
    "map[string]interface {} map[string]interface {}{\"b\":2, \"c\":3}",
  ],
  [
    "merge",
    [{ "a": 1n, "n": { "x": 1n } }, { "a": 2n, "b": 3n, "n": { "x": 2n, "y": 2n } }],
    "map[string]interface {} map[string]interface {}{\"a\":1, \"b\":3, \"n\":map[string]interface {}{\"x\":" +
      "1, \"y\":2}}",
  ],
  [
    "mergeOverwrite",
    [{ "a": 1n, "n": { "x": 1n } }, { "a": 2n, "b": 3n, "n": { "x": 2n, "y": 2n } }],
    "map[string]interface {} map[string]interface {}{\"a\":2, \"b\":3, \"n\":map[string]interface {}{\"x\":" +
      "2, \"y\":2}}",
  ],
  [
    "merge",
    [{ "a": "", "b": 0n, "c": null, "e": [] }, { "a": "x", "b": 5n, "c": "y", "e": ["z"] }],
    "map[string]interface {} map[string]interface {}{\"a\":\"x\", \"b\":5, \"c\":\"y\", \"e\":[]interface {}{\"z\"}}",
  ],
  ["mergeOverwrite", [{ "a": "keep" }, { "a": "" }], "map[string]interface {} map[string]interface {}{\"a\":\"\"}"],
  [
    "mergeOverwrite",
    [{ "a": "keep" }, { "a": null }],
    "map[string]interface {} map[string]interface {}{\"a\":interface {}(nil)}",
  ],
  [
    "mergeOverwrite",
    [{ "a": "scalar" }, { "a": { "x": 1n } }],
    "map[string]interface {} map[string]interface {}{\"a\":map[string]interface {}{\"x\":1}}",
  ],
  [
    "mergeOverwrite",
    [{ "a": "scalar" }, { "a": ["y"] }],
    "map[string]interface {} map[string]interface {}{\"a\":[]interface {}{\"y\"}}",
  ],
  [
    "mergeOverwrite",
    [{ "a": { "x": 1n } }, { "a": "scalar" }],
    "map[string]interface {} map[string]interface {}{\"a\":\"scalar\"}",
  ],
  [
    "merge",
    [{ "a": ["x"] }, { "a": ["y"] }],
    "map[string]interface {} map[string]interface {}{\"a\":[]interface {}{\"x\"}}",
  ],
  [
    "mustMerge",
    [{ "a": 1n }, { "b": 2n }, { "a": 3n, "c": 4n }],
    "map[string]interface {} map[string]interface {}{\"a\":1, \"b\":2, \"c\":4}",
  ],
  [
    "mustMergeOverwrite",
    [{ "a": 1n }, { "b": 2n }, { "a": 3n, "c": 4n }],
    "map[string]interface {} map[string]interface {}{\"a\":3, \"b\":2, \"c\":4}",
  ],
  [
    "deepCopy",
    [{ "a": [{ "b": 1n }], "c": typedSlice(["x"], "[]string") }],
    "map[string]interface {} map[string]interface {}{\"a\":[]interface {}{map[string]interface {}{\"b\":1}}" +
      ", \"c\":[]string{\"x\"}}",
  ],
  ["deepCopy", [null], "ERR: reflect: call of reflect.Value.Type on zero Value"],
  ["mustDeepCopy", [["a"]], "[]interface {} []interface {}{\"a\"}"],
  ["deepCopy", ["x"], "string \"x\""],
];

describe("sprig dict functions", () => {
  it.each(cases)("%s (case %#)", (name, args, expected) => {
    expect(callSprig(name, args)).toBe(expected);
  });

  const f = sprigFunctions();
  const call = (name: string, ...args: GoValue[]) => f[name]!.call(...args);

  it("merge changes and returns its first argument, sharing the maps it takes from sources", () => {
    const dst: GoMap = { a: 1n, empty: "", n: { x: 1n } };
    const src: GoMap = { a: 2n, empty: "filled", b: { y: 1n }, n: { x: 2n, z: 3n }, l: ["s"] };
    expect(call("merge", dst, src)).toBe(dst);
    expect(dst).toEqual({ a: 1n, empty: "filled", n: { x: 1n, z: 3n }, b: { y: 1n }, l: ["s"] });
    expect(dst.b).toBe(src.b);
    expect(dst.l).toBe(src.l);
  });

  it("mergeOverwrite lets sources win; maps meeting maps are merged rather than replaced", () => {
    const dst: GoMap = { a: 1n, s: "replaced", n: { x: 1n, y: 1n }, e: "" };
    const nested = dst.n;
    call("mergeOverwrite", dst, { a: 2n, s: { m: 1n }, n: { x: 2n }, e: { m: 2n } }, { a: null });
    expect(dst).toEqual({ a: null, s: { m: 1n }, n: { x: 2n, y: 1n }, e: { m: 2n } });
    expect(dst.n).toBe(nested);
  });

  it("merge keeps any non-empty destination value", () => {
    const dst: GoMap = { s: "kept", l: ["x"] };
    call("merge", dst, { s: { m: 1n }, l: ["y"] });
    expect(dst).toEqual({ s: "kept", l: ["x"] });
  });

  it("merge over a nil map starts a new one", () => {
    expect(call("merge", null, { a: 1n })).toEqual({ a: 1n });
    expect(call("mergeOverwrite", null, null)).toEqual({});
  });

  it("set and unset change the map they are given", () => {
    const d: GoMap = { a: 1n };
    expect(call("set", d, "b", "x")).toBe(d);
    expect(call("unset", d, "a")).toBe(d);
    expect(d).toEqual({ b: "x" });
    expect(() => call("set", null, "k", "v")).toThrow("assignment to entry in nil map");
  });

  it("deepCopy copies maps and lists all the way down and keeps slice types", () => {
    const inner = typedSlice(["x"], "[]string");
    const src: GoMap = { a: [{ b: 1n }], s: inner, i: new GoInt(1n, "int64") };
    const copy = call("deepCopy", src) as GoMap;
    expect(copy).toEqual(src);
    expect(copy.a).not.toBe(src.a);
    expect((copy.a as GoMap[])[0]).not.toBe((src.a as GoMap[])[0]);
    expect(callSprig("typeOf", [copy.s!])).toBe('string "[]string"');
  });

  it("pick, omit and dict build new maps", () => {
    const d: GoMap = { a: 1n, b: 2n };
    const picked = call("pick", d, "a");
    expect(picked).not.toBe(d);
    expect(picked).toEqual({ a: 1n });
    expect(call("dict", "k", d)).toEqual({ k: d });
  });
});
