import { formatFloatG } from "./go-strconv";
import { Emitter, type YamlNode } from "./yaml-emitter";
import { isBase60Float, resolve, TAG } from "./yaml-resolve";
import { YamlMap, type YamlValue } from "./yaml-value";

/**
 * yaml.v2's Marshal of a decoded value (encode.go): map keys sorted by keyList.Less, strings plain
 * unless they would read back as another type, multi-line strings as literal blocks.
 */
export function marshalYamlV2(value: YamlValue): string {
  return marshalYamlNode(toNode(value));
}

export function marshalYamlNode(node: YamlNode): string {
  return new Emitter().document(node);
}

export function scalar(value: string, style: "plain" | "double" | "literal" = "plain"): YamlNode {
  return { kind: "scalar", value, style };
}

/** encoder.stringv: plain unless it would read back as something else; lines as a literal block. */
export function stringNode(s: string): YamlNode {
  const canUsePlain = resolve("", s).tag === TAG.str && !isBase60Float(s);
  if (s.includes("\n")) return scalar(s, "literal");
  return scalar(s, canUsePlain ? "plain" : "double");
}

export function floatText(x: number): string {
  if (Number.isNaN(x)) return ".nan";
  if (x === Infinity) return ".inf";
  if (x === -Infinity) return "-.inf";
  return formatFloatG(x);
}

export function toNode(v: YamlValue): YamlNode {
  if (v === null) return scalar("null");
  switch (typeof v) {
    case "boolean":
      return scalar(v ? "true" : "false");
    case "string":
      return stringNode(v);
    case "bigint":
      return scalar(v.toString());
    case "number":
      return scalar(floatText(v));
  }
  if (Array.isArray(v)) return { kind: "seq", items: v.map(toNode) };
  const entries = [...(v as YamlMap).entries].sort(([a], [b]) => keyOrder(a, b));
  return { kind: "map", pairs: entries.map(([k, val]) => [toNode(k), toNode(val)]) };
}

/** yaml.v2's key order as a comparator; the sort is stable, so equal keys keep their order. */
export function keyOrder(a: YamlValue, b: YamlValue): number {
  return keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0;
}

function keyKind(v: YamlValue): number {
  // reflect.Kind order: Bool < Int… < Float64 < … < Map < … < Slice < String.
  if (v === null) return 0;
  switch (typeof v) {
    case "boolean":
      return 1;
    case "bigint":
      return 2;
    case "number":
      return 14;
    case "string":
      return 24;
  }
  return Array.isArray(v) ? 23 : 21;
}

function keyFloat(v: YamlValue): number | undefined {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const SURROGATE = /[\uD800-\uDFFF]/;

function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return LETTER.test(ch);
}

function isDigit(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return DIGIT.test(ch);
}

/** The string's characters by index: itself when every character is one UTF-16 unit. */
function characters(s: string): string | string[] {
  return SURROGATE.test(s) ? [...s] : s;
}

/**
 * yaml.v2's keyList.Less: numbers by value, strings in "natural" order (digit runs as numbers).
 * yaml.v3's differs in one case: after equal digits, a letter sorts after a digit.
 */
export function keyLess(a: YamlValue, b: YamlValue, v3 = false): boolean {
  const ak = keyKind(a);
  const bk = keyKind(b);
  const af = keyFloat(a);
  const bf = keyFloat(b);
  if (af !== undefined && bf !== undefined) {
    if (af !== bf) return af < bf;
    if (ak !== bk) return ak < bk;
    return typeof a === "boolean" ? !a && b === true : (a as number | bigint) < (b as number | bigint);
  }
  if (typeof a !== "string" || typeof b !== "string") return ak < bk;
  const ar = characters(a);
  const br = characters(b);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]!);
      continue;
    }
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return v3 && digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) {
      an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48));
    }
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) {
      bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48));
    }
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

export { YamlMap };
