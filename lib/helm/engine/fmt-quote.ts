/**
 * Go's strconv quoting (strconv/quote.go) and the UTF-8 view of strings that Go's fmt and Sprig
 * work on. A JavaScript string stands for the Go string of its UTF-8 encoding; a lone surrogate
 * encodes as U+FFFD, as TextEncoder does.
 */
import { isGraphic, isNotPrint16, isNotPrint32, isPrint16, isPrint32 } from "./fmt-isprint";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** The string of some bytes; invalid UTF-8 becomes U+FFFD, since a JS string cannot keep it. */
export function utf8String(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Go's len(s): the number of UTF-8 bytes. */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Go's s[start:end] on byte offsets; a cut inside a character leaves U+FFFD for its pieces. */
export function byteSlice(s: string, start: number, end?: number): string {
  if (isAscii(s)) return s.slice(start, end);
  return utf8String(utf8Bytes(s).subarray(start, end));
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** The code points of s (Go's runes); a lone surrogate counts as one rune, as its U+FFFD would. */
export function runes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    out.push(r >= 0xd800 && r < 0xe000 ? 0xfffd : r);
  }
  return out;
}

export function runeCount(s: string): number {
  if (isAscii(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function bsearch(a: number[], x: number): number {
  let i = 0;
  let j = a.length;
  while (i < j) {
    const h = (i + j) >> 1;
    if (a[h]! < x) i = h + 1;
    else j = h;
  }
  return i;
}

/** strconv.IsPrint, on Go 1.19's Unicode tables. */
export function isPrint(r: number): boolean {
  if (r <= 0xff) {
    if (r >= 0x20 && r <= 0x7e) return true;
    if (r >= 0xa1 && r <= 0xff) return r !== 0xad;
    return false;
  }
  const [print, notPrint, base] = r < 0x10000 ? [isPrint16, isNotPrint16, 0] : [isPrint32, isNotPrint32, 0x10000];
  const i = bsearch(print, r);
  if (i >= print.length || r < print[i & ~1]! || print[i | 1]! < r) return false;
  if (r >= 0x20000) return true;
  const j = bsearch(notPrint, r - base);
  return j >= notPrint.length || notPrint[j] !== r - base;
}

export function isGraphicRune(r: number): boolean {
  if (isPrint(r)) return true;
  const i = bsearch(isGraphic, r);
  return r <= 0xffff && i < isGraphic.length && isGraphic[i] === r;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function escapedRune(r: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(r);
  if (ch === quote || ch === "\\") return "\\" + ch;
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) return ch;
  switch (r) {
    case 7:
      return "\\a";
    case 8:
      return "\\b";
    case 12:
      return "\\f";
    case 10:
      return "\\n";
    case 13:
      return "\\r";
    case 9:
      return "\\t";
    case 11:
      return "\\v";
  }
  if (r < 0x20 || r === 0x7f) return "\\x" + hex(r, 2);
  if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) r = 0xfffd;
  return r < 0x10000 ? "\\u" + hex(r, 4) : "\\U" + hex(r, 8);
}

/** strconv.Quote (asciiOnly: strconv.QuoteToASCII). */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const r of runes(s)) out += escapedRune(r, '"', asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune (asciiOnly: QuoteRuneToASCII); an invalid code point quotes as U+FFFD. */
export function goQuoteRune(r: number, asciiOnly = false): string {
  if (r > 0x10ffff || r < 0 || (r >= 0xd800 && r < 0xe000)) r = 0xfffd;
  return "'" + escapedRune(r, "'", asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const r of runes(s)) {
    if (r === 0xfeff) return false;
    if (r >= 0x80) continue;
    if ((r < 0x20 && r !== 9) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}
