/**
 * Go's strings package where it differs from JavaScript's string methods: case mapping rune by
 * rune (Go has no "ß" → "SS" and no final sigma), Unicode White_Space for TrimSpace (not BOM),
 * empty separators splitting between runes, not UTF-16 units.
 */
import { GoError } from "./func";

const WHITE_SPACE = /^\p{White_Space}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** unicode.IsSpace. */
export function isSpace(r: string): boolean {
  return WHITE_SPACE.test(r);
}

export function isLetter(r: string): boolean {
  return LETTER.test(r);
}

export function isDigit(r: string): boolean {
  return DIGIT.test(r);
}

/** Where Go's simple (one-rune) title case differs from the rune's uppercase. */
const TITLE: Record<string, string> = {
  "\u01c4": "\u01c5",
  "\u01c5": "\u01c5",
  "\u01c6": "\u01c5",
  "\u01c7": "\u01c8",
  "\u01c8": "\u01c8",
  "\u01c9": "\u01c8",
  "\u01ca": "\u01cb",
  "\u01cb": "\u01cb",
  "\u01cc": "\u01cb",
  "\u01f1": "\u01f2",
  "\u01f2": "\u01f2",
  "\u01f3": "\u01f2",
};

/** unicode.ToUpper: a full mapping that expands to several runes has no simple mapping in Go. */
export function upperRune(r: string): string {
  const u = r.toUpperCase();
  if (u === r || Array.from(u).length === 1) return u;
  // Greek vowels with ypogegrammeni: the simple uppercase is the prosgegrammeni (titlecase) form.
  const c = r.codePointAt(0)!;
  if (c >= 0x1f80 && c <= 0x1faf && (c & 0xf) < 8) return String.fromCodePoint(c + 8);
  if (c === 0x1fb3 || c === 0x1fc3 || c === 0x1ff3) return String.fromCodePoint(c + 9);
  return r;
}

export function lowerRune(r: string): string {
  if (r === "\u0130") return "i"; // Go's simple lowercase of İ drops the combining dot.
  const l = r.toLowerCase();
  return Array.from(l).length === 1 ? l : r;
}

export function titleRune(r: string): string {
  return TITLE[r] ?? upperRune(r);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

export function toUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  return Array.from(s, upperRune).join("");
}

export function toLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  // Map rune by rune: JavaScript would turn a word-final Σ into ς.
  return Array.from(s, lowerRune).join("");
}

/** strings.Title (deprecated in Go, still Sprig's `title`): upper-case each word's first rune. */
export function title(s: string): string {
  let prev = " ";
  return Array.from(s, (r) => {
    const out = isSeparator(prev) ? titleRune(r) : r;
    prev = r;
    return out;
  }).join("");
}

function isSeparator(r: string): boolean {
  const c = r.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9A-Za-z_]/.test(r);
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

export function trimFunc(s: string, drop: (r: string) => boolean): string {
  const rs = Array.from(s);
  let i = 0;
  let j = rs.length;
  while (i < j && drop(rs[i]!)) i++;
  while (j > i && drop(rs[j - 1]!)) j--;
  return rs.slice(i, j).join("");
}

export function trimSpace(s: string): string {
  return trimFunc(s, isSpace);
}

/** strings.Trim: cutset is a set of runes. */
export function trim(s: string, cutset: string): string {
  if (s === "" || cutset === "") return s;
  const set = new Set(Array.from(cutset));
  return trimFunc(s, (r) => set.has(r));
}

/** strings.SplitN (n < 0: all; n == 0: none); an empty separator splits after each rune. */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const rs = Array.from(s);
    if (n < 0 || n >= rs.length) return rs;
    return [...rs.slice(0, n - 1), rs.slice(n - 1).join("")];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** strings.Replace(s, old, new, -1): an empty old inserts new around every rune. */
export function replaceAll(s: string, old: string, rep: string): string {
  if (old === rep) return s;
  if (old === "") return rep + Array.from(s, (r) => r + rep).join("");
  return s.split(old).join(rep);
}

/** strings.Repeat, with its panics. */
export function repeat(s: string, count: number | bigint): string {
  const n = BigInt(count);
  if (n < 0n) throw new GoError("strings: negative Repeat count");
  if (s.length > 0 && n * BigInt(s.length) >= 1n << 63n) throw new GoError("strings: Repeat count causes overflow");
  return s.repeat(Number(n));
}

/** strings.Fields: runs of non-space runes. */
export function fields(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (const r of s) {
    if (isSpace(r)) {
      if (cur) out.push(cur);
      cur = "";
    } else cur += r;
  }
  if (cur) out.push(cur);
  return out;
}
