/**
 * The parts of Go's strconv and fmt that the parser's results and error messages depend on:
 * quoting (%q, %#U) and unquoting of string and character literals.
 */

/** strconv.ErrSyntax's message, which Go's parser reports as is. */
export const ERR_SYNTAX = "invalid syntax";

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

const ESCAPES: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };

/** strconv.Quote, which is also what fmt's %q prints for a string. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0x22 || r === 0x5c) out += "\\" + ch;
    else if (isPrint(r)) out += ch;
    else if (ESCAPES[r] !== undefined) out += ESCAPES[r];
    else if (r < 0x20 || r === 0x7f) out += "\\x" + hex(r, 2);
    else if (r < 0x10000) out += "\\u" + hex(r, 4);
    else out += "\\U" + hex(r, 8);
  }
  return out + '"';
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** fmt's %#U: `U+0029 ')'`, without the character when it is not printable. */
export function formatRune(r: number): string {
  const code = "U+" + r.toString(16).toUpperCase().padStart(4, "0");
  return isPrint(r) ? `${code} '${String.fromCodePoint(r)}'` : code;
}

/** Length of s in UTF-8 bytes, which is what Go's len() counts. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export interface UnquotedChar {
  value: number;
  /** The value is a code point; otherwise a single byte (\x or octal escape). */
  multibyte: boolean;
  /** Index in s just past the character. */
  end: number;
}

/**
 * strconv.UnquoteChar on s from index i: the first character or escape sequence, or ERR_SYNTAX.
 * Works on UTF-16 indexes; a literal character outside ASCII is a whole code point.
 */
export function unquoteChar(s: string, i: number, q: string): UnquotedChar | typeof ERR_SYNTAX {
  if (i >= s.length) return ERR_SYNTAX;
  const c = s[i]!;
  if (c === q && (q === "'" || q === '"')) return ERR_SYNTAX;
  const code = s.codePointAt(i)!;
  if (code >= 0x80) return { value: code, multibyte: true, end: i + (code > 0xffff ? 2 : 1) };
  if (c !== "\\") return { value: code, multibyte: false, end: i + 1 };
  if (i + 1 >= s.length) return ERR_SYNTAX;
  const e = s[i + 1]!;
  let j = i + 2;
  switch (e) {
    case "a":
      return { value: 7, multibyte: false, end: j };
    case "b":
      return { value: 8, multibyte: false, end: j };
    case "f":
      return { value: 12, multibyte: false, end: j };
    case "n":
      return { value: 10, multibyte: false, end: j };
    case "r":
      return { value: 13, multibyte: false, end: j };
    case "t":
      return { value: 9, multibyte: false, end: j };
    case "v":
      return { value: 11, multibyte: false, end: j };
    case "x":
    case "u":
    case "U": {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      if (s.length - j < n) return ERR_SYNTAX;
      let v = 0;
      for (let k = 0; k < n; k++) {
        const d = parseInt(s[j + k]!, 16);
        if (Number.isNaN(d)) return ERR_SYNTAX;
        v = v * 16 + d;
      }
      j += n;
      if (e === "x") return { value: v, multibyte: false, end: j };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return ERR_SYNTAX;
      return { value: v, multibyte: true, end: j };
    }
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7": {
      let v = e.charCodeAt(0) - 48;
      if (s.length - j < 2) return ERR_SYNTAX;
      for (let k = 0; k < 2; k++) {
        const x = s.charCodeAt(j + k) - 48;
        if (x < 0 || x > 7) return ERR_SYNTAX;
        v = (v << 3) | x;
      }
      if (v > 255) return ERR_SYNTAX;
      return { value: v, multibyte: false, end: j + 2 };
    }
    case "\\":
      return { value: 0x5c, multibyte: false, end: j };
    case "'":
    case '"':
      if (e !== q) return ERR_SYNTAX;
      return { value: e.charCodeAt(0), multibyte: false, end: j };
    default:
      return ERR_SYNTAX;
  }
}

const utf8Decoder = new TextDecoder();

/**
 * strconv.Unquote for the "double-quoted" and `raw` strings the lexer produces. Go keeps a byte
 * escape such as "\xff" as a raw byte; runs of them are decoded as UTF-8 here ("\xc3\xa9" is "é"),
 * bytes that form no character becoming U+FFFD.
 */
export function unquote(s: string): string | typeof ERR_SYNTAX {
  if (s.length < 2) return ERR_SYNTAX;
  const q = s[0]!;
  if (q === "`") {
    const end = s.indexOf("`", 1);
    if (end !== s.length - 1) return ERR_SYNTAX;
    const body = s.slice(1, end);
    // Carriage returns inside raw strings are discarded, as in Go source.
    return body.includes("\r") ? body.replaceAll("\r", "") : body;
  }
  if (q !== '"') return ERR_SYNTAX;
  const close = s.indexOf('"', 1);
  if (close < 0) return ERR_SYNTAX;
  const head = s.slice(0, close + 1);
  if (!head.includes("\\") && !head.includes("\n")) return close === s.length - 1 ? s.slice(1, close) : ERR_SYNTAX;
  let out = "";
  let bytes: number[] = [];
  let i = 1;
  while (i < s.length && s[i] !== q) {
    const r = unquoteChar(s, i, q);
    if (s[i] === "\n" || r === ERR_SYNTAX) return ERR_SYNTAX;
    i = r.end;
    if (r.value < 0x80 || r.multibyte) {
      if (bytes.length > 0) {
        out += utf8Decoder.decode(Uint8Array.from(bytes));
        bytes = [];
      }
      out += String.fromCodePoint(r.value);
    } else bytes.push(r.value);
  }
  if (i >= s.length || i !== s.length - 1) return ERR_SYNTAX;
  if (bytes.length > 0) out += utf8Decoder.decode(Uint8Array.from(bytes));
  return out;
}
