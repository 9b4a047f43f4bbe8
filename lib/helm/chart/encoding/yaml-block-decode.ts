import { resolve, TAG } from "./yaml-resolve";
import { YamlMap, type YamlValue } from "./yaml-value";

/**
 * A quick reader for the plain block YAML that rendered manifests and toYaml output are made of:
 * block mappings and sequences, plain and single-line quoted scalars, literal block scalars, empty
 * flow collections and comments. It gives exactly what the full decoder gives for such text, and
 * `undefined` for anything else (anchors, tags, flow collections, folded or multi-line scalars,
 * tabs, unusual characters, anything malformed), which the full decoder then reads and judges.
 */

/** Characters that make a text more than plain block YAML: tabs, CR, other controls, NEL, LS, PS, BOM, surrogates. */
const UNUSUAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;

/** First characters a plain scalar may not start with here (indicators, quotes, flow and block scalars are read apart). */
const NOT_PLAIN_START = new Set([..."[]{}#&*!|>'\"%@`,?:"]);

class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported();

function unsupported(): never {
  throw UNSUPPORTED;
}

interface Line {
  indent: number;
  text: string;
}

export function decodeBlockYaml(text: string): YamlValue | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return new BlockReader(text).document();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

class BlockReader {
  private readonly raw: string[];
  private readonly lines: (Line | null)[];
  private i = 0;

  constructor(text: string) {
    this.raw = text.split("\n");
    this.lines = this.raw.map((raw) => {
      let indent = 0;
      while (raw.charCodeAt(indent) === 32) indent++;
      const rest = raw.slice(indent);
      if (indent === 0 && (raw.startsWith("---") || raw.startsWith("...") || raw.startsWith("%"))) unsupported();
      return rest === "" || rest[0] === "#" ? null : { indent, text: rest };
    });
  }

  /** The next line with content, skipping blank and comment lines. */
  private peek(): Line | undefined {
    while (this.i < this.lines.length && this.lines[this.i] === null) this.i++;
    return this.lines[this.i] ?? undefined;
  }

  document(): YamlValue {
    const first = this.peek();
    if (!first) return null;
    const value = this.node(first, -1, false);
    if (this.peek()) unsupported();
    return value;
  }

  /** The block node starting on `line` (more indented than `parent`). */
  private node(line: Line, parent: number, inline: boolean): YamlValue {
    if (isSeqEntry(line.text)) return this.sequence(line.indent);
    const entry = mapEntry(line.text);
    if (entry) return this.mapping(line.indent);
    if (!inline) {
      const c = line.text[0];
      if (c === "|" || c === ">") unsupported();
    }
    this.i++;
    return this.scalar(line.text, parent);
  }

  private sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let line = this.peek(); line && line.indent === indent; line = this.peek()) {
      if (!isSeqEntry(line.text)) break;
      let skip = 1;
      while (line.text.charCodeAt(skip) === 32) skip++;
      const rest = line.text.slice(skip);
      if (rest === "" || rest[0] === "#") {
        this.i++;
        out.push(this.nested(indent, true));
      } else {
        // A compact node on the entry's line: read it as a line of its own at its column.
        const inner = { indent: indent + skip, text: rest };
        this.lines[this.i] = inner;
        out.push(this.node(inner, indent, true));
      }
    }
    const after = this.peek();
    if (after && after.indent > indent) unsupported();
    return out;
  }

  private mapping(indent: number): YamlMap {
    const out = new YamlMap();
    for (let line = this.peek(); line && line.indent === indent; line = this.peek()) {
      const entry = mapEntry(line.text);
      if (!entry) unsupported();
      const [key, rest] = entry;
      if (rest === "" || rest[0] === "#") {
        this.i++;
        out.set(key, this.nested(indent, false));
      } else {
        this.i++;
        out.set(key, this.scalar(rest, indent));
      }
    }
    const after = this.peek();
    if (after && after.indent > indent) unsupported();
    return out;
  }

  /** A value on the lines below its key or dash: deeper, or a sequence at a mapping key's own column. */
  private nested(indent: number, inSequence: boolean): YamlValue {
    const next = this.peek();
    if (!next) return null;
    if (next.indent > indent) return this.node(next, indent, false);
    if (!inSequence && next.indent === indent && isSeqEntry(next.text)) return this.sequence(indent);
    return null;
  }

  /** A scalar (or empty flow collection) written after a key or dash; `parent` is that node's column. */
  private scalar(text: string, parent: number): YamlValue {
    const c = text[0]!;
    if (c === '"' || c === "'") {
      const [value, end] = quoted(text);
      if (!blankOrComment(text, end)) unsupported();
      return value;
    }
    if (c === "|") return this.literal(text, parent);
    if (c === "[") return flowSequence(text);
    if (c === "{") {
      if (!text.startsWith("{}") || !blankOrComment(text, 2)) unsupported();
      return new YamlMap();
    }
    return plainValue(plain(text));
  }

  /** A literal block scalar (`|`, `|-`, `|+`); its lines are more indented than `parent`. */
  private literal(header: string, parent: number): string {
    const chomp = header[1] === "-" || header[1] === "+" ? header[1] : "";
    if (!blankOrComment(header, 1 + chomp.length)) unsupported();
    const start = this.i;
    let indent = -1;
    let leading = 0;
    let wide = false;
    let end = start;
    for (; end < this.raw.length; end++) {
      const line = this.raw[end]!;
      let spaces = 0;
      while (line.charCodeAt(spaces) === 32) spaces++;
      if (spaces === line.length) {
        if (indent < 0) leading = Math.max(leading, spaces);
        // More spaces than the indentation are content; only read here where content follows.
        else wide = spaces > indent;
        continue;
      }
      if (indent < 0) {
        if (spaces <= parent) break;
        indent = spaces;
      } else if (spaces < indent) break;
      wide = false;
    }
    this.i = end;
    if (indent < 0) {
      // No content: clipped or stripped, nothing; kept line breaks are left to the full decoder.
      if (chomp === "+") unsupported();
      return "";
    }
    // At the end of the text the last line has no line break, which keeping would show.
    if (wide || leading > indent || (chomp === "+" && end === this.raw.length)) unsupported();
    const body = this.raw.slice(start, end).map((line) => line.slice(indent));
    let trailing = 0;
    while (trailing < body.length && body[body.length - 1 - trailing] === "") trailing++;
    const content = body.slice(0, body.length - trailing).join("\n");
    if (chomp === "-") return content;
    if (chomp === "+") return content + "\n".repeat(trailing + 1);
    return content + "\n";
  }
}

function isSeqEntry(text: string): boolean {
  return text[0] === "-" && (text.length === 1 || text[1] === " ");
}

function blankOrComment(text: string, from: number): boolean {
  let i = from;
  while (text.charCodeAt(i) === 32) i++;
  return i === text.length || (i > from && text[i] === "#");
}

/** A mapping entry's key and what follows its colon (trimmed), or null when the line is no entry. */
function mapEntry(text: string): [YamlValue, string] | null {
  const c = text[0]!;
  let key: YamlValue;
  let colon: number;
  if (c === '"' || c === "'") {
    let end: number;
    try {
      [key, end] = quoted(text);
    } catch {
      return null;
    }
    colon = end;
    while (text.charCodeAt(colon) === 32) colon++;
    if (text[colon] !== ":" || (colon + 1 < text.length && text[colon + 1] !== " ")) return null;
  } else {
    colon = entryColon(text);
    if (colon < 0) return null;
    const name = text.slice(0, colon).trimEnd();
    if (name === "" || name === "<<" || name.length > 1000 || name.includes(":") || name.includes(" #") || NOT_PLAIN_START.has(c)) unsupported();
    if (c === "-" && (name.length === 1 || name[1] === " ")) unsupported();
    key = plainValue(name);
  }
  let rest = colon + 1;
  while (text.charCodeAt(rest) === 32) rest++;
  return [key, text.slice(rest)];
}

/** Where a plain key's ": " (or final ":") is; -1 when there is none before a comment. */
function entryColon(text: string): number {
  const hash = text.indexOf(" #");
  for (let i = text.indexOf(":"); i >= 0; i = text.indexOf(":", i + 1)) {
    if (hash >= 0 && hash < i) return -1;
    if (i + 1 === text.length || text[i + 1] === " ") return i;
  }
  return -1;
}

/** A plain scalar after a key or dash: up to a comment, trimmed; nothing that would start a nested node. */
function plain(text: string): string {
  if (NOT_PLAIN_START.has(text[0]!) || isSeqEntry(text)) unsupported();
  const hash = text.indexOf(" #");
  const value = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
  if (value.includes(": ") || value.endsWith(":")) unsupported();
  return value;
}

/** yaml.v2's type for a plain scalar; timestamps stay text, as decoding into interface{} leaves them. */
function plainValue(text: string): YamlValue {
  const r = resolve("", text);
  return r.tag === TAG.timestamp ? text : r.value;
}

/** Plain scalars inside a one-line flow sequence: only these characters, so no indicator can be among them. */
const FLOW_PLAIN = /^[A-Za-z0-9_./=+@-]+$/;

/** A flow sequence on one line, of quoted scalars and simple plain ones: `["-c", "exec x"]`. */
function flowSequence(text: string): YamlValue[] {
  const out: YamlValue[] = [];
  let i = 1;
  for (;;) {
    while (text.charCodeAt(i) === 32) i++;
    if (text[i] === "]") break;
    const c = text[i];
    if (c === '"' || c === "'") {
      const [value, end] = quoted(text.slice(i));
      out.push(value);
      i += end;
    } else {
      let end = i;
      while (end < text.length && text[end] !== "," && text[end] !== "]") end++;
      const item = text.slice(i, end).trimEnd();
      if (!FLOW_PLAIN.test(item) || item === "-") unsupported();
      out.push(plainValue(item));
      i = end;
    }
    while (text.charCodeAt(i) === 32) i++;
    if (text[i] === ",") i++;
    else if (text[i] !== "]") unsupported();
  }
  if (!blankOrComment(text, i + 1)) unsupported();
  return out;
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r", "0": "\0" };

/** A quoted scalar closed on its line: its value and the index after the closing quote. */
function quoted(text: string): [string, number] {
  const q = text[0]!;
  let out = "";
  let i = 1;
  for (;;) {
    const next = q === "'" ? text.indexOf("'", i) : nextOf(text, i);
    if (next < 0) unsupported();
    out += text.slice(i, next);
    if (q === "'") {
      if (text[next + 1] === "'") {
        out += "'";
        i = next + 2;
        continue;
      }
      return [out, next + 1];
    }
    if (text[next] === '"') return [out, next + 1];
    const e = text[next + 1];
    if (e === "u") {
      const hex = text.slice(next + 2, next + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) unsupported();
      const code = parseInt(hex, 16);
      if (code >= 0xd800 && code <= 0xdfff) unsupported();
      out += String.fromCharCode(code);
      i = next + 6;
      continue;
    }
    const plainEscape = e === undefined ? undefined : ESCAPES[e];
    if (plainEscape === undefined) unsupported();
    out += plainEscape;
    i = next + 2;
  }
}

/** The next `"` or `\` in a double-quoted scalar. */
function nextOf(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 92) return i;
  }
  return -1;
}
