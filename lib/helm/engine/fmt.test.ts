import { describe, expect, it } from "vitest";
import { compareGoStrings, goQuote, goTypeString, sprint, sprintf, sprintln } from "./fmt";
import { formatFloat } from "./fmt-ftoa";
import { GoInt, GoStruct, typedSlice, type GoValue } from "./value";

/** Expected outputs were produced by Go 1.19's fmt.Sprintf (via text/template's printf). */
const cases: [string, GoValue[], string][] = [
  ["%d", [12345n], "12345"],
  ["%v", [-42n], "-42"],
  ["%+d", [42n], "+42"],
  ["% d", [42n], " 42"],
  ["%6d", [-42n], "   -42"],
  ["%-6d|", [42n], "42    |"],
  ["%06d", [-42n], "-00042"],
  ["%.3d", [7n], "007"],
  ["%.0d", [0n], ""],
  ["%5.0d|", [0n], "     |"],
  ["%x", [255n], "ff"],
  ["%X", [-255n], "-FF"],
  ["%#x", [255n], "0xff"],
  ["%#o", [8n], "010"],
  ["%O", [8n], "0o10"],
  ["%b", [5n], "101"],
  ["%#b", [5n], "0b101"],
  ["%#08x", [255n], "0x000000ff"],
  ["%c", [26085n], "\u65e5"],
  ["%q", [26085n], "'\u65e5'"],
  ["%+q", [26085n], "'\\u65e5'"],
  ["%q", [128512n], "'\ud83d\ude00'"],
  ["%c", [-1n], "\ufffd"],
  ["%U", [128512n], "U+1F600"],
  ["%#U", [26085n], "U+65E5 '\u65e5'"],
  ["%#U", [10n], "U+000A"],
  ["%x", [new GoInt(-1n, "int64")], "-1"],
  ["%v", [1e6], "1e+06"],
  ["%v", [100000], "100000"],
  ["%v", [0.00001], "1e-05"],
  ["%v", [0.0001], "0.0001"],
  ["%v", [1e21], "1e+21"],
  ["%v", [123456789], "1.23456789e+08"],
  ["%v", [3], "3"],
  ["%v", [-0.5], "-0.5"],
  ["%.2f", [2.675], "2.67"],
  ["%.0f", [2.5], "2"],
  ["%.0f", [3.5], "4"],
  ["%.1f", [0.25], "0.2"],
  ["%f", [1e6], "1000000.000000"],
  ["%e", [1234.5678], "1.234568e+03"],
  ["%E", [0.000012], "1.200000E-05"],
  ["%g", [1e-7], "1e-07"],
  ["%G", [1e21], "1E+21"],
  ["%.3g", [1234.5678], "1.23e+03"],
  ["%.3g", [100], "100"],
  ["%.2g", [100], "1e+02"],
  ["%#g", [1], "1.00000"],
  ["%#.3x", [1], "0x1.000p+00"],
  ["%x", [1], "0x1p+00"],
  ["%b", [1], "4503599627370496p-52"],
  ["%+.3e", [1], "+1.000e+00"],
  ["%08.3f", [-3.14159], "-003.142"],
  ["% .2f", [3.14159], " 3.14"],
  ["%-8.2f|", [3.14159], "3.14    |"],
  ["%5.1f", [-0.04], " -0.0"],
  ["%v %v", [Infinity, -Infinity], "+Inf -Inf"],
  ["%05v", [NaN], "  NaN"],
  ["%+v", [NaN], "NaN"],
  ["%010.2f", [-Infinity], "      -Inf"],
  ["%d", [1.5], "%!d(float64=1.5)"],
  ["%s", [1.5], "%!s(float64=1.5)"],
  ["%t", [1n], "%!t(int=1)"],
  ["%s", ["h\u00e9llo"], "h\u00e9llo"],
  ["%5s|", ["\u65e5\u672c"], "   \u65e5\u672c|"],
  ["%-5s|", ["\u65e5\u672c"], "\u65e5\u672c   |"],
  ["%.2s", ["\u65e5\u672c\u8a9e"], "\u65e5\u672c"],
  ["%05s", ["ab"], "000ab"],
  ["%q", ["a\"b\\c\n\t\u0007\u00ff\u200b\ud83d\ude42"], "\"a\\\"b\\\\c\\n\\t\\a\u00ff\\u200b\ud83d\ude42\""],
  ["%+q", ["h\u00e9llo\ud83d\ude42"], "\"h\\u00e9llo\\U0001f642\""],
  ["%#q", ["back`tick"], "\"back`tick\""],
  ["%#q", ["plain"], "`plain`"],
  ["%x", ["h\u00e9llo"], "68c3a96c6c6f"],
  ["% X", ["abc"], "61 62 63"],
  ["%# x", ["abc"], "0x61 0x62 0x63"],
  ["%.2x", ["abcdef"], "6162"],
  ["%8x|", ["ab"], "    6162|"],
  ["%d", ["hi"], "%!d(string=hi)"],
  ["%5d", ["hi"], "%!d(string=   hi)"],
  ["%q", ["\u0378\u00ad\ufeff"], "\"\\u0378\\u00ad\\ufeff\""],
  ["%v", [null], "<nil>"],
  ["%s", [null], "%!s(<nil>)"],
  ["%d", [null], "%!d(<nil>)"],
  ["%T", [null], "<nil>"],
  ["%10v|", [null], "     <nil>|"],
  ["%v", [["a", 1n, 1.5, null, [true]]], "[a 1 1.5 <nil> [true]]"],
  ["%d", [[1n, "a", null]], "[1 %!d(string=a) <nil>]"],
  ["%q", [["a", 1n]], "[\"a\" '\\x01']"],
  ["%#v", [["a", 1n, null]], "[]interface {}{\"a\", 1, interface {}(nil)}"],
  ["%x", [["ab", 255n]], "[6162 ff]"],
  ["%5v", [[1n, 2n]], "[    1     2]"],
  ["%v", [typedSlice(["a", "b"], "[]string")], "[a b]"],
  ["%#v", [typedSlice(["a", "b"], "[]string")], "[]string{\"a\", \"b\"}"],
  ["%v", [{ b: [1n], a: "x", "é": 2.5, Z: null }], "map[Z:<nil> a:x b:[1] \u00e9:2.5]"],
  ["%#v", [{ b: 1n, a: "x" }], "map[string]interface {}{\"a\":\"x\", \"b\":1}"],
  ["%d", [{ a: 1n }], "map[%!d(string=a):1]"],
  ["%v", [{}], "map[]"],
  ["%T", [[]], "[]interface {}"],
  ["%T", [{}], "map[string]interface {}"],
  ["%T %T %T %T %T", [1n, 1.5, "s", true, new GoInt(5n, "int64")], "int float64 string bool int64"],
  ["%v", [true], "true"],
  ["%5t|", [false], "false|"],
  ["%q", [true], "%!q(bool=true)"],
  ["%!", [], "%!!(MISSING)"],
  ["%", [], "%!(NOVERB)"],
  ["%z", [1n], "%!z(int=1)"],
  ["%d", [], "%!d(MISSING)"],
  ["%d %d", [1n], "1 %!d(MISSING)"],
  ["%d", [1n, "a", null], "1%!(EXTRA string=a, <nil>)"],
  ["%[2]d %[1]d", [1n, 2n], "2 1"],
  ["%[3]d", [1n, 2n], "%!d(BADINDEX)"],
  ["%[1]d %d", [1n, 2n], "1 2"],
  ["%[2]*[1]d", [12n, 5n], "   12"],
  ["%*d", [5n, 42n], "   42"],
  ["%-*d|", [5n, 42n], "42   |"],
  ["%*d", [-5n, 42n], "42   "],
  ["%.*f", [2n, 3.14159], "3.14"],
  ["%*d", ["x", 42n], "%!(BADWIDTH)42"],
  ["%.*d", [-1n, 42n], "%!(BADPREC)42"],
  ["%[0]d", [1n], "%!d(BADINDEX)"],
  ["%[x]d", [1n], "%!d(BADINDEX)"],
  ["%[2]", [1n, 2n], "%!(NOVERB)"],
  ["%.", [1n], "%!.(int=1)"],
  ["%-010d|", [5n], "5         |"],
  ["%+-5d|", [5n], "+5   |"],
  ["%#v %#v %#v", [5n, "s", 1], "5 \"s\" 1"],
  ["%+v", ["x"], "x"],
  ["%v%%%v", [1n, 2n], "1%2"],
  ["%5%|", [], "%|"],
  ["%\u00e9", [1n], "%!\u00e9(int=1)"],
  ["%[1]d %[1]x %[1]o", [15n], "15 f 17"],
  ["%08.3d", [-5n], "    -005"],
  ["%+.3x", [255n], "+0ff"],
  ["%#X", [-255n], "-0XFF"],
  ["%5c|", [65n], "    A|"],
  ["%.5U", [65n], "U+00041"],
  ["%q", [1114112n], "'\ufffd'"],
  ["%c", [55296n], "\ufffd"],
];

describe("sprintf", () => {
  it.each(cases)("Sprintf(%j, …)", (format, args, expected) => {
    expect(sprintf(format, args)).toBe(expected);
  });

  it("prints structs in field order, by name for %+v, with the type for %#v", () => {
    const t = new GoStruct("main.T", { A: 1n, B: "x" });
    const p = new GoStruct("*main.T", { A: 2n, B: "y" }, {}, "ptr");
    expect(sprintf("%v|%+v|%#v", [t, t, t])).toBe('{1 x}|{A:1 B:x}|main.T{A:1, B:"x"}');
    expect(sprintf("%v|%+v|%#v", [p, p, p])).toBe('&{2 y}|&{A:2 B:y}|&main.T{A:2, B:"y"}');
    expect(sprintf("%d %s", [t, t])).toBe("{1 %!d(string=x)} {%!s(int=1) x}");
    expect(sprintf("%T %T", [t, p])).toBe("main.T *main.T");
  });

  it("uses a String method for %v and %s, but not for %#v or %d", () => {
    const v = new GoStruct("*semver.Version", { major: 1n }, {}, "ptr", () => "1.2.3");
    expect(sprintf("%v %s %q %x", [v, v, v, v])).toBe('1.2.3 1.2.3 "1.2.3" 312e322e33');
    expect(sprintf("%v", [[v]])).toBe("[1.2.3]");
    expect(sprintf("%d", [v])).toBe("&{1}");
  });

  it("names function types by their signature", () => {
    const f = {
      params: ["string"],
      variadic: "interface {}",
      result: "string",
      returnsError: true,
      call: () => "",
    } as const;
    expect(goTypeString(f)).toBe("func(string, ...interface {}) (string, error)");
  });
});

describe("sprint and sprintln", () => {
  it("puts spaces between operands only when neither is a string", () => {
    expect(sprint([1n, 2n, "a", 3n, "b", "c", 4.5, null])).toBe("1 2a3bc4.5 <nil>");
    expect(sprint([])).toBe("");
  });

  it("always separates with spaces and ends with a newline", () => {
    expect(sprintln(["a", "b", 1n])).toBe("a b 1\n");
  });
});

describe("strconv", () => {
  it("formats floats the shortest way for -1 precision", () => {
    expect(formatFloat(0.1 + 0.2, "g", -1)).toBe("0.30000000000000004");
    expect(formatFloat(5e-324, "e", -1)).toBe("5e-324");
    expect(formatFloat(1e23, "f", -1)).toBe("100000000000000000000000");
    expect(formatFloat(-0, "g", -1)).toBe("-0");
  });

  it("rounds exact halves to even at a given precision", () => {
    expect(formatFloat(0.5, "f", 0)).toBe("0");
    expect(formatFloat(1.5, "f", 0)).toBe("2");
    expect(formatFloat(0.125, "f", 2)).toBe("0.12");
    expect(formatFloat(0.375, "e", 1)).toBe("3.8e-01");
    expect(formatFloat(1e-320, "g", 3)).toBe("1e-320");
    expect(formatFloat(2.5, "e", 0)).toBe("2e+00");
    expect(formatFloat(3.5, "e", 0)).toBe("4e+00");
    // 1.005 is slightly below 1.005 in binary, so it rounds down.
    expect(formatFloat(1.005, "f", 2)).toBe("1.00");
  });

  it("quotes like strconv.Quote, escaping what Go 1.19 does not consider printable", () => {
    expect(goQuote("tab\there \u00e9 \u{1F600} \u0000 \u2028")).toBe('"tab\\there \u00e9 \u{1F600} \\x00 \\u2028"');
    // U+1FAE0 was added in Unicode 14, after Go 1.19's tables: Go escapes it.
    expect(goQuote("\u{1FAE0}")).toBe('"\\U0001fae0"');
  });

  it("sorts map keys by UTF-8 bytes", () => {
    expect(["\uffff", "\u{10000}", "b", "a"].sort(compareGoStrings)).toEqual(["a", "b", "\uffff", "\u{10000}"]);
  });
});

describe("typed values", () => {
  it("prints unsigned integers in hex for %#v and GoInts by their type", () => {
    expect(sprintf("%#v %v %T", [new GoInt(255n, "uint8"), new GoInt(-1n, "int8"), new GoInt(1n, "uint64")])).toBe(
      "0xff -1 uint64",
    );
    expect(sprintf("%v", [typedSlice([1n, 2n], "[]int")])).toBe("[1 2]");
  });
});
