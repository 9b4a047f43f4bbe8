/**
 * A parser for Go's regexp syntax (regexp/syntax/parse.go, Perl flags as regexp.Compile uses):
 * it accepts exactly what RE2 accepts and fails with Go's messages ("missing closing )", "invalid
 * nested repetition operator", …), so that the tree can be written out as a JavaScript RegExp.
 */
import { ClassParser, RegexSyntaxError, type Flags, type Node } from "./regex-syntax";

export { RegexSyntaxError, normalize, negateRanges, type Node, type Range } from "./regex-syntax";

interface Frame {
  kind: "root" | "capture" | "group";
  index: number;
  name: string;
  saved: Flags;
  alts: Node[][];
}

export interface Parsed {
  node: Node;
  numCap: number;
  names: string[];
}

export class Parser extends ClassParser {
  private stack: Frame[] = [];
  private numCap = 0;
  private names: string[] = [""];

  parse(): Parsed {
    const s = this.s;
    this.stack = [{ kind: "root", index: 0, name: "", saved: this.flags, alts: [[]] }];
    let lastRepeat = -1;
    while (this.t < s.length) {
      let repeat = -1;
      const c = s[this.t]!;
      if (c === "(") {
        if (s[this.t + 1] === "?") this.parsePerlFlags();
        else this.open("capture", "");
      } else if (c === "|") {
        this.top().alts.push([]);
        this.t++;
      } else if (c === ")") {
        this.close();
        this.t++;
      } else if (c === "^" || c === "$") {
        this.push({ op: c === "^" ? "begin" : "end", line: this.flags.multiLine });
        this.t++;
      } else if (c === ".") {
        this.push({ op: "any", dotNL: this.flags.dotNL });
        this.t++;
      } else if (c === "[") this.parseClass();
      else if (c === "*" || c === "+" || c === "?") {
        repeat = this.t;
        this.t++;
        this.repeat(c === "*" ? 0 : c === "+" ? 1 : 0, c === "?" ? 1 : -1, repeat, lastRepeat, false);
      } else if (c === "{") {
        const r = this.parseRepeat();
        if (!r) {
          this.literal(0x7b);
          this.t++;
        } else {
          repeat = this.t;
          const [min, max, after] = r;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) {
            throw new RegexSyntaxError("invalid repeat count", s.slice(this.t, after));
          }
          this.t = after;
          this.repeat(min, max, repeat, lastRepeat, true);
        }
      } else if (c === "\\") this.parseBackslash();
      else {
        const r = s.codePointAt(this.t)!;
        this.literal(r);
        this.t += r > 0xffff ? 2 : 1;
      }
      lastRepeat = repeat;
    }
    if (this.stack.length !== 1) throw new RegexSyntaxError("missing closing )", s);
    return { node: this.finish(this.stack[0]!), numCap: this.numCap, names: this.names };
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  protected push(n: Node): void {
    const alts = this.top().alts;
    alts[alts.length - 1]!.push(n);
  }

  private literal(r: number): void {
    this.push({ op: "literal", r, fold: this.flags.fold });
  }

  private open(kind: "capture" | "group", name: string): void {
    const index = kind === "capture" ? ++this.numCap : 0;
    if (kind === "capture") this.names.push(name);
    this.stack.push({ kind, index, name, saved: { ...this.flags }, alts: [[]] });
    if (kind === "capture" && !name) this.t++;
  }

  private finish(f: Frame): Node {
    const alts = f.alts.map((subs): Node => (subs.length === 1 ? subs[0]! : { op: "concat", subs }));
    return alts.length === 1 ? alts[0]! : { op: "alternate", subs: alts };
  }

  private close(): void {
    const f = this.top();
    if (f.kind === "root") throw new RegexSyntaxError("unexpected )", this.s);
    this.stack.pop();
    this.flags = f.saved;
    const sub = this.finish(f);
    this.push(f.kind === "capture" ? { op: "capture", index: f.index, name: f.name, sub } : { op: "group", sub });
  }

  private repeat(min: number, max: number, before: number, lastRepeat: number, braces: boolean): void {
    let greedy = !this.flags.nonGreedy;
    if (this.s[this.t] === "?") {
      this.t++;
      greedy = !greedy;
    }
    if (lastRepeat >= 0) {
      throw new RegexSyntaxError("invalid nested repetition operator", this.s.slice(lastRepeat, this.t));
    }
    const alts = this.top().alts;
    const seq = alts[alts.length - 1]!;
    if (seq.length === 0) {
      throw new RegexSyntaxError("missing argument to repetition operator", this.s.slice(before, this.t));
    }
    const node: Node = { op: "repeat", min, max, greedy, braces, sub: seq.pop()! };
    if (braces && (min >= 2 || max >= 2) && !repeatIsValid(node, 1000)) {
      throw new RegexSyntaxError("invalid repeat count", this.s.slice(before, this.t));
    }
    seq.push(node);
  }

  /** {n}, {n,}, {n,m}; undefined when the brace is a literal. */
  private parseRepeat(): [number, number, number] | undefined {
    let i = this.t + 1;
    const int = (): number | undefined => {
      const m = /^[0-9]+/.exec(this.s.slice(i));
      if (!m || (m[0].length >= 2 && m[0][0] === "0")) return undefined;
      i += m[0].length;
      return m[0].length > 8 || Number(m[0]) >= 1e8 ? -1 : Number(m[0]);
    };
    let min = int();
    if (min === undefined || i >= this.s.length) return undefined;
    let max = min;
    if (this.s[i] === ",") {
      i++;
      if (i >= this.s.length) return undefined;
      if (this.s[i] === "}") max = -1;
      else {
        const m = int();
        if (m === undefined) return undefined;
        max = m;
        if (max < 0) min = -1;
      }
    }
    if (this.s[i] !== "}") return undefined;
    return [min, max, i + 1];
  }

  private parsePerlFlags(): void {
    const s = this.s;
    const start = this.t;
    if (s.length - start > 4 && s[start + 2] === "P" && s[start + 3] === "<") {
      const end = s.indexOf(">", start);
      if (end < 0) throw new RegexSyntaxError("invalid named capture", s.slice(start));
      const name = s.slice(start + 4, end);
      if (!/^[0-9A-Za-z_]+$/.test(name)) throw new RegexSyntaxError("invalid named capture", s.slice(start, end + 1));
      this.t = end + 1;
      this.open("capture", name);
      return;
    }
    let t = start + 2;
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    while (t < s.length) {
      const c = String.fromCodePoint(s.codePointAt(t)!);
      t += c.length;
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        const on = !negate;
        if (c === "i") flags.fold = on;
        if (c === "m") flags.multiLine = on;
        if (c === "s") flags.dotNL = on;
        if (c === "U") flags.nonGreedy = on;
        sawFlag = true;
      } else if (c === "-") {
        if (negate) break;
        negate = true;
        sawFlag = false;
      } else if (c === ":" || c === ")") {
        if (negate && !sawFlag) break;
        this.t = t;
        if (c === ":") this.open("group", "");
        this.flags = flags;
        return;
      } else break;
    }
    throw new RegexSyntaxError("invalid or unsupported Perl syntax", s.slice(start, t));
  }

  private parseBackslash(): void {
    const s = this.s;
    const c = s[this.t + 1];
    const simple: Record<string, Node> = {
      A: { op: "begin", line: false },
      z: { op: "end", line: false },
      b: { op: "wordBoundary", negate: false },
      B: { op: "wordBoundary", negate: true },
    };
    if (c !== undefined && simple[c]) {
      this.push(simple[c]);
      this.t += 2;
      return;
    }
    if (c === "C") throw new RegexSyntaxError("invalid escape sequence", "\\C");
    if (c === "Q") {
      const end = s.indexOf("\\E", this.t + 2);
      const lit = s.slice(this.t + 2, end < 0 ? s.length : end);
      for (const ch of lit) this.literal(ch.codePointAt(0)!);
      this.t = end < 0 ? s.length : end + 2;
      return;
    }
    const cls: Node = { op: "class", ranges: [], props: [], negate: false, fold: this.flags.fold };
    if (this.classEscape(cls)) {
      this.push(cls);
      return;
    }
    this.literal(this.parseEscape());
  }

}

function repeatIsValid(re: Node, n: number): boolean {
  if (re.op === "repeat" && re.braces) {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.trunc(n / m);
  }
  const subs = "subs" in re ? re.subs : "sub" in re ? [re.sub] : [];
  return subs.every((x) => repeatIsValid(x, n));
}
