/**
 * Number constants as Go's parser reads them (NumberNode's newNumber), with the strconv and fmt
 * conversions it relies on: ParseUint/ParseInt with base 0, ParseFloat and Sscan of a complex.
 */
import type { NumberNode, Pos } from "./nodes";
import { ERR_SYNTAX, quote, unquoteChar } from "./quote";

export type NumberKind = "number" | "char" | "complex";

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_INT64 = (1n << 63n) - 1n;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/** The node for a number token, or the error message Go's parser would report. */
export function newNumber(pos: Pos, text: string, kind: NumberKind): NumberNode | { error: string } {
  const n: NumberNode = {
    type: "Number",
    pos,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    text,
  };
  if (kind === "char") {
    const r = unquoteChar(text, 1, text[0]!);
    if (r === ERR_SYNTAX) return { error: ERR_SYNTAX };
    if (text.slice(r.end) !== "'") return { error: `malformed character constant: ${text}` };
    n.int64 = n.uint64 = BigInt(r.value);
    n.float64 = r.value; // odd but those are the rules.
    n.isInt = n.isUint = n.isFloat = true;
    return n;
  }
  if (kind === "complex") {
    const c = scanComplex(text);
    if (typeof c === "string") return { error: c };
    n.isComplex = true;
    simplifyComplex(n, c);
    return n;
  }
  // Imaginary constants can only be complex unless they are zero.
  if (text.endsWith("i")) {
    const f = parseFloat64(text.slice(0, -1));
    if (typeof f === "number") {
      n.isComplex = true;
      simplifyComplex(n, [0, f]);
      return n;
    }
  }
  // Integers first, so 0x123 is read as one.
  const u = parseUint64(text);
  if (u !== null) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseInt64(text);
  if (i !== null) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true; // in case of -0.
      n.uint64 = u ?? 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloat64(text);
    if (typeof f === "number") {
      // Read as a float but written like an integer: too large for any integer type.
      if (!/[.eEpP]/.test(text)) return { error: `integer overflow: ${quote(text)}` };
      n.isFloat = true;
      n.float64 = f;
      setIntegers(n, f);
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return { error: `illegal number syntax: ${quote(text)}` };
  return n;
}

/** Go's float64(int64(f)) == f and float64(uint64(f)) == f tests (amd64 conversions). */
function setIntegers(n: NumberNode, f: number): void {
  if (Number.isInteger(f) && f >= -TWO_63 && f < TWO_63) {
    n.isInt = true;
    n.int64 = BigInt(f);
  }
  if (Number.isInteger(f) && f >= 0 && f < TWO_64) {
    n.isUint = true;
    n.uint64 = BigInt(f);
  }
}

function simplifyComplex(n: NumberNode, c: [number, number]): void {
  n.complex128 = c;
  n.isFloat = c[1] === 0;
  if (n.isFloat) {
    n.float64 = c[0];
    setIntegers(n, c[0]);
  }
}

/** strconv's underscoreOK: underscores only between digits, or between a base prefix and a digit. */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s[0] === "-" || s[0] === "+") s = s.slice(1);
  let hex = false;
  const p = s[1]?.toLowerCase();
  if (s.length >= 2 && s[0] === "0" && (p === "b" || p === "o" || p === "x")) {
    i = 2;
    saw = "0";
    hex = p === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) saw = "0";
    else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else if (saw === "_") return false;
    else saw = "!";
  }
  return saw !== "_";
}

/** strconv.ParseUint(s, 0, 64), or null on any error. */
export function parseUint64(s: string): bigint | null {
  if (s === "") return null;
  let base = 10;
  let i = 0;
  if (s[0] === "0") {
    const p = s.length >= 3 ? s[1]!.toLowerCase() : "";
    base = p === "b" ? 2 : p === "x" ? 16 : 8;
    i = p === "b" || p === "o" || p === "x" ? 2 : 1;
  }
  const start = i;
  let underscores = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      underscores = true;
      continue;
    }
    const lower = c | 0x20;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : lower >= 0x61 && lower <= 0x7a ? lower - 0x61 + 10 : 99;
    if (d >= base) return null;
  }
  if (underscores && !underscoreOK(s)) return null;
  if (i === start) return 0n;
  const prefix = base === 2 ? "0b" : base === 8 ? "0o" : base === 16 ? "0x" : "";
  const digits = s.slice(start);
  const n = BigInt(prefix + (underscores ? digits.replaceAll("_", "") : digits));
  return n > MAX_UINT64 ? null : n;
}

/** strconv.ParseInt(s, 0, 64), or null on any error. */
export function parseInt64(s: string): bigint | null {
  if (s === "") return null;
  const neg = s[0] === "-";
  const u = parseUint64(neg || s[0] === "+" ? s.slice(1) : s);
  if (u === null) return null;
  if (neg) return u > MAX_INT64 + 1n ? null : -u;
  return u > MAX_INT64 ? null : u;
}

type FloatError = "invalid syntax" | "value out of range";

/** strconv.ParseFloat(s, 64): the value, or the kind of error. */
export function parseFloat64(s: string): number | FloatError {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === "nan") return special[1] === "" ? NaN : ERR_SYNTAX;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  const m = /^[+-]?0[xX]((?:[0-9a-fA-F_]*)(?:\.[0-9a-fA-F_]*)?)[pP]([+-]?[0-9][0-9_]*)$/.exec(s);
  if (m) return parseHexFloat(s, m[1]!, m[2]!);
  const d = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?$/.exec(s);
  if (!d || !/[0-9]/.test(s.replace(/[eE].*$/, ""))) return ERR_SYNTAX;
  if (s.includes("_") && !underscoreOK(s)) return ERR_SYNTAX;
  const f = Number(s.replaceAll("_", ""));
  return Number.isFinite(f) ? f : "value out of range";
}

function parseHexFloat(s: string, mantissa: string, exponent: string): number | FloatError {
  if (!/[0-9a-fA-F]/.test(mantissa)) return ERR_SYNTAX;
  if (s.includes("_") && !underscoreOK(s)) return ERR_SYNTAX;
  const [whole, frac = ""] = mantissa.replaceAll("_", "").split(".");
  const m = BigInt("0x0" + whole + frac);
  const neg = s[0] === "-";
  if (m === 0n) return neg ? -0 : 0;
  // Like Go, stop reading the exponent once it is beyond any float64.
  const digits = exponent.replace(/^[+-]/, "").replaceAll("_", "");
  const e = Math.min(Number(digits), 100000) * (exponent[0] === "-" ? -1 : 1);
  const f = roundToFloat(m, e - 4 * frac.length);
  if (!Number.isFinite(f)) return "value out of range";
  return neg ? -f : f;
}

/** m·2^e correctly rounded (to nearest, ties to even) to a float64. */
function roundToFloat(m: bigint, e: number): number {
  const top = m.toString(2).length - 1 + e;
  const ulp = Math.max(top - 52, -1074);
  const shift = ulp - e;
  let q: bigint;
  if (shift > 0) {
    const s = BigInt(shift);
    q = m >> s;
    const rem = m - (q << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  } else q = m << BigInt(-shift);
  if (ulp > 971) return Infinity;
  return Number(q) * pow2(ulp);
}

function pow2(k: number): number {
  const view = new DataView(new ArrayBuffer(8));
  if (k >= -1022) view.setUint32(0, (k + 1023) << 20);
  else view.setUint32(k + 1074 >= 32 ? 0 : 4, 2 ** ((k + 1074) % 32));
  return view.getFloat64(0);
}

/** fmt.Sscan into a complex128, for the lexer's complex tokens ("1+2i"). */
export function scanComplex(text: string): [number, number] | string {
  let i = 0;
  let buf = "";
  const accept = (ok: string): boolean => {
    if (i < text.length && ok.includes(text[i]!)) {
      buf += text[i++];
      return true;
    }
    return false;
  };
  const floatToken = (): string => {
    buf = "";
    if (accept("nN") && accept("aA") && accept("nN")) return buf;
    accept("+-");
    if (accept("iI") && accept("nN") && accept("fF")) return buf;
    let digits = "0123456789_";
    let exp = "eEpP";
    if (accept("0") && accept("xX")) {
      digits = "0123456789aAbBcCdDeEfF_";
      exp = "pP";
    }
    while (accept(digits));
    if (accept(".")) while (accept(digits));
    if (accept(exp)) {
      accept("+-");
      while (accept("0123456789_"));
    }
    return buf;
  };
  const complexError = "syntax error scanning complex number";
  const parens = accept("(");
  const real = floatToken();
  buf = "";
  if (!accept("+-")) return complexError;
  const imagSign = buf;
  const imag = imagSign + floatToken();
  if (!accept("i")) return complexError;
  if (parens && !accept(")")) return complexError;
  // A decimal mantissa with a binary exponent ("1.2p4") never comes from the lexer.
  const re = parseFloat64(real);
  if (typeof re === "string") return `strconv.ParseFloat: parsing ${quote(real)}: ${re}`;
  const im = parseFloat64(imag);
  if (typeof im === "string") return `strconv.ParseFloat: parsing ${quote(imag)}: ${im}`;
  return [re, im];
}
