import { goQuoteRune } from "@/lib/helm/engine/fmt-quote";
import { GoInt, GoStruct, typedSlice, type GoMap, type GoValue } from "@/lib/helm/engine/value";
import { setJsonView } from "./go-json";
import { setKey } from "./sigs-yaml";
import { basicString, literalString, multiBasic, multiLiteral } from "./toml-strings";

/**
 * TOML 1.0 decoded as github.com/BurntSushi/toml's Unmarshal fills a map[string]interface{}:
 * integers int64, floats float64, arrays []interface{}, arrays of tables []map[string]interface{},
 * date-times time.Time. Errors read "toml: line N (last key "k"): …" as BurntSushi's do; the
 * wording after the prefix is close to, not always equal to, BurntSushi's.
 */
class TomlSyntaxError extends Error {}

const BARE = /[A-Za-z0-9_-]/;
/** A value without quotes or brackets; a date and a time may be separated by one space. */
const BARE_VALUE = /^[^\s,\]}#]+(?: [0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?/;
const DATE_TIME = new RegExp(
  String.raw`^[0-9]{4}-[0-9]{2}-[0-9]{2}` +
    String.raw`([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?$`,
);
const PREFIXED_INT = /^(0x[0-9A-Fa-f](_?[0-9A-Fa-f])*|0o[0-7](_?[0-7])*|0b[01](_?[01])*)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** time.Time as templates see it: printed as Go's Time.String(), marshaled as RFC 3339. */
function timeValue(text: string): GoStruct {
  const normalized = text.replace(" ", "T").replace(/z$/i, "Z");
  const s = new GoStruct("time.Time", {}, {}, "struct", () => normalized);
  return setJsonView(s, () => normalized);
}

class Parser {
  i = 0;
  line = 1;
  lastKey = "";
  readonly root: GoMap = {};
  private current: GoMap = this.root;
  /** Tables defined by a [header] or by a key path, and inline tables/arrays that are closed. */
  private readonly explicit = new Set<GoMap>();
  private readonly closed = new Set<unknown>();

  constructor(readonly s: string) {}

  fail(message: string): never {
    const where = this.lastKey ? `line ${this.line} (last key ${JSON.stringify(this.lastKey)})` : `line ${this.line}`;
    throw new TomlSyntaxError(`toml: ${where}: ${message}`);
  }

  /** %q of the next character, as BurntSushi's messages quote it. */
  private quoted(): string {
    return goQuoteRune(this.peek().codePointAt(0) ?? 0);
  }

  peek(n = 0): string {
    return this.s[this.i + n] ?? "";
  }

  ws(): void {
    while (this.peek() === " " || this.peek() === "\t") this.i++;
  }

  private comment(): void {
    if (this.peek() !== "#") return;
    while (this.i < this.s.length && this.peek() !== "\n") this.i++;
  }

  newline(): boolean {
    if (this.peek() === "\n") {
      this.i++;
      this.line++;
      return true;
    }
    if (this.peek() === "\r" && this.peek(1) === "\n") {
      this.i += 2;
      this.line++;
      return true;
    }
    return false;
  }

  /** Whitespace, comments and newlines (inside arrays). */
  private blank(): void {
    for (;;) {
      this.ws();
      this.comment();
      if (!this.newline()) return;
    }
  }

  parse(): GoMap {
    while (this.i < this.s.length) {
      this.ws();
      this.comment();
      if (this.newline()) continue;
      if (this.i >= this.s.length) break;
      if (this.peek() === "[") this.header();
      else this.keyValue(this.current);
      this.ws();
      this.comment();
      if (this.i < this.s.length && !this.newline()) {
        this.fail(`expected a top-level item to end with a newline, comment, or EOF, but got ${this.quoted()} instead`);
      }
    }
    return this.root;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === '"') parts.push(basicString(this));
      else if (c === "'") parts.push(literalString(this));
      else {
        const start = this.i;
        while (BARE.test(this.peek())) this.i++;
        if (this.i === start) this.fail(`expected key but got ${JSON.stringify(c)} instead`);
        parts.push(this.s.slice(start, this.i));
      }
      this.ws();
      if (this.peek() !== ".") return parts;
      this.i++;
    }
  }

  private descend(table: GoMap, key: string, implicit: boolean): GoMap {
    if (!Object.hasOwn(table, key)) {
      const t: GoMap = {};
      setKey(table, key, t);
      return t;
    }
    const v = table[key];
    if (Array.isArray(v) && implicit && v.length > 0 && !this.closed.has(v)) return v[v.length - 1] as GoMap;
    if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof GoStruct || this.closed.has(v)) {
      this.fail(`Key '${key}' has already been defined.`);
    }
    return v as GoMap;
  }

  private header(): void {
    this.i++;
    const array = this.peek() === "[";
    if (array) this.i++;
    const path = this.key();
    const name = path.join(".");
    if (array) {
      this.lastKey = name;
      if (this.peek() !== "]" || this.peek(1) !== "]") this.fail("expected ']]' to close the array of tables");
      this.i += 2;
      let t = this.root;
      for (const k of path.slice(0, -1)) t = this.descend(t, k, true);
      const last = path[path.length - 1]!;
      const existing = t[last];
      const list = Object.hasOwn(t, last) ? existing : typedSlice<GoValue>([], "[]map[string]interface {}");
      if (!Array.isArray(list) || this.closed.has(list)) this.fail(`Key '${name}' was already created as a hash.`);
      if (!Object.hasOwn(t, last)) setKey(t, last, list);
      this.current = {};
      (list as GoValue[]).push(this.current);
      return;
    }
    if (this.peek() !== "]") this.fail("expected ']' to close the table header");
    this.i++;
    let t = this.root;
    for (const k of path) t = this.descend(t, k, true);
    if (this.explicit.has(t)) {
      this.lastKey = "";
      this.fail(`Key '${name}' has already been defined.`);
    }
    this.lastKey = name;
    this.explicit.add(t);
    this.current = t;
  }

  private keyValue(table: GoMap): void {
    const path = this.key();
    if (this.peek() !== "=") this.fail(`expected '.' or '=', but got ${JSON.stringify(this.peek())} instead`);
    this.i++;
    this.ws();
    let t = table;
    for (const k of path.slice(0, -1)) {
      t = this.descend(t, k, false);
      this.explicit.add(t);
    }
    const last = path[path.length - 1]!;
    this.lastKey = path.join(".");
    if (Object.hasOwn(t, last)) this.fail(`Key '${this.lastKey}' has already been defined.`);
    setKey(t, last, this.value());
  }

  private value(): GoValue {
    const c = this.peek();
    if (c === '"') return this.peek(1) === '"' && this.peek(2) === '"' ? multiBasic(this) : basicString(this);
    if (c === "'") return this.peek(1) === "'" && this.peek(2) === "'" ? multiLiteral(this) : literalString(this);
    if (c === "[") return this.array();
    if (c === "{") return this.inlineTable();
    const m = BARE_VALUE.exec(this.s.slice(this.i));
    if (!m) this.fail(`expected value but found ${goQuoteRune(c.codePointAt(0) ?? 0)} instead`);
    this.i += m[0].length;
    return this.scalar(m[0]);
  }

  private scalar(t: string): GoValue {
    if (t === "true") return true;
    if (t === "false") return false;
    if (/^[+-]?(inf|nan)$/.test(t)) return t.endsWith("nan") ? NaN : t.startsWith("-") ? -Infinity : Infinity;
    if (DATE_TIME.test(t)) return timeValue(t);
    if (/^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$/.test(t)) return timeValue(t);
    if (PREFIXED_INT.test(t)) return this.int(t.replace(/_/g, ""), t);
    if (/^[+-]?(0|[1-9](_?[0-9])*)$/.test(t)) return this.int(t.replace(/_/g, ""), t);
    if (/^[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$/.test(t)) {
      return Number(t.replace(/_/g, ""));
    }
    if (/^[+-]?0[0-9]/.test(t)) this.fail(`Invalid integer ${JSON.stringify(t)}: cannot have leading zeroes`);
    return this.fail(`expected value but found ${JSON.stringify(t)} instead`);
  }

  private int(clean: string, raw: string): GoInt {
    const n = BigInt(clean);
    if (n < INT64_MIN || n > INT64_MAX) {
      this.fail(`Integer ${JSON.stringify(raw)} is out of the range of 64-bit signed integers`);
    }
    return new GoInt(n, "int64");
  }

  private array(): GoValue[] {
    this.i++;
    const out: GoValue[] = [];
    for (;;) {
      this.blank();
      if (this.peek() === "]") break;
      out.push(this.value());
      this.blank();
      if (this.peek() === ",") {
        this.i++;
        continue;
      }
      if (this.peek() !== "]") this.fail(`expected a comma (',') or array terminator (']'), but got ${this.quoted()}`);
      break;
    }
    this.i++;
    this.closed.add(out);
    return out;
  }

  private inlineTable(): GoMap {
    this.i++;
    const out: GoMap = {};
    this.ws();
    if (this.peek() === "}") {
      this.i++;
      this.closed.add(out);
      return out;
    }
    for (;;) {
      this.keyValue(out);
      this.ws();
      if (this.peek() === ",") {
        this.i++;
        continue;
      }
      if (this.peek() !== "}") {
        this.fail(`expected a comma or an inline table terminator '}', but got ${this.quoted()} instead`);
      }
      this.i++;
      this.closed.add(out);
      return out;
    }
  }
}

/** Helm's fromToml: the map, or only {"Error": …} when the document does not parse. */
export function parseToml(text: string): GoMap {
  try {
    return new Parser(text).parse();
  } catch (e) {
    if (!(e instanceof TomlSyntaxError)) throw e;
    return { Error: e.message };
  }
}
