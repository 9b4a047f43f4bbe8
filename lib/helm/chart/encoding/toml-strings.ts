/**
 * TOML's four string forms (basic, literal, and their multi-line variants) with TOML 1.0's escapes,
 * read from the decoder's position.
 */
export interface Cursor {
  readonly s: string;
  i: number;
  line: number;
  fail(message: string): never;
  peek(n?: number): string;
  ws(): void;
  newline(): boolean;
}

const ESCAPES: Record<string, string> = {
  ...{ b: "\b", t: "\t", n: "\n", f: "\f", r: "\r" },
  ...{ '"': '"', "\\": "\\", e: "\x1b" },
};

function escape(p: Cursor): string {
  const c = p.peek();
  p.i++;
  if (ESCAPES[c] !== undefined) return ESCAPES[c]!;
  if (c === "u" || c === "U") {
    const len = c === "u" ? 4 : 8;
    const hex = p.s.slice(p.i, p.i + len);
    if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) p.fail(`invalid escape: '\\${c}'`);
    p.i += len;
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      p.fail(`Escaped character '\\${c}${hex}' is not valid UTF-8.`);
    }
    return String.fromCodePoint(cp);
  }
  return p.fail(`invalid escape: '\\${c}'`);
}

export function basicString(p: Cursor): string {
  p.i++;
  let out = "";
  for (;;) {
    const c = p.peek();
    if (c === "" || c === "\n") p.fail("unexpected EOF; expected '\"'");
    p.i++;
    if (c === '"') return out;
    out += c === "\\" ? escape(p) : c;
  }
}

export function literalString(p: Cursor): string {
  p.i++;
  const end = p.s.indexOf("'", p.i);
  const nl = p.s.indexOf("\n", p.i);
  if (end < 0 || (nl >= 0 && nl < end)) p.fail("unexpected EOF; expected \"'\"");
  const out = p.s.slice(p.i, end);
  p.i = end + 1;
  return out;
}

export function multiBasic(p: Cursor): string {
  p.i += 3;
  p.newline();
  let out = "";
  for (;;) {
    if (p.i >= p.s.length) p.fail("unexpected EOF; expected '\"\"\"'");
    if (p.s.startsWith('"""', p.i)) {
      let q = 3;
      while (p.peek(q) === '"' && q < 5) q++;
      out += '"'.repeat(q - 3);
      p.i += q;
      return out;
    }
    const c = p.peek();
    if (c === "\\" && /^\\[ \t]*\r?\n/.test(p.s.slice(p.i))) {
      p.i++;
      for (;;) {
        p.ws();
        if (!p.newline()) break;
      }
      continue;
    }
    if (p.newline()) {
      out += "\n";
      continue;
    }
    p.i++;
    out += c === "\\" ? escape(p) : c;
  }
}

export function multiLiteral(p: Cursor): string {
  p.i += 3;
  p.newline();
  const end = p.s.indexOf("'''", p.i);
  if (end < 0) p.fail("unexpected EOF; expected \"'''\"");
  let stop = end + 3;
  while (p.s[stop] === "'" && stop < end + 5) stop++;
  const out = p.s.slice(p.i, stop - 3).replace(/\r\n/g, "\n");
  p.line += (out.match(/\n/g) ?? []).length;
  p.i = stop;
  return out;
}
