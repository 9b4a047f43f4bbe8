/**
 * Sprig's string functions (strings.go and the inline ones in functions.go). Lengths and offsets
 * are Go's: bytes of UTF-8 for trunc/substr, runes where Go ranges over runes.
 */
import { sprintf } from "../fmt";
import { byteLength, byteSlice } from "../fmt-quote";
import { strval } from "./convert";
import { fn, variadic, GoError } from "./func";
import { abbreviateFull, deleteWhiteSpace, initials, swapCase, uncapitalize, wrapCustom } from "./goutils";
import { repeat, replaceAll, splitN, title, toLower, toUpper, trim, trimSpace } from "./gostrings";
import { strslice } from "./lists";
import { toKebabCase, toPascalCase, toSnakeCase } from "./xstrings";
import { GO_TYPE, typedSlice, type GoFunc, type GoMap, type GoValue } from "../value";

const S = "string";
const I = "interface {}";

function trunc(c: bigint, s: string): string {
  const len = BigInt(byteLength(s));
  if (c < 0n && len + c > 0n) return byteSlice(s, Number(len + c));
  if (c >= 0n && len > c) return byteSlice(s, 0, Number(c));
  return s;
}

/** Go's runtime message for a bad s[lo:hi] on a string. */
function boundsError(lo: bigint | undefined, hi: bigint | undefined, len: bigint): GoError {
  const prefix = "runtime error: slice bounds out of range ";
  if (lo === undefined) return new GoError(prefix + (hi! < 0n ? `[:${hi}]` : `[:${hi}] with length ${len}`));
  if (hi === undefined) return new GoError(prefix + (lo < 0n ? `[${lo}:]` : `[${lo}:${len}]`));
  if (hi < 0n) return new GoError(prefix + `[:${hi}]`);
  if (hi > len) return new GoError(prefix + `[:${hi}] with length ${len}`);
  return new GoError(prefix + (lo < 0n ? `[${lo}:]` : `[${lo}:${hi}]`));
}

/** substring: s[:end] when start < 0, s[start:] when end < 0 or past the end, else s[start:end]. */
function substr(start: bigint, end: bigint, s: string): string {
  const len = BigInt(byteLength(s));
  if (start < 0n) {
    if (end < 0n || end > len) throw boundsError(undefined, end, len);
    return byteSlice(s, 0, Number(end));
  }
  if (end < 0n || end > len) {
    if (start > len) throw boundsError(start, undefined, len);
    return byteSlice(s, Number(start));
  }
  if (start > end) throw boundsError(start, end, len);
  return byteSlice(s, Number(start), Number(end));
}

function indent(spaces: bigint, v: string): string {
  const pad = repeat(" ", spaces);
  return pad + v.split("\n").join("\n" + pad);
}

function splitMap(parts: string[]): GoMap {
  const out: GoMap = {};
  parts.forEach((p, i) => (out["_" + i] = p));
  // Sprig's split returns map[string]string, which %T and typeOf show.
  return typedMap(out, "map[string]string");
}

export function typedMap(m: GoMap, type: string): GoMap {
  Object.defineProperty(m, GO_TYPE, { value: type, enumerable: false });
  return m;
}

function notNil(vs: GoValue[]): GoValue[] {
  return vs.filter((v) => v !== null && v !== undefined);
}

export const stringFunctions: Record<string, GoFunc> = {
  abbrev: fn(["int", S], S, (w, s) => (w < 4n ? s : abbreviateFull(s, 0, Number(w)))),
  abbrevboth: fn(["int", "int", S], S, (l, r, s) =>
    r < 4n || (l > 0n && r < 7n) ? s : abbreviateFull(s, Number(l), Number(r)),
  ),
  trunc: fn(["int", S], S, trunc),
  trim: fn([S], S, trimSpace),
  upper: fn([S], S, toUpper),
  lower: fn([S], S, toLower),
  title: fn([S], S, title),
  untitle: fn([S], S, uncapitalize),
  substr: fn(["int", "int", S], S, substr),
  repeat: fn(["int", S], S, (count, s) => repeat(s, count)),
  trimall: fn([S, S], S, (a, b) => trim(b, a)),
  trimAll: fn([S, S], S, (a, b) => trim(b, a)),
  trimSuffix: fn([S, S], S, (a, b) => (a !== "" && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: fn([S, S], S, (a, b) => (b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: fn([S], S, deleteWhiteSpace),
  initials: fn([S], S, initials),
  swapcase: fn([S], S, swapCase),
  snakecase: fn([S], S, toSnakeCase),
  camelcase: fn([S], S, toPascalCase),
  kebabcase: fn([S], S, toKebabCase),
  wrap: fn(["int", S], S, (l, s) => wrapCustom(s, Number(l), "", false)),
  wrapWith: fn(["int", S, S], S, (l, sep, s) => wrapCustom(s, Number(l), sep, true)),
  contains: fn([S, S], "bool", (sub, s) => s.includes(sub)),
  hasPrefix: fn([S, S], "bool", (p, s) => s.startsWith(p)),
  hasSuffix: fn([S, S], "bool", (p, s) => s.endsWith(p)),
  quote: variadic([], I, S, (vs) => notNil(vs).map((v) => sprintf("%q", [strval(v)])).join(" ")),
  squote: variadic([], I, S, (vs) => notNil(vs).map((v) => sprintf("'%v'", [v])).join(" ")),
  cat: variadic([], I, S, (vs) => {
    const v = notNil(vs);
    return sprintf(v.map(() => "%v").join(" "), v);
  }),
  indent: fn(["int", S], S, indent),
  nindent: fn(["int", S], S, (n, v) => "\n" + indent(n, v)),
  replace: fn([S, S, S], S, (o, n, s) => replaceAll(s, o, n)),
  plural: fn([S, S, "int"], S, (one, many, count) => (count === 1n ? one : many)),
  toString: fn([I], S, strval),
  split: fn([S, S], "map[string]interface {}", (sep, s) => splitMap(splitN(s, sep, -1))),
  splitn: fn([S, "int", S], "map[string]interface {}", (sep, n, s) => splitMap(splitN(s, sep, Number(n)))),
  splitList: fn([S, S], "[]string", (sep, s) => typedSlice(splitN(s, sep, -1), "[]string")),
  join: fn([S, I], S, (sep, v) => strslice(v).join(sep)),
};
