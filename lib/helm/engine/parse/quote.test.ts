import { describe, expect, it } from "vitest";
import { ERR_SYNTAX, formatRune, quote, unquote } from "./quote";

// Expected values are what Go's strconv and fmt give.

describe("Go quoting", () => {
  it("quotes as strconv.Quote does", () => {
    expect(quote('a\x00b\u00a0c\u2028d🙂\x7f"\\\t\x07\u00ad日本')).toBe(
      '"a\\x00b\\u00a0c\\u2028d🙂\\x7f\\"\\\\\\t\\a\\u00ad日本"',
    );
    expect(quote("\u{1F600}\u{E0001}")).toBe('"😀\\U000e0001"');
  });

  it("formats runes as %#U does", () => {
    expect([0x29, 0x1, 0xa0, 0x1f642].map(formatRune)).toEqual(["U+0029 ')'", "U+0001", "U+00A0", "U+1F642 '🙂'"]);
  });

  it.each<[string, string]>([
    ['"\\xc3\\xa9"', "é"],
    ["`a\r\nb`", "a\nb"],
    ['"\\u00e9\\t"', "é\t"],
    ['"a\\"b"', 'a"b'],
    ['"plain"', "plain"],
    // Go keeps the byte 0xff, which is no UTF-8; a string here can only hold its replacement.
    ['"\\377"', "\ufffd"],
  ])("unquotes %s", (quoted, text) => {
    expect(unquote(quoted)).toBe(text);
  });

  it.each(['"\\\'"', '"\\400"', '"\\ud800"', '"\\U00110000"', '"\\x4"', '"a"b"', "'a'"])("rejects %s", (quoted) => {
    expect(unquote(quoted)).toBe(ERR_SYNTAX);
  });
});
