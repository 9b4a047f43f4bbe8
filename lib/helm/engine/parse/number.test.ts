import { describe, expect, it } from "vitest";
import { newNumber, type NumberKind, scanComplex } from "./number";

// Go's text/template/parse numberTests: text, isInt, isUint, isFloat, isComplex, int64, uint64,
// float64 and, for complex numbers, the real and imaginary parts.
type NumberTest = [string, boolean, boolean, boolean, boolean, bigint, bigint, number, [number, number]?];

const numberTests: NumberTest[] = [
  // basics
  ["0", true, true, true, false, 0n, 0n, 0],
  ["-0", true, true, true, false, 0n, 0n, 0], // -0 is a uint.
  ["73", true, true, true, false, 73n, 73n, 73],
  ["7_3", true, true, true, false, 73n, 73n, 73],
  ["0b10_010_01", true, true, true, false, 73n, 73n, 73],
  ["0B10_010_01", true, true, true, false, 73n, 73n, 73],
  ["073", true, true, true, false, 0o73n, 0o73n, 0o73],
  ["0o73", true, true, true, false, 0o73n, 0o73n, 0o73],
  ["0O73", true, true, true, false, 0o73n, 0o73n, 0o73],
  ["0x73", true, true, true, false, 0x73n, 0x73n, 0x73],
  ["0X73", true, true, true, false, 0x73n, 0x73n, 0x73],
  ["0x7_3", true, true, true, false, 0x73n, 0x73n, 0x73],
  ["-73", true, false, true, false, -73n, 0n, -73],
  ["+73", true, false, true, false, 73n, 0n, 73],
  ["100", true, true, true, false, 100n, 100n, 100],
  ["1e9", true, true, true, false, 1_000_000_000n, 1_000_000_000n, 1e9],
  ["-1e9", true, false, true, false, -1_000_000_000n, 0n, -1e9],
  ["-1.2", false, false, true, false, 0n, 0n, -1.2],
  ["1e19", false, true, true, false, 0n, 10n ** 19n, 1e19],
  ["1e1_9", false, true, true, false, 0n, 10n ** 19n, 1e19],
  ["1E19", false, true, true, false, 0n, 10n ** 19n, 1e19],
  ["-1e19", false, false, true, false, 0n, 0n, -1e19],
  ["0x_1p4", true, true, true, false, 16n, 16n, 16],
  ["0X_1P4", true, true, true, false, 16n, 16n, 16],
  ["0x_1p-4", false, false, true, false, 0n, 0n, 1 / 16],
  ["4i", false, false, false, true, 0n, 0n, 0, [0, 4]],
  ["-1.2+4.2i", false, false, false, true, 0n, 0n, 0, [-1.2, 4.2]],
  ["073i", false, false, false, true, 0n, 0n, 0, [0, 73]], // not octal!
  // complex with 0 imaginary are float (and maybe integer)
  ["0i", true, true, true, true, 0n, 0n, 0, [0, 0]],
  ["-1.2+0i", false, false, true, true, 0n, 0n, -1.2, [-1.2, 0]],
  ["-12+0i", true, false, true, true, -12n, 0n, -12, [-12, 0]],
  ["13+0i", true, true, true, true, 13n, 13n, 13, [13, 0]],
  // funny bases
  ["0123", true, true, true, false, 0o123n, 0o123n, 0o123],
  ["-0x0", true, true, true, false, 0n, 0n, 0],
  ["0xdeadbeef", true, true, true, false, 0xdeadbeefn, 0xdeadbeefn, 0xdeadbeef],
  // character constants
  ["'a'", true, true, true, false, 97n, 97n, 97],
  ["'\\n'", true, true, true, false, 10n, 10n, 10],
  ["'\\\\'", true, true, true, false, 92n, 92n, 92],
  ["'\\''", true, true, true, false, 39n, 39n, 39],
  ["'\\xFF'", true, true, true, false, 0xffn, 0xffn, 0xff],
  ["'パ'", true, true, true, false, 0x30d1n, 0x30d1n, 0x30d1],
  ["'\\u30d1'", true, true, true, false, 0x30d1n, 0x30d1n, 0x30d1],
  ["'\\U000030d1'", true, true, true, false, 0x30d1n, 0x30d1n, 0x30d1],
  // Go once read the e of 0xef as an exponent.
  ["0xef", true, true, true, false, 0xefn, 0xefn, 0xef],
  // Limits of the integer types.
  ["9223372036854775807", true, true, true, false, 2n ** 63n - 1n, 2n ** 63n - 1n, 2 ** 63],
  ["-9223372036854775808", true, false, true, false, -(2n ** 63n), 0n, -(2 ** 63)],
  ["18446744073709551615", false, true, true, false, 0n, 2n ** 64n - 1n, 2 ** 64],
  ["0x1p63", false, true, true, false, 0n, 2n ** 63n, 2 ** 63],
  ["-0x1p63", true, false, true, false, -(2n ** 63n), 0n, -(2 ** 63)],
  ["0x1p-1074", false, false, true, false, 0n, 0n, 5e-324],
  ["0x1.fffffffffffff8p1", true, true, true, false, 4n, 4n, 4], // rounds up to an integer.
];

const errors: [text: string, error: string, kind?: NumberKind][] = [
  ["+-2", "illegal number syntax: \"+-2\""],
  ["0x123.", "illegal number syntax: \"0x123.\""],
  ["1e.", "illegal number syntax: \"1e.\""],
  ["0xi.", "illegal number syntax: \"0xi.\""],
  ["1+2.", "illegal number syntax: \"1+2.\""],
  ["'x", "malformed character constant: 'x"],
  ["''", "invalid syntax"],
  ["'\\q'", "invalid syntax"],
  ["'xx'", "malformed character constant: 'xx'"],
  ["'433937734937734969526500969526500'", "malformed character constant: '433937734937734969526500969526500'"],
  ["18446744073709551616", "integer overflow: \"18446744073709551616\""],
  ["1e400", "illegal number syntax: \"1e400\""],
  ["0x1p1024", "illegal number syntax: \"0x1p1024\""],
  // Tokens the lexer calls complex, which fmt.Sscan then fails to read.
  ["1e400+1i", "strconv.ParseFloat: parsing \"1e400\": value out of range", "complex"],
  ["1i+2i", "syntax error scanning complex number", "complex"],
];

/** As Go's test does: a character constant, a complex if fmt.Sscan reads one, else a number. */
function kind(text: string): NumberKind {
  if (text[0] === "'") return "char";
  return Array.isArray(scanComplex(text)) ? "complex" : "number";
}

describe("number constants", () => {
  it.each(numberTests)("%s", (text, isInt, isUint, isFloat, isComplex, int64, uint64, float64, complex128) => {
    const n = newNumber(0, text, kind(text));
    expect(n).toEqual({
      type: "Number",
      pos: 0,
      text,
      isInt,
      isUint,
      isFloat,
      isComplex,
      int64,
      uint64,
      float64,
      ...(complex128 ? { complex128 } : {}),
    });
  });

  it.each(errors)("rejects %s", (text, error, numberKind) => {
    expect(newNumber(0, text, numberKind ?? kind(text))).toEqual({ error });
  });
});
