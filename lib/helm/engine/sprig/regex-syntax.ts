/**
 * The character-level part of Go's regexp parser (regexp/syntax/parse.go): escapes, character
 * classes ([a-z], [[:alpha:]], \d, \pL) and their error messages.
 */

export interface Flags {
  fold: boolean; // (?i)
  multiLine: boolean; // (?m)
  dotNL: boolean; // (?s)
  nonGreedy: boolean; // (?U)
}

export type Range = [number, number];

export type Node =
  | { op: "literal"; r: number; fold: boolean }
  | { op: "class"; ranges: Range[]; props: string[]; negate: boolean; fold: boolean }
  | { op: "any"; dotNL: boolean }
  | { op: "begin"; line: boolean }
  | { op: "end"; line: boolean }
  | { op: "wordBoundary"; negate: boolean }
  | { op: "capture"; index: number; name: string; sub: Node }
  | { op: "group"; sub: Node }
  | { op: "concat"; subs: Node[] }
  | { op: "alternate"; subs: Node[] }
  | { op: "repeat"; min: number; max: number; greedy: boolean; braces: boolean; sub: Node };

export type ClassNode = Extract<Node, { op: "class" }>;

export class RegexSyntaxError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

const PERL: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

const POSIX: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

const CATEGORIES = new Set(
  ("C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs").split(" "),
);

export function negateRanges(ranges: Range[]): Range[] {
  const sorted = normalize(ranges);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

export function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The JavaScript property escape for a Go \p name, or undefined when Go has no such table. */
function unicodeProperty(name: string, sign: number): string | undefined {
  const p = sign > 0 ? "p" : "P";
  if (name === "Any") return sign > 0 ? "\\u{0}-\\u{10FFFF}" : "";
  if (CATEGORIES.has(name)) return `\\${p}{${name}}`;
  if (!/^[A-Za-z_]+$/.test(name)) return undefined;
  try {
    new RegExp(`\\p{Script=${name}}`, "u");
    return `\\${p}{Script=${name}}`;
  } catch {
    return undefined;
  }
}

function unhex(c: string | undefined): number {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1;
}

const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);

/** State shared with the parser; parseClass and the escapes read and advance it. */
export abstract class ClassParser {
  protected flags: Flags = { fold: false, multiLine: false, dotNL: false, nonGreedy: false };
  protected t = 0; // position in s

  constructor(protected readonly s: string) {}

  protected abstract push(n: Node): void;

  /** \d \s \w (and negations) or \p{…}: adds to the class and returns true. */
  protected classEscape(cls: Extract<Node, { op: "class" }>): boolean {
    const s = this.s;
    const c = s[this.t + 1];
    if (c === "p" || c === "P") {
      let sign = c === "p" ? 1 : -1;
      const start = this.t;
      let name: string;
      let end: number;
      if (s[this.t + 2] === "{") {
        const close = s.indexOf("}", this.t);
        if (close < 0) throw new RegexSyntaxError("invalid character class range", s.slice(start));
        name = s.slice(this.t + 3, close);
        end = close + 1;
      } else {
        const r = s.codePointAt(this.t + 2);
        if (r === undefined) throw new RegexSyntaxError("invalid character class range", s.slice(start));
        name = String.fromCodePoint(r);
        end = this.t + 2 + name.length;
      }
      if (name.startsWith("^")) {
        sign = -sign;
        name = name.slice(1);
      }
      const prop = unicodeProperty(name, sign);
      if (prop === undefined) throw new RegexSyntaxError("invalid character class range", s.slice(start, end));
      cls.props.push(prop);
      this.t = end;
      return true;
    }
    if (c !== undefined && PERL[c.toLowerCase()] && /[dswDSW]/.test(c)) {
      const ranges = PERL[c.toLowerCase()]!;
      cls.ranges.push(...(c === c.toLowerCase() ? ranges : negateRanges(ranges)));
      this.t += 2;
      return true;
    }
    return false;
  }

  /** parseEscape: one escaped character, or Go's error for an escape it does not know. */
  protected parseEscape(): number {
    const s = this.s;
    const start = this.t;
    let t = start + 1;
    if (t >= s.length) throw new RegexSyntaxError("trailing backslash at end of expression", "");
    const c = String.fromCodePoint(s.codePointAt(t)!);
    t += c.length;
    const fail = () => new RegexSyntaxError("invalid escape sequence", s.slice(start, t));
    const octal = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "7";
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (simple[c] !== undefined) {
      this.t = t;
      return simple[c];
    }
    if (c >= "0" && c <= "7" && (c === "0" || octal(s[t]))) {
      let r = Number(c);
      for (let i = 1; i < 3 && octal(s[t]); i++) r = r * 8 + Number(s[t++]);
      this.t = t;
      return r;
    }
    if (c === "x") {
      if (t >= s.length) throw fail();
      if (s[t] === "{") {
        t++;
        let r = 0;
        let n = 0;
        for (;;) {
          if (t >= s.length) throw fail();
          const h = String.fromCodePoint(s.codePointAt(t)!);
          t += h.length;
          if (h === "}") break;
          const v = unhex(h);
          if (v < 0) throw fail();
          r = r * 16 + v;
          if (r > 0x10ffff) throw fail();
          n++;
        }
        if (n === 0) throw fail();
        this.t = t;
        return r;
      }
      const x = unhex(s[t]);
      t += s[t] !== undefined ? String.fromCodePoint(s.codePointAt(t)!).length : 0;
      const y = unhex(s[t]);
      if (s[t] !== undefined) t += String.fromCodePoint(s.codePointAt(t)!).length;
      if (x < 0 || y < 0) throw fail();
      this.t = t;
      return x * 16 + y;
    }
    if (c.codePointAt(0)! < 0x80 && !isAlnum(c)) {
      this.t = t;
      return c.codePointAt(0)!;
    }
    throw fail();
  }

  protected parseClass(): void {
    const s = this.s;
    const whole = s.slice(this.t);
    this.t++;
    const cls: ClassNode = { op: "class", ranges: [], props: [], negate: false, fold: this.flags.fold };
    if (s[this.t] === "^") {
      cls.negate = true;
      this.t++;
    }
    let first = true;
    while (this.t >= s.length || s[this.t] !== "]" || first) {
      first = false;
      if (s.startsWith("[:", this.t)) {
        const close = s.indexOf(":]", this.t + 2);
        if (close >= 0) {
          const name = s.slice(this.t, close + 2);
          const m = /^\[:(\^?)([a-z]+):\]$/.exec(name);
          const ranges = m ? POSIX[m[2]!] : undefined;
          if (!ranges) throw new RegexSyntaxError("invalid character class range", name);
          cls.ranges.push(...(m![1] ? negateRanges(ranges) : ranges));
          this.t = close + 2;
          continue;
        }
      }
      if (s[this.t] === "\\" && this.classEscape(cls)) continue;
      const rangeStart = this.t;
      const lo = this.classChar(whole);
      let hi = lo;
      if (s[this.t] === "-" && this.t + 1 < s.length && s[this.t + 1] !== "]") {
        this.t++;
        hi = this.classChar(whole);
        if (hi < lo) throw new RegexSyntaxError("invalid character class range", s.slice(rangeStart, this.t));
      }
      cls.ranges.push([lo, hi]);
    }
    this.t++;
    this.push(cls);
  }

  private classChar(whole: string): number {
    if (this.t >= this.s.length) throw new RegexSyntaxError("missing closing ]", whole);
    if (this.s[this.t] === "\\") return this.parseEscape();
    const r = this.s.codePointAt(this.t)!;
    this.t += r > 0xffff ? 2 : 1;
    return r;
  }
}
