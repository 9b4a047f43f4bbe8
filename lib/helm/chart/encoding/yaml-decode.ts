import { Alias, Document, isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Node } from "yaml";
import { formatFloatG } from "./go-strconv";
import { decodeBlockYaml } from "./yaml-block-decode";
import { resolve, TAG } from "./yaml-resolve";
import { YamlMap, type YamlValue } from "./yaml-value";

/**
 * yaml.v2's Unmarshal into interface{}: the `yaml` package parses (YAML 1.1 syntax, every scalar
 * kept as text), and yaml.v2's own rules give the types: resolve() for plain scalars, explicit
 * !!tags, "<<" merge keys, aliases re-decoded, and only the first document of a stream.
 */
export class YamlSyntaxError extends Error {}

const PARSE_OPTIONS = {
  version: "1.1",
  schema: "failsafe",
  uniqueKeys: false,
  strict: false,
  prettyErrors: true,
  stringKeys: false,
} as const;

/**
 * Decoded documents by text. A render decodes each manifest twice (its head, then all of it) and
 * `fromYaml` meets the same included text many times; the decoded tree is never mutated by its
 * readers, so it can be shared. Bounded: the oldest entries go first.
 */
const decoded = new Map<string, YamlValue>();
const MAX_DECODED = 1024;

export function decodeYamlV2(text: string): YamlValue {
  const hit = decoded.get(text);
  if (hit !== undefined) return hit;
  const value = decodeUncached(text);
  if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value!);
  decoded.set(text, value);
  return value;
}

function decodeUncached(text: string): YamlValue {
  const quick = decodeBlockYaml(text);
  return quick !== undefined ? quick : decodeYamlV2Full(text);
}

/** The full reader, for any YAML; decodeYamlV2 uses it where the quick block reader declines. */
export function decodeYamlV2Full(text: string): YamlValue {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0] as Document.Parsed | undefined;
  if (!doc) return null;
  if (doc.errors.length > 0) throw new YamlSyntaxError(yamlV2Message(doc.errors[0] as unknown as ParseError, text));
  if (doc.contents === null) return null;
  return new Decoder(doc).node(doc.contents as Node);
}

class Decoder {
  private readonly active = new Set<Node>();
  constructor(private readonly doc: Document.Parsed) {}

  node(n: Node): YamlValue {
    if (isAlias(n)) return this.alias(n);
    if (isScalar(n)) return this.scalar(n);
    if (isSeq(n)) return n.items.map((item) => this.node(item as Node));
    if (isMap(n)) {
      const out = new YamlMap();
      this.mapInto(n, out);
      return out;
    }
    throw new YamlSyntaxError("yaml: unknown node");
  }

  private alias(a: Alias): YamlValue {
    const target = a.resolve(this.doc) as Node | undefined;
    if (!target) throw new YamlSyntaxError(`yaml: unknown anchor '${a.source}' referenced`);
    if (this.active.has(target)) throw new YamlSyntaxError(`yaml: anchor '${a.source}' value contains itself`);
    this.active.add(target);
    try {
      return this.node(target);
    } finally {
      this.active.delete(target);
    }
  }

  private scalar(s: Scalar): YamlValue {
    const text = String(s.value ?? "");
    const tag = s.tag ?? "";
    const plain = s.type === "PLAIN" || s.type === undefined;
    if (tag === "" && !plain) return text;
    if (tag === TAG.binary) return decodeBinary(text);
    const r = resolve(tag, text);
    return r.tag === TAG.timestamp ? text : r.value;
  }

  /** decoder.mapping into an existing map: merge keys are applied where they appear. */
  private mapInto(n: Node, out: YamlMap): void {
    if (!isMap(n)) return;
    for (const pair of n.items) {
      const key = pair.key as Node | null;
      const value = (pair.value ?? null) as Node | null;
      if (key && isScalar(key) && key.value === "<<" && (key.tag ? key.tag === TAG.merge : key.type === "PLAIN")) {
        this.merge(value, out);
        continue;
      }
      const k = key === null ? null : this.node(key);
      if (Array.isArray(k) || k instanceof YamlMap) throw new YamlSyntaxError(`yaml: invalid map key: ${goSyntax(k)}`);
      out.set(k, value === null ? null : this.node(value));
    }
  }

  private merge(value: Node | null, out: YamlMap): void {
    const wantMap = () => new YamlSyntaxError("yaml: map merge requires map or sequence of maps as the value");
    const mapping = (n: Node): Node => {
      const target = isAlias(n) ? (n.resolve(this.doc) as Node | undefined) : n;
      if (!target) throw new YamlSyntaxError(`yaml: unknown anchor '${(n as Alias).source}' referenced`);
      if (!isMap(target)) throw wantMap();
      return target;
    };
    if (value && isSeq(value)) {
      // Earlier maps in the list take precedence, so they are applied last.
      for (const item of [...value.items].reverse()) this.mapInto(mapping(item as Node), out);
    } else if (value && (isMap(value) || isAlias(value))) {
      this.mapInto(mapping(value), out);
    } else {
      throw wantMap();
    }
  }
}

/** Go's base64.StdEncoding.DecodeString: padding required, only CR and LF skipped. */
function decodeBinary(text: string): string {
  const b64 = text.replace(/[\r\n]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw new YamlSyntaxError("yaml: !!binary value contains invalid base64 data");
  }
  return Buffer.from(b64, "base64").toString("utf8");
}

/** fmt's %#v of a decoded value, for the messages that quote one. */
export function goSyntax(v: YamlValue): string {
  if (v === null) return "interface {}(nil)";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return formatFloatG(v);
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSyntax).join(", ")}}`;
  return `map[interface {}]interface {}{${v.entries.map(([k, x]) => `${goSyntax(k)}:${goSyntax(x)}`).join(", ")}}`;
}

type ParseError = { code: string; message: string; pos: [number, number]; linePos?: [{ line: number }, ...unknown[]] };

/** yaml.v2's wording for the `yaml` package's error codes, and whether libyaml's scanner or parser says it. */
function v2Problem(code: string, first: string): [string, "scanner" | "parser"] | undefined {
  switch (code) {
    case "BLOCK_AS_IMPLICIT_KEY":
      return ["mapping values are not allowed in this context", "scanner"];
    case "TAB_AS_INDENT":
    case "BAD_SCALAR_START":
      return ["found character that cannot start any token", "scanner"];
    case "BAD_DQ_ESCAPE":
      return ["found unknown escape character", "scanner"];
    case "MULTILINE_IMPLICIT_KEY":
      return ["could not find expected ':'", "scanner"];
    case "BAD_INDENT":
      if (first.startsWith("Flow sequence")) return ["did not find expected ',' or ']'", "parser"];
      if (first.startsWith("Flow map")) return ["did not find expected ',' or '}'", "parser"];
      return ["did not find expected key", "parser"];
    case "MISSING_CHAR":
      if (first.includes("quote")) return ["found unexpected end of stream", "scanner"];
      if (first.startsWith("Flow map")) return ["did not find expected ',' or '}'", "parser"];
      if (first.startsWith("Flow sequence")) return ["did not find expected ',' or ']'", "parser"];
      return ["could not find expected ':'", "scanner"];
  }
  if (first.includes("block-seq-ind")) return ["block sequence entries are not allowed in this context", "scanner"];
  return undefined;
}

/**
 * yaml.v2's message for a syntax error, "yaml: line N: …", where N follows libyaml's marks: the
 * 0-based line for parser errors, one more for scanner errors, none on the first line, and the
 * end of a stream without a final newline counting as one more line.
 */
function yamlV2Message(err: ParseError, text: string): string {
  const first = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const [problem, kind] = v2Problem(err.code, first) ?? [first, "parser"];
  let line = (err.linePos?.[0]?.line ?? 1) - 1;
  const atEnd = err.pos[0] >= text.length && text.length > 0 && !text.endsWith("\n");
  if (atEnd && problem !== "found unexpected end of stream") line++;
  if (line === 0) return `yaml: ${problem}`;
  return `yaml: line ${kind === "scanner" ? line + 1 : line}: ${problem}`;
}
