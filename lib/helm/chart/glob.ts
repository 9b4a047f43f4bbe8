/**
 * github.com/gobwas/glob v0.2.3 as Helm's .Files.Glob compiles it (separator '/'): `*` stays within
 * a path segment, `**` crosses segments, `?` is one non-separator character, `[a-z]`/`[!abc]` one
 * character of any kind, `{a,b}` alternatives, `\` escapes. A pattern gobwas cannot parse is null.
 */
type Node =
  | { kind: "text"; text: string[] }
  | { kind: "any" | "super" | "single" }
  | { kind: "range"; lo: number; hi: number; not: boolean }
  | { kind: "list"; chars: number[]; not: boolean }
  | { kind: "anyOf"; alternatives: Node[][] };

class Lexer {
  pos = 0;
  terms = 0;
  constructor(readonly runes: string[]) {}
  peek(): string | undefined {
    return this.runes[this.pos];
  }
  next(): string | undefined {
    return this.runes[this.pos++];
  }
}

const TEXT_BREAKERS = ["?", "*", "[", "{"];
const TERMS_BREAKERS = [...TEXT_BREAKERS, "}", ","];

function readText(lx: Lexer, breakers: string[]): string[] {
  const out: string[] = [];
  let escaped = false;
  for (let r = lx.peek(); r !== undefined; r = lx.peek()) {
    if (!escaped) {
      if (r === "\\") {
        lx.next();
        escaped = true;
        continue;
      }
      if (breakers.includes(r)) break;
    }
    lx.next();
    escaped = false;
    out.push(r);
  }
  return out;
}

function parseRange(lx: Lexer): Node | null {
  let not = false;
  let lo: string | undefined;
  let hi: string | undefined;
  let chars: string[] = [];
  let wantHi = false;
  for (;;) {
    const r = lx.next();
    if (r === undefined) return null;
    if (wantHi) {
      hi = r;
      if (lx.next() !== "]") return null;
      break;
    }
    if (!not && r === "!") {
      not = true;
      continue;
    }
    if (lx.peek() === "-") {
      lx.next();
      lo = r;
      wantHi = true;
      continue;
    }
    lx.pos--;
    chars = readText(lx, ["]"]);
    if (lx.next() !== "]") return null;
    break;
  }
  const isRange = lo !== undefined && hi !== undefined && lo !== "\0" && hi !== "\0";
  if (isRange === chars.length > 0) return null;
  if (isRange) {
    const l = lo!.codePointAt(0)!;
    const h = hi!.codePointAt(0)!;
    return h < l ? null : { kind: "range", lo: l, hi: h, not };
  }
  return { kind: "list", chars: chars.map((c) => c.codePointAt(0)!), not };
}

function parse(lx: Lexer, inTerms: boolean): { nodes: Node[]; end: string } | null {
  const nodes: Node[] = [];
  for (;;) {
    const r = lx.peek();
    if (r === undefined) return { nodes, end: "eof" };
    if (inTerms && (r === "," || r === "}")) {
      lx.next();
      return { nodes, end: r };
    }
    lx.next();
    if (r === "{") {
      const alternatives: Node[][] = [];
      for (;;) {
        const alt = parse(lx, true);
        if (!alt) return null;
        alternatives.push(alt.nodes);
        if (alt.end !== ",") break;
      }
      nodes.push({ kind: "anyOf", alternatives });
    } else if (r === "[") {
      const range = parseRange(lx);
      if (!range) return null;
      nodes.push(range);
    } else if (r === "?") {
      nodes.push({ kind: "single" });
    } else if (r === "*") {
      if (lx.peek() === "*") {
        lx.next();
        nodes.push({ kind: "super" });
      } else nodes.push({ kind: "any" });
    } else {
      lx.pos--;
      nodes.push({ kind: "text", text: readText(lx, inTerms ? TERMS_BREAKERS : TEXT_BREAKERS) });
    }
  }
}

export type Glob = (name: string) => boolean;

export function compileGlob(pattern: string): Glob | null {
  const parsed = parse(new Lexer([...pattern]), false);
  if (!parsed) return null;
  const nodes = parsed.nodes.filter((n) => n.kind !== "text" || n.text.length > 0);
  const [a, b, c] = nodes;
  // gobwas compiles prefix**suffix to a PrefixSuffix matcher, which lets the two overlap.
  if (nodes.length === 3 && a?.kind === "text" && b?.kind === "super" && c?.kind === "text") {
    const [prefix, suffix] = [a.text.join(""), c.text.join("")];
    return (name) => name.startsWith(prefix) && name.endsWith(suffix);
  }
  // A lone one-character matcher also accepts "" (it decodes utf8.RuneError from it).
  if (nodes.length === 1 && (a?.kind === "single" || a?.kind === "list" || a?.kind === "range")) {
    const one = (name: string) => matchNodes(nodes, 0, [...name], 0, []);
    return (name) => (name === "" ? matchNodes(nodes, 0, ["\uFFFD"], 0, []) : one(name));
  }
  return (name) => matchNodes(nodes, 0, [...name], 0, []);
}

function matchNodes(nodes: Node[], i: number, s: string[], at: number, tail: Node[][]): boolean {
  if (i === nodes.length) {
    if (tail.length === 0) return at === s.length;
    return matchNodes(tail[0]!, 0, s, at, tail.slice(1));
  }
  const n = nodes[i]!;
  switch (n.kind) {
    case "text":
      for (let k = 0; k < n.text.length; k++) if (s[at + k] !== n.text[k]) return false;
      return matchNodes(nodes, i + 1, s, at + n.text.length, tail);
    case "single":
      return at < s.length && s[at] !== "/" && matchNodes(nodes, i + 1, s, at + 1, tail);
    case "range":
    case "list": {
      if (at >= s.length) return false;
      const c = s[at]!.codePointAt(0)!;
      const hit = n.kind === "range" ? c >= n.lo && c <= n.hi : n.chars.includes(c);
      return hit !== n.not && matchNodes(nodes, i + 1, s, at + 1, tail);
    }
    case "any":
    case "super":
      for (let end = at; end <= s.length; end++) {
        if (matchNodes(nodes, i + 1, s, end, tail)) return true;
        if (n.kind === "any" && s[end] === "/") return false;
      }
      return false;
    case "anyOf": {
      const rest = [nodes.slice(i + 1), ...tail];
      return n.alternatives.some((alt) => matchNodes(alt, 0, s, at, rest));
    }
  }
}
