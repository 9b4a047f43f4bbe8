/**
 * Go's regexp for Sprig's regex* functions: a Go pattern is parsed with Go's rules, written out as
 * a JavaScript RegExp (both pick the leftmost match and prefer alternatives in order), and the
 * Find/Replace/Split loops are Go's own, including how they step past empty matches and how
 * `$1`/`${name}` expand.
 */
import { canBackquote, goQuote } from "../fmt-quote";
import { Parser, RegexSyntaxError, normalize, type Node, type Range } from "./regex-parse";
import { lowerRune, titleRune, upperRune } from "./gostrings";

export { RegexSyntaxError };

export interface GoRegexp {
  re: RegExp;
  names: string[];
}

const cache = new Map<string, GoRegexp | RegexSyntaxError>();

function esc(r: number): string {
  return (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a)
    ? String.fromCharCode(r)
    : `\\u{${r.toString(16)}}`;
}

/** The runes JavaScript's case-insensitive matching treats as r (Go's SimpleFold orbit). */
function foldOrbit(r: number): number[] {
  const ch = String.fromCodePoint(r);
  const candidates = new Set<string>([ch]);
  for (const f of [lowerRune, upperRune, titleRune]) {
    const x = f(ch);
    candidates.add(x);
    for (const g of [lowerRune, upperRune, titleRune]) candidates.add(g(x));
  }
  for (const [a, b] of [["k", "\u212a"], ["s", "\u017f"], ["\u00e5", "\u212b"], ["\u03c9", "\u2126"]]) {
    if (candidates.has(a!) || candidates.has(b!)) candidates.add(a!).add(b!);
  }
  const test = new RegExp(`^${esc(r)}$`, "iu");
  return [...candidates].filter((c) => test.test(c)).map((c) => c.codePointAt(0)!);
}

type FoldMode = "js" | "none" | "manual";

function foldMode(node: Node): FoldMode {
  const seen = new Set<boolean>();
  const walk = (n: Node) => {
    if (n.op === "literal") {
      const ch = String.fromCodePoint(n.r);
      if (lowerRune(ch) !== upperRune(ch)) seen.add(n.fold);
    } else if (n.op === "class") seen.add(n.fold);
    if ("sub" in n) walk(n.sub);
    if ("subs" in n) n.subs.forEach(walk);
  };
  walk(node);
  return seen.size === 2 ? "manual" : seen.has(true) ? "js" : "none";
}

function classSource(n: Extract<Node, { op: "class" }>, mode: FoldMode): string {
  let ranges: Range[] = n.ranges;
  if (mode === "manual" && n.fold) {
    const extra: Range[] = [];
    for (const [lo, hi] of ranges) {
      if (hi - lo > 0x3000) continue; // folding huge ranges adds next to nothing
      for (let r = lo; r <= hi; r++) for (const f of foldOrbit(r)) extra.push([f, f]);
    }
    ranges = normalize([...ranges, ...extra]);
  }
  const body = ranges.map(([lo, hi]) => (lo === hi ? esc(lo) : `${esc(lo)}-${esc(hi)}`)).join("") + n.props.join("");
  return `[${n.negate ? "^" : ""}${body}]`;
}

function emit(n: Node, mode: FoldMode): string {
  switch (n.op) {
    case "literal": {
      if (mode !== "manual" || !n.fold) return esc(n.r);
      const orbit = foldOrbit(n.r);
      return orbit.length > 1 ? `[${orbit.map(esc).join("")}]` : esc(n.r);
    }
    case "class":
      return classSource(n, mode);
    case "any":
      return n.dotNL ? "[\\s\\S]" : "[^\\n]";
    case "begin":
      return n.line ? "(?<![^\\n])" : "^";
    case "end":
      return n.line ? "(?![^\\n])" : "$";
    case "wordBoundary":
      return n.negate ? "\\B" : "\\b";
    case "capture":
      return `(${emit(n.sub, mode)})`;
    case "group":
      return `(?:${emit(n.sub, mode)})`;
    case "concat":
      return n.subs.map((s) => emit(s, mode)).join("");
    case "alternate":
      return n.subs.map((s) => emit(s, mode)).join("|");
    case "repeat": {
      const atom = ["literal", "class", "any", "capture", "group"].includes(n.sub.op);
      const sub = emit(n.sub, mode);
      let q: string;
      if (!n.braces) q = n.min === 1 ? "+" : n.max === 1 ? "?" : "*";
      else q = n.max === -1 ? `{${n.min},}` : n.max === n.min ? `{${n.min}}` : `{${n.min},${n.max}}`;
      return (atom ? sub : `(?:${sub})`) + q + (n.greedy ? "" : "?");
    }
  }
}

/** regexp.Compile; throws Go's parse error. */
export function compile(pattern: string): GoRegexp {
  let c = cache.get(pattern);
  if (!c) {
    try {
      const { node, names } = new Parser(pattern).parse();
      const mode = foldMode(node);
      c = { re: new RegExp(emit(node, mode), mode === "js" ? "giu" : "gu"), names };
    } catch (e) {
      if (!(e instanceof RegexSyntaxError)) throw e;
      c = e;
    }
    cache.set(pattern, c);
  }
  if (c instanceof RegexSyntaxError) throw c;
  return c;
}

/** regexp.MustCompile's panic message. */
export function mustCompile(pattern: string): GoRegexp {
  try {
    return compile(pattern);
  } catch (e) {
    const quoted = canBackquote(pattern) ? "`" + pattern + "`" : goQuote(pattern);
    throw new Error(`regexp: Compile(${quoted}): ${(e as Error).message}`);
  }
}

function execAt(g: GoRegexp, s: string, pos: number): RegExpExecArray | null {
  g.re.lastIndex = pos;
  return g.re.exec(s);
}

function runeWidth(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c < 0xdc00 && i + 1 < s.length ? 2 : 1;
}

export function matchString(g: GoRegexp, s: string): boolean {
  return execAt(g, s, 0) !== null;
}

export function findString(g: GoRegexp, s: string): string {
  return execAt(g, s, 0)?.[0] ?? "";
}

/** Go's allMatches: an empty match right after the previous match does not count. */
export function findAll(g: GoRegexp, s: string, n: number): RegExpExecArray[] {
  if (n < 0) n = s.length + 1;
  const out: RegExpExecArray[] = [];
  for (let pos = 0, prevEnd = -1; out.length < n && pos <= s.length; ) {
    const m = execAt(g, s, pos);
    if (!m) break;
    const end = m.index + m[0].length;
    let accept = true;
    if (end === pos) {
      if (m.index === prevEnd) accept = false;
      const w = runeWidth(s, pos);
      pos = w > 0 ? pos + w : s.length + 1;
    } else pos = end;
    prevEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

export function replaceAll(g: GoRegexp, src: string, repl: (m: RegExpExecArray) => string): string {
  let out = "";
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    const m = execAt(g, src, searchPos);
    if (!m) break;
    const end = m.index + m[0].length;
    out += src.slice(lastMatchEnd, m.index);
    if (end > lastMatchEnd || m.index === 0) out += repl(m);
    lastMatchEnd = end;
    const w = runeWidth(src, searchPos);
    if (searchPos + w > end) searchPos += w;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + src.slice(lastMatchEnd);
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/** Regexp.Expand's template language: $1, ${1}, $name, ${name}, $$. */
export function expand(g: GoRegexp, template: string, m: RegExpExecArray): string {
  let out = "";
  let t = template;
  for (;;) {
    const i = t.indexOf("$");
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t[0] === "$") {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const brace = t[0] === "{";
    const chars = Array.from(brace ? t.slice(1) : t);
    let k = 0;
    while (k < chars.length && NAME_CHAR.test(chars[k]!)) k++;
    const name = chars.slice(0, k).join("");
    if (k === 0 || (brace && chars[k] !== "}")) {
      out += "$";
      continue;
    }
    t = chars.slice(brace ? k + 1 : k).join("");
    let num = /^[0-9]+$/.test(name) && !(name.length > 1 && name[0] === "0") && name.length <= 9 ? Number(name) : -1;
    if (num < 0) num = g.names.indexOf(name);
    if (num >= 0 && num < m.length && m[num] !== undefined) out += m[num];
  }
  return out + t;
}

export function split(g: GoRegexp, s: string, n: number, hasExpr: boolean): string[] {
  if (n === 0) return [];
  if (hasExpr && s === "") return [""];
  const matches = findAll(g, s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length >= n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}
