/**
 * Go's encoding/json for Sprig's JSON functions: Marshal's output (sorted keys, HTML-safe escapes,
 * Go's float format, MarshalIndent's layout) and Unmarshal's syntax errors, which come from a port
 * of its scanner ("invalid character 'x' looking for beginning of value").
 */
import { compareGoStrings, goTypeString } from "../fmt";
import { formatFloat } from "../fmt-ftoa";
import { goQuote, utf8Bytes } from "../fmt-quote";
import { fn, GoError } from "./func";
import { GoInt, GoStruct, isGoFunc, type GoFunc, type GoValue } from "../value";

function quoteString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || (escapeHTML && (ch === "<" || ch === ">" || ch === "&")) || c === 0x2028 || c === 0x2029) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else if (c >= 0xd800 && c < 0xe000) out += "\ufffd";
    else out += ch;
  }
  return out + '"';
}

function floatString(f: number): string {
  if (!Number.isFinite(f)) throw new GoError(`json: unsupported value: ${formatFloat(f, "g", -1)}`);
  const abs = Math.abs(f);
  const exp = abs !== 0 && (abs < 1e-6 || abs >= 1e21);
  let s = formatFloat(f, exp ? "e" : "f", -1);
  if (exp) s = s.replace(/e-0(\d)$/, "e-$1");
  return s;
}

/** json.Marshal (indent: MarshalIndent with prefix "" and that indent). */
export function marshal(v: GoValue, escapeHTML: boolean, indent = "", depth = 0): string {
  const nl = (d: number) => (indent ? "\n" + indent.repeat(d) : "");
  const list = (items: string[], open: string, close: string) =>
    items.length === 0 ? open + close : open + items.map((x) => nl(depth + 1) + x).join(",") + nl(depth) + close;
  const member = (k: string, x: GoValue) =>
    quoteString(k, escapeHTML) + (indent ? ": " : ":") + marshal(x, escapeHTML, indent, depth + 1);
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "boolean":
      return String(v);
    case "string":
      return quoteString(v, escapeHTML);
    case "number":
      return floatString(v);
    case "bigint":
      return v.toString();
  }
  if (v instanceof GoInt) return v.value.toString();
  if (Array.isArray(v)) return list(v.map((x) => marshal(x, escapeHTML, indent, depth + 1)), "[", "]");
  if (isGoFunc(v)) throw new GoError(`json: unsupported type: ${goTypeString(v)}`);
  if (v instanceof GoStruct) {
    const exported = Object.entries(v.fields).filter(([k]) => /^[A-Z]/.test(k));
    // A value with only unexported fields and a String method (semver.Version) marshals as that text.
    if (exported.length === 0 && v.stringer) return quoteString(v.stringer(), escapeHTML);
    const entries = v.kind === "map" ? Object.entries(v.fields).sort(([a], [b]) => compareGoStrings(a, b)) : exported;
    return list(entries.map(([k, x]) => member(k, x)), "{", "}");
  }
  const keys = Object.keys(v).sort(compareGoStrings);
  return list(keys.map((k) => member(k, v[k] ?? null)), "{", "}");
}

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** encoding/json's scanner: the first syntax error, in Go's words, or the first number too big. */
export function checkJSON(text: string): string | undefined {
  const b = utf8Bytes(text);
  let i = 0;
  let depth = 0;
  const fail = (context: string): never => {
    // At the end Go feeds the scanner a space: inside a number, literal or escape that is the error.
    const atEnd = i >= b.length;
    if (atEnd && !/numeric literal|^in literal|escape/.test(context)) {
      throw new GoError("unexpected end of JSON input");
    }
    const c = atEnd ? 0x20 : b[i]!;
    const q = c === 0x27 ? "'\\''" : c === 0x22 ? "'\"'" : "'" + goQuote(String.fromCharCode(c)).slice(1, -1) + "'";
    throw new GoError(`invalid character ${q} ${context}`);
  };
  const skip = () => {
    while (isSpace(b[i])) i++;
  };
  const digits = () => {
    const start = i;
    while (b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    return i > start;
  };
  let tooBig: string | undefined;
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++, i++) {
      if (b[i] !== word.charCodeAt(k)) fail(`in literal ${word} (expecting '${word[k]}')`);
    }
  };
  const string = () => {
    for (i++; ; i++) {
      const c = b[i];
      if (c === undefined) fail("");
      if (c === 0x22) return void i++;
      if (c! < 0x20) fail("in string literal");
      if (c === 0x5c) {
        i++;
        if (b[i] === 0x75) {
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(b[++i] ?? 0))) fail("in \\u hexadecimal character escape");
          }
        } else if (b[i] === undefined || !"bfnrt\\/\"".includes(String.fromCharCode(b[i]!))) {
          fail("in string escape code");
        }
      }
    }
  };
  const number = () => {
    const start = i;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (!digits()) fail("in numeric literal");
    if (b[i] === 0x2e) {
      i++;
      if (!digits()) fail("after decimal point in numeric literal");
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!digits()) fail("in exponent of numeric literal");
    }
    const lit = Buffer.from(b.subarray(start, i)).toString();
    if (!tooBig && !Number.isFinite(Number(lit))) {
      tooBig = `json: cannot unmarshal number ${lit} into Go value of type float64`;
    }
  };
  const value = (): void => {
    skip();
    const c = b[i];
    if (c === 0x7b || c === 0x5b) {
      if (++depth > 10000) fail("exceeded max depth");
      const close = c === 0x7b ? 0x7d : 0x5d;
      i++;
      skip();
      if (b[i] === close) {
        i++;
        depth--;
        return;
      }
      for (;;) {
        if (c === 0x7b) {
          skip();
          if (b[i] !== 0x22) fail("looking for beginning of object key string");
          string();
          skip();
          if (b[i] !== 0x3a) fail("after object key");
          i++;
        }
        value();
        skip();
        if (b[i] === close) break;
        if (b[i] !== 0x2c) fail(c === 0x7b ? "after object key:value pair" : "after array element");
        i++;
      }
      i++;
      depth--;
    } else if (c === 0x22) string();
    else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) number();
    else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
      i++;
      literal(word);
    } else fail("looking for beginning of value");
  };
  value();
  skip();
  if (i < b.length) fail("after top-level value");
  return tooBig;
}

/** json.Unmarshal into interface{}: objects, arrays, float64s, strings, bools and nil. */
export function unmarshal(text: string): GoValue {
  const err = checkJSON(text);
  if (err) throw new GoError(err);
  // Go decodes an escaped lone surrogate as U+FFFD.
  const fix = (_k: string, v: unknown) => (typeof v === "string" ? v.replace(/[\ud800-\udfff]/gu, "\ufffd") : v);
  return JSON.parse(text, fix) as GoValue;
}

function orEmpty(f: () => string): string {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoError) return "";
    throw e;
  }
}

const I = "interface {}";
const S = "string";
const err = { returnsError: true };

export const jsonFunctions: Record<string, GoFunc> = {
  toJson: fn([I], S, (v) => orEmpty(() => marshal(v, true))),
  mustToJson: fn([I], S, (v) => marshal(v, true), err),
  toPrettyJson: fn([I], S, (v) => orEmpty(() => marshal(v, true, "  "))),
  mustToPrettyJson: fn([I], S, (v) => marshal(v, true, "  "), err),
  toRawJson: fn([I], S, (v) => marshal(v, false)),
  mustToRawJson: fn([I], S, (v) => marshal(v, false), err),
  fromJson: fn([S], I, (s) => {
    try {
      return unmarshal(s);
    } catch {
      return null;
    }
  }),
  mustFromJson: fn([S], I, unmarshal, err),
};
