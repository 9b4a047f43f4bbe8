import { GoInt, GoStruct, isGoFunc, type GoValue } from "@/lib/helm/engine/value";
import { compareGoStrings, formatFloatF } from "./go-strconv";

/**
 * github.com/BurntSushi/toml v1.5.0's Encoder (encode.go) over template values, as Helm's toToml
 * calls it: plain keys first, then tables, each group sorted; nil values left out; floats always
 * with a decimal point. Errors come back as their message, which Helm's toToml returns as text.
 */
type TomlType = "integer" | "float" | "string" | "bool" | "datetime" | "array" | "hash" | "arrayHash" | null;

class TomlError extends Error {}

const REPLACEMENTS: Record<string, string> = {
  ...{ '"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t" },
  ...{ "\n": "\\n", "\f": "\\f", "\r": "\\r" },
};

function quoteBody(s: string): string {
  const escape = (c: string) => REPLACEMENTS[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return s.replace(/["\\\x00-\x1f\x7f]/g, escape);
}

const BARE = /^[A-Za-z0-9_-]+$/;

function quotedKey(k: string): string {
  if (k === "") return '""';
  return BARE.test(k) ? k : `"${quoteBody(k)}"`;
}

function keyString(key: string[]): string {
  return key.map(quotedKey).join(".");
}

function isNil(v: GoValue): boolean {
  return v === null || v === undefined;
}

function entriesOf(v: GoValue): [string, GoValue][] {
  if (v instanceof GoStruct) return Object.entries(v.fields);
  return Object.entries(v as Record<string, GoValue>);
}

function isTableArray(arr: GoValue[]): boolean {
  if (arr.length === 0) return false;
  let ret = true;
  for (const item of arr) {
    const tt = tomlTypeOf(item);
    if (tt === null) throw new TomlError("toml: cannot encode array with nil element");
    if (ret && tt !== "hash") ret = false;
  }
  return ret;
}

function tomlTypeOf(v: GoValue): TomlType {
  if (isNil(v)) return null;
  if (v instanceof GoStruct) return v.kind === "slice" ? "array" : "hash";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "integer";
    case "number":
      return "float";
    case "string":
      return "string";
  }
  if (v instanceof GoInt) return "integer";
  if (isGoFunc(v)) throw new TomlError("unsupported type: func");
  if (Array.isArray(v)) return isTableArray(v) ? "arrayHash" : "array";
  return "hash";
}

const isTable = (t: TomlType) => t === "hash" || t === "arrayHash";

class Encoder {
  out = "";
  private written = false;

  private wf(s: string): void {
    this.out += s;
    this.written = true;
  }

  private newline(): void {
    if (this.written) this.wf("\n");
  }

  private indent(key: string[]): string {
    return "  ".repeat(Math.max(key.length - 1, 0));
  }

  encode(key: string[], v: GoValue): void {
    if (isNil(v)) return;
    const t = tomlTypeOf(v);
    if (t === "hash") return this.table(key, v);
    if (t === "arrayHash") return this.arrayOfTables(key, v as GoValue[]);
    this.keyValue(key, v, false);
  }

  private keyValue(key: string[], v: GoValue, inline: boolean): void {
    if (key.length === 0) return this.element(v);
    this.wf(`${this.indent(key)}${quotedKey(key[key.length - 1]!)} = `);
    this.element(v);
    if (!inline) this.newline();
  }

  private element(v: GoValue): void {
    if (typeof v === "string") return this.wf(`"${quoteBody(v)}"`);
    if (typeof v === "boolean") return this.wf(v ? "true" : "false");
    if (typeof v === "bigint") return this.wf(v.toString());
    if (v instanceof GoInt) return this.wf(v.value.toString());
    if (typeof v === "number") {
      if (Number.isNaN(v)) return this.wf("nan");
      if (!Number.isFinite(v)) return this.wf(v < 0 ? "-inf" : "inf");
      const s = formatFloatF(v);
      return this.wf(s.includes(".") ? s : `${s}.0`);
    }
    if (Array.isArray(v) || (v instanceof GoStruct && v.kind === "slice")) {
      const items = Array.isArray(v) ? v : Object.values(v.fields);
      this.wf("[");
      items.forEach((item, i) => {
        if (isNil(item)) throw new TomlError("toml: cannot encode array with nil element");
        this.element(item);
        if (i !== items.length - 1) this.wf(", ");
      });
      return this.wf("]");
    }
    if (isGoFunc(v) || isNil(v)) throw new TomlError("unexpected type: <nil>");
    this.map([], v, true);
  }

  private arrayOfTables(key: string[], items: GoValue[]): void {
    if (key.length === 0) throw new TomlError("toml: top-level values must be Go maps or structs");
    for (const item of items) {
      if (isNil(item)) continue;
      this.newline();
      this.wf(`${this.indent(key)}[[${keyString(key)}]]`);
      this.newline();
      this.map(key, item, false);
    }
  }

  private table(key: string[], v: GoValue): void {
    if (key.length === 1) this.newline();
    if (key.length > 0) {
      this.wf(`${this.indent(key)}[${keyString(key)}]`);
      this.newline();
    }
    this.map(key, v, false);
  }

  /** eMap and eStruct: plain values first, then tables; map keys sorted, struct fields in order. */
  private map(key: string[], v: GoValue, inline: boolean): void {
    const struct = v instanceof GoStruct && v.kind !== "map";
    const direct: [string, GoValue][] = [];
    const sub: [string, GoValue][] = [];
    for (const entry of entriesOf(v)) (isTable(tomlTypeOf(entry[1])) ? sub : direct).push(entry);
    if (!struct) for (const group of [direct, sub]) group.sort(([a], [b]) => compareGoStrings(a, b));
    const total = direct.length + sub.length;
    const write = (group: [string, GoValue][], trailComma: boolean, offset: number) => {
      group.forEach(([k, val], i) => {
        if (isNil(val)) return;
        if (!inline) return this.encode([...key, k], val);
        this.keyValue([k], val, true);
        const last = struct ? offset + i === total - 1 : i === group.length - 1;
        if (trailComma || !last) this.wf(", ");
      });
    };
    if (inline) this.wf("{");
    write(direct, !struct && sub.length > 0, 0);
    write(sub, false, direct.length);
    if (inline) this.wf("}");
  }
}

/** Helm's toToml: the document, or the encoder's error message. */
export function marshalToml(v: GoValue): string {
  const e = new Encoder();
  try {
    // BurntSushi panics on a nil document; text/template turns that into the call's error.
    if (isNil(v)) throw new Error("reflect: call of reflect.Value.Type on zero Value");
    e.encode([], v);
  } catch (err) {
    if (err instanceof TomlError) return err.message;
    throw err;
  }
  return e.out;
}
