/**
 * The part of shopspring/decimal 1.2.0 behind Sprig's addf/subf/mulf/divf: a float enters as its
 * shortest decimal digits, + - × are exact, ÷ rounds half away from zero to 16 decimal places,
 * and the result is read back as the nearest float64.
 */
import { formatFloat } from "../fmt-ftoa";
import { GoError } from "./func";
import { sprintf } from "../fmt";

/** value × 10^exp */
export interface Decimal {
  value: bigint;
  exp: number;
}

const DIVISION_PRECISION = 16;

export function fromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new GoError(`Cannot create a Decimal from ${sprintf("%v", [f])}`);
  if (f === 0) return { value: 0n, exp: 0 };
  const [mant = "", e = "0"] = formatFloat(Math.abs(f), "e", -1).split("e");
  const digits = mant.replace(".", "");
  const value = BigInt(digits) * (f < 0 ? -1n : 1n);
  return { value, exp: Number(e) - (digits.length - 1) };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function rescalePair(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.value * pow10(a.exp - exp), b.value * pow10(b.exp - exp), exp];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = rescalePair(a, b);
  return { value: x + y, exp };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = rescalePair(a, b);
  return { value: x - y, exp };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { value: a.value * b.value, exp: a.exp + b.exp };
}

function cmp(a: Decimal, b: Decimal): number {
  const [x, y] = rescalePair(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/** Decimal.Div: DivRound(d2, 16) over QuoRem. */
export function div(d: Decimal, d2: Decimal): Decimal {
  if (d2.value === 0n) throw new GoError("decimal division by 0");
  const precision = DIVISION_PRECISION;
  const scale = -precision;
  const e = d.exp - d2.exp - scale;
  let aa: bigint;
  let bb: bigint;
  let scalerest: number;
  if (e < 0) {
    aa = d.value;
    bb = d2.value * pow10(-e);
    scalerest = d.exp;
  } else {
    aa = d.value * pow10(e);
    bb = d2.value;
    scalerest = scale + d2.exp;
  }
  const q: Decimal = { value: aa / bb, exp: scale };
  const r = aa % bb;
  const r2: Decimal = { value: abs(r) * 2n, exp: scalerest + precision };
  if (cmp(r2, { value: abs(d2.value), exp: d2.exp }) < 0) return q;
  const unit: Decimal = { value: 1n, exp: -precision };
  const negative = (d.value < 0n) !== (d2.value < 0n) && d.value !== 0n;
  return negative ? sub(q, unit) : add(q, unit);
}

/** Decimal.Float64: the nearest float64 to the exact value. */
export function toFloat(d: Decimal): number {
  if (d.exp >= 0) return Number(d.value * pow10(d.exp));
  return Number(`${d.value}e${d.exp}`);
}
