/**
 * Go's strconv.ParseInt, ParseUint and ParseFloat (strconv/atoi.go, atof.go): the syntax they
 * accept decides what cast and semver turn into numbers ("08" is not an integer in base 0).
 */

export type ParseError = "invalid syntax" | "value out of range";

export interface Parsed<T> {
  value: T;
  err?: ParseError;
}

function lower(c: string): string {
  return c.toLowerCase();
}

/** Underscores may only separate digits (or follow a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "box".includes(lower(s[1]!))) {
    i = 2;
    saw = "0";
    hex = lower(s[1]!) === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && lower(c) >= "a" && lower(c) <= "f")) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

export function parseUint(s: string, base: number, bitSize: number): Parsed<bigint> {
  if (s === "") return { value: 0n, err: "invalid syntax" };
  const base0 = base === 0;
  const s0 = s;
  if (base === 0) {
    base = 10;
    if (s[0] === "0") {
      const p = s.length >= 3 ? lower(s[1]!) : "";
      if (p === "b" || p === "o" || p === "x") {
        base = p === "b" ? 2 : p === "o" ? 8 : 16;
        s = s.slice(2);
      } else {
        base = 8;
        s = s.slice(1);
      }
    }
  }
  const maxVal = (1n << BigInt(bitSize)) - 1n;
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    let d: number;
    if (c === "_" && base0) {
      underscores = true;
      continue;
    } else if (c >= "0" && c <= "9") d = c.charCodeAt(0) - 48;
    else if (lower(c) >= "a" && lower(c) <= "z") d = lower(c).charCodeAt(0) - 87;
    else return { value: 0n, err: "invalid syntax" };
    if (d >= base) return { value: 0n, err: "invalid syntax" };
    n = n * BigInt(base) + BigInt(d);
    if (n > maxVal) return { value: maxVal, err: "value out of range" };
  }
  if (underscores && !underscoreOK(s0)) return { value: 0n, err: "invalid syntax" };
  return { value: n };
}

export function parseInt(s: string, base: number, bitSize: number): Parsed<bigint> {
  if (s === "") return { value: 0n, err: "invalid syntax" };
  let neg = false;
  let body = s;
  if (s[0] === "+") body = s.slice(1);
  else if (s[0] === "-") {
    neg = true;
    body = s.slice(1);
  }
  const un = parseUint(body, base, bitSize);
  if (un.err === "invalid syntax") return { value: 0n, err: un.err };
  const cutoff = 1n << BigInt(bitSize - 1);
  if (!neg && un.value >= cutoff) return { value: cutoff - 1n, err: "value out of range" };
  if (neg && un.value > cutoff) return { value: -cutoff, err: "value out of range" };
  return { value: neg ? -un.value : un.value };
}

const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;
const DECIMAL = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?$/;
const HEX = /^[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9][0-9_]*$/;

/** strconv.ParseFloat(s, 64): Go's literal syntax, with inf/infinity/nan in any case. */
export function parseFloat(s: string): Parsed<number> {
  const special = SPECIAL.exec(s);
  if (special) {
    if (/^nan$/i.test(special[2]!)) return special[1] ? { value: 0, err: "invalid syntax" } : { value: NaN };
    return { value: special[1] === "-" ? -Infinity : Infinity };
  }
  let value: number;
  if (DECIMAL.test(s) && /[0-9]/.test(s.replace(/[eE].*$/, ""))) {
    if (s.includes("_") && !underscoreOK(s)) return { value: 0, err: "invalid syntax" };
    value = Number(s.replace(/_/g, ""));
  } else if (HEX.test(s) && /[0-9a-fA-F]/.test(s.slice(s.search(/[xX]/) + 1).replace(/[pP].*$/, ""))) {
    if (s.includes("_") && !underscoreOK(s)) return { value: 0, err: "invalid syntax" };
    value = parseHexFloat(s.replace(/_/g, ""));
  } else return { value: 0, err: "invalid syntax" };
  if (!Number.isFinite(value)) return { value, err: "value out of range" };
  return { value };
}

function parseHexFloat(s: string): number {
  const neg = s[0] === "-";
  const body = s.replace(/^[+-]?0[xX]/, "");
  const [mantissa = "", exponent = "0"] = body.split(/[pP]/);
  const [intPart = "", fracPart = ""] = mantissa.split(".");
  const digits = (intPart + fracPart).replace(/^0+/, "") || "0";
  const m = BigInt("0x" + digits);
  const e = Number(exponent) - 4 * fracPart.length;
  // Scale in two steps so that neither an exact mantissa nor 2^e alone overflows first.
  const v = Number(m) * 2 ** Math.max(e, -1022) * 2 ** Math.min(e + 1022, 0);
  return neg ? -v : v;
}
