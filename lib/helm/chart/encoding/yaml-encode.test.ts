import { describe, expect, it } from "vitest";
import { formatFloatE, formatFloatF, formatFloatG, parseIntBase0 } from "./go-strconv";
import { keyLess, marshalYamlV2 } from "./yaml-encode";
import { isTimestamp, resolve, TAG } from "./yaml-resolve";
import { YamlMap, type YamlValue } from "./yaml-value";

function map(entries: Record<string, YamlValue>): YamlMap {
  const m = new YamlMap();
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  return m;
}

describe("yaml.v2 Marshal (cases of yaml.v2's encode_test.go)", () => {
  const cases: [YamlValue, string][] = [
    [map({ v: "hi" }), "v: hi\n"],
    [map({ v: "true" }), 'v: "true"\n'],
    [map({ v: "false" }), 'v: "false"\n'],
    [map({ v: true }), "v: true\n"],
    [map({ v: 10n }), "v: 10\n"],
    [map({ v: -10n }), "v: -10\n"],
    [map({ v: 4294967296n }), "v: 4294967296\n"],
    [map({ v: "10" }), 'v: "10"\n'],
    [map({ v: 0.1 }), "v: 0.1\n"],
    [map({ v: -0.1 }), "v: -0.1\n"],
    [map({ v: Infinity }), "v: .inf\n"],
    [map({ v: -Infinity }), "v: -.inf\n"],
    [map({ v: NaN }), "v: .nan\n"],
    [map({ v: null }), "v: null\n"],
    [map({ v: "" }), 'v: ""\n'],
    [map({ v: ["A", "B"] }), "v:\n- A\n- B\n"],
    [map({ v: ["A", "B\nC"] }), "v:\n- A\n- |-\n  B\n  C\n"],
    [map({ v: ["A", 1n, map({ B: [2n, 3n] })] }), "v:\n- A\n- 1\n- B:\n  - 2\n  - 3\n"],
    [map({ a: map({ b: "c" }) }), "a:\n  b: c\n"],
    [map({ a: "-" }), "a: '-'\n"],
    [map({ a: "<foo>" }), "a: <foo>\n"],
    [map({ a: "1:1" }), 'a: "1:1"\n'],
    [map({ a: "\x00" }), 'a: "\\0"\n'],
    [map({ a: "你好" }), "a: 你好\n"],
    [map({ a: "2015-02-24T18:19:39Z" }), 'a: "2015-02-24T18:19:39Z"\n'],
    [map({ a: "b: c" }), "a: 'b: c'\n"],
    [map({ a: "Hello #comment" }), "a: 'Hello #comment'\n"],
    [map({ a: "你好 #comment" }), "a: '你好 #comment'\n"],
    [new YamlMap(), "{}\n"],
    [[], "[]\n"],
    ["plain", "plain\n"],
    [null, "null\n"],
  ];
  it.each(cases.map(([v, want], i) => [i, v, want] as const))("case %i", (_i, v, want) => {
    expect(marshalYamlV2(v)).toBe(want);
  });

  it("folds a long single-quoted string at a space past column 80 (TestLineWrapping)", () => {
    const long = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 ";
    expect(marshalYamlV2(map({ a: long + long }))).toBe(
      "a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n" +
        "  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n",
    );
  });

  it("indents nested lists and maps as yaml.v2 does (lists flush under their key)", () => {
    const v = map({ spec: map({ containers: [map({ name: "a", args: ["x", "y"] })], empty: [] }) });
    expect(marshalYamlV2(v)).toBe("spec:\n  containers:\n  - args:\n    - x\n    - \"y\"\n    name: a\n  empty: []\n");
  });
});

describe("yaml.v2 key order", () => {
  it("sorts digit runs by value, as yaml.v2 sorts map keys", () => {
    const keys = ["a10", "a2", "b", "A", "_x", "10", "9", "a1", "a01"];
    const sorted = [...keys].sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
    expect(sorted).toEqual(["_x", "9", "10", "A", "a1", "a01", "a2", "a10", "b"]);
  });
});

describe("yaml.v2 resolve", () => {
  it.each([
    ["yes", TAG.bool, true],
    ["Off", TAG.bool, false],
    ["~", TAG.null, null],
    ["0777", TAG.int, 511n],
    ["0x1F", TAG.int, 31n],
    ["1_000", TAG.int, 1000n],
    ["-0b101", TAG.int, -5n],
    ["08", TAG.float, 8],
    [".5", TAG.float, 0.5],
    ["1e400", TAG.str, "1e400"],
    ["18446744073709551615", TAG.int, 18446744073709551615n],
    ["2001-12-14", TAG.timestamp, "2001-12-14"],
    ["1:20", TAG.str, "1:20"],
    ["<<", TAG.str, "<<"],
  ] as const)("%s", (input, tag, value) => {
    const r = resolve("", input);
    expect(r.tag).toBe(tag);
    expect(r.value).toEqual(value);
  });

  it("refuses a value an explicit tag cannot hold, in yaml.v2's words", () => {
    expect(() => resolve(TAG.int, "foo")).toThrow("yaml: cannot decode !!str `foo` as a !!int");
    expect(resolve(TAG.float, "1")).toEqual({ tag: TAG.float, value: 1 });
  });

  it("knows the timestamp layouts yaml.v2 tries", () => {
    expect(isTimestamp("2001-12-14t21:59:43.10-05:00")).toBe(true);
    expect(isTimestamp("2001-12-14 21:59:43.10")).toBe(true);
    expect(isTimestamp("2001-02-29")).toBe(false);
    expect(isTimestamp("2000-02-29")).toBe(true);
    expect(isTimestamp("2001-13-01")).toBe(false);
  });
});

describe("Go's strconv", () => {
  it("formats floats as FormatFloat does", () => {
    expect(formatFloatG(1e6)).toBe("1e+06");
    expect(formatFloatG(123456)).toBe("123456");
    expect(formatFloatG(1234567.5)).toBe("1.2345675e+06");
    expect(formatFloatG(0.0001)).toBe("0.0001");
    expect(formatFloatG(0.00001)).toBe("1e-05");
    expect(formatFloatG(1.1, 32)).toBe("1.1");
    expect(formatFloatF(1e21)).toBe("1000000000000000000000");
    expect(formatFloatE(1500)).toBe("1.5e+03");
    expect(formatFloatG(-0)).toBe("-0");
  });

  it("parses integers with Go's base prefixes", () => {
    expect(parseIntBase0("0o17")).toBe(15n);
    expect(parseIntBase0("0")).toBe(0n);
    expect(parseIntBase0("0x")).toBeUndefined();
    expect(parseIntBase0("9223372036854775808")).toBeUndefined();
  });
});
