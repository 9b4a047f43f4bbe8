import { goQuote } from "@/lib/helm/engine/fmt-quote";
import type { GoMap, GoValue } from "@/lib/helm/engine/value";
import { wellFormed } from "./go-json";
import { setKey } from "./sigs-yaml";

/**
 * encoding/json's Unmarshal into interface{}, map[string]interface{} or []interface{}: the whole
 * input is checked first with Go's scanner (so syntax errors read as Go's do), then decoded with
 * numbers as float64. Type errors do not stop decoding; the first one is reported.
 */
export class JsonSyntaxError extends Error {}

const SPACE = new Set([0x20, 0x09, 0x0d, 0x0a]);

function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const q = goQuote(String.fromCodePoint(c));
  return `'${q.slice(1, -1)}'`;
}

class Scanner {
  i = 0;
  /** Type errors met while decoding (Go keeps the first). */
  readonly errors: string[] = [];
  constructor(readonly b: Buffer) {}

  fail(context: string): never {
    if (this.i >= this.b.length) throw new JsonSyntaxError("unexpected end of JSON input");
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.b[this.i]!)} ${context}`);
  }
  skip(): void {
    while (this.i < this.b.length && SPACE.has(this.b[this.i]!)) this.i++;
  }
  peek(): number | undefined {
    return this.b[this.i];
  }
  expect(c: string, context: string): void {
    if (this.b[this.i] !== c.charCodeAt(0)) this.fail(context);
    this.i++;
  }

  value(): GoValue {
    this.skip();
    const c = this.peek();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (c !== word.charCodeAt(0)) continue;
      this.i++;
      for (const ch of word.slice(1)) this.expect(ch, `in literal ${word} (expecting '${ch}')`);
      return value;
    }
    this.fail("looking for beginning of value");
  }

  private digits(): void {
    while (this.i < this.b.length && this.b[this.i]! >= 0x30 && this.b[this.i]! <= 0x39) this.i++;
  }

  private isDigit(): boolean {
    const c = this.peek();
    return c !== undefined && c >= 0x30 && c <= 0x39;
  }

  number(): GoValue {
    const start = this.i;
    if (this.peek() === 0x2d) {
      this.i++;
      if (!this.isDigit()) this.fail("in numeric literal");
    }
    if (this.peek() === 0x30) this.i++;
    else this.digits();
    if (this.peek() === 0x2e) {
      this.i++;
      if (!this.isDigit()) this.fail("after decimal point in numeric literal");
      this.digits();
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      if (!this.isDigit()) this.fail("in exponent of numeric literal");
      this.digits();
    }
    const text = this.b.subarray(start, this.i).toString("latin1");
    const n = Number(text);
    if (Number.isFinite(n)) return n;
    this.errors.push(`json: cannot unmarshal number ${text} into Go value of type float64`);
    return null;
  }

  string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail("in string literal");
      if (c === 0x22) {
        this.i++;
        return wellFormed(JSON.parse(this.b.subarray(start, this.i).toString("utf8")) as string);
      }
      if (c === 0x5c) {
        this.i++;
        const e = this.peek();
        if (e === 0x75) {
          this.i++;
          for (let k = 0; k < 4; k++) {
            const hex = /[0-9a-fA-F]/.test(String.fromCharCode(this.peek() ?? 0));
            if (!hex) this.fail("in \\u hexadecimal character escape");
            this.i++;
          }
          continue;
        }
        if (e === undefined || !'bfnrt\\/"'.includes(String.fromCharCode(e))) this.fail("in string escape code");
        this.i++;
        continue;
      }
      if (c < 0x20) this.fail("in string literal");
      this.i++;
    }
  }

  object(): GoMap {
    const out: GoMap = {};
    this.i++;
    this.skip();
    if (this.peek() === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      this.skip();
      if (this.peek() !== 0x22) this.fail("looking for beginning of object key string");
      const key = this.string();
      this.skip();
      this.expect(":", "after object key");
      setKey(out, key, this.value());
      this.skip();
      if (this.peek() === 0x2c) {
        this.i++;
        continue;
      }
      this.expect("}", "after object key:value pair");
      return out;
    }
  }

  array(): GoValue[] {
    const out: GoValue[] = [];
    this.i++;
    this.skip();
    if (this.peek() === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skip();
      if (this.peek() === 0x2c) {
        this.i++;
        continue;
      }
      this.expect("]", "after array element");
      return out;
    }
  }
}

/** checkValid then decode: throws Go's SyntaxError text. */
function scan(text: string): { value: GoValue; errors: string[] } {
  const s = new Scanner(Buffer.from(text, "utf8"));
  const value = s.value();
  s.skip();
  if (s.i < s.b.length) s.fail("after top-level value");
  return { value, errors: s.errors };
}

function kindOf(v: GoValue): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  return Array.isArray(v) ? "array" : "object";
}

export type JsonTarget = "interface" | "map" | "slice";

/** json.Unmarshal into the target; the first error Go reports, if any, comes back with the value. */
export function unmarshalJson(text: string, target: JsonTarget): { value: GoValue; error?: string } {
  let scanned: { value: GoValue; errors: string[] };
  try {
    scanned = scan(text);
  } catch (e) {
    return { value: null, error: (e as Error).message };
  }
  const { value, errors } = scanned;
  if (target !== "interface" && value !== null) {
    const wanted = target === "map" ? "object" : "array";
    if (kindOf(value) !== wanted) {
      const type = target === "map" ? "map[string]interface {}" : "[]interface {}";
      return { value: null, error: `json: cannot unmarshal ${kindOf(value)} into Go value of type ${type}` };
    }
  }
  return { value, error: errors[0] };
}
