/**
 * Sprig's arithmetic (functions.go, numeric.go): integer functions convert through cast.ToInt64
 * and wrap around as int64 does; the *f functions go through shopspring/decimal.
 */
import { sprint } from "../fmt";
import { toFloat64, toInt64 } from "./convert";
import * as decimal from "./decimal";
import { fn, variadic, GoError } from "./func";
import { parseInt as goParseInt } from "./strconv";
import { GoInt, typedSlice, type GoFunc, type GoValue } from "../value";

const I = "interface {}";

function int64(v: bigint): GoInt {
  return new GoInt(BigInt.asIntN(64, v), "int64");
}

function divide(a: bigint, b: bigint, op: "/" | "%"): bigint {
  if (b === 0n) throw new GoError("runtime error: integer divide by zero");
  return op === "/" ? a / b : a % b;
}

type DecimalOp = (a: decimal.Decimal, b: decimal.Decimal) => decimal.Decimal;

function decimalOp(first: GoValue, rest: GoValue[], op: DecimalOp): number {
  let acc = decimal.fromFloat(toFloat64(first));
  for (const x of rest) acc = op(acc, decimal.fromFloat(toFloat64(x)));
  return decimal.toFloat(acc);
}

function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let f = x * 2 ** -e;
  while (Math.abs(f) < 0.5) {
    f *= 2;
    e--;
  }
  while (Math.abs(f) >= 1) {
    f /= 2;
    e++;
  }
  return [f, e];
}

/** Go's math.Pow for an integral exponent: repeated squaring, which JS's Math.pow does not do. */
export function goPowInt(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x)) return NaN;
  if (x === 0 || !Number.isFinite(x) || Math.abs(y) >= 2 ** 63) return Math.pow(x, y);
  let a1 = 1;
  let ae = 0;
  let [x1, xe] = frexp(x);
  for (let i = BigInt(Math.abs(y)); i !== 0n; i >>= 1n) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if ((i & 1n) === 1n) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  // Two steps keep 2^ae from overflowing or underflowing on its own.
  const half = Math.trunc(ae / 2);
  return a1 * 2 ** half * 2 ** (ae - half);
}

function round(a: GoValue, p: bigint, rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? rOpt[0]! : 0.5;
  const val = toFloat64(a);
  const pow = goPowInt(10, Number(p));
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const v: bigint[] = [];
  if (stop < start) {
    if (step >= 0n) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0n) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}

function seq(params: bigint[]): string {
  let list: bigint[];
  if (params.length === 1) {
    const end = params[0]!;
    const inc = end < 1n ? -1n : 1n;
    list = untilStep(1n, end + inc, inc);
  } else if (params.length === 2) {
    const [start, end] = params as [bigint, bigint];
    const step = end < start ? -1n : 1n;
    list = untilStep(start, end + step, step);
  } else if (params.length === 3) {
    const [start, step, end] = params as [bigint, bigint, bigint];
    let inc = 1n;
    if (end < start) {
      inc = -1n;
      if (step > 0n) return "";
    }
    list = untilStep(start, end + inc, step);
  } else return "";
  return list.join(" ");
}

function intMinMax(a: GoValue, rest: GoValue[], pick: (x: bigint, y: bigint) => boolean): GoInt {
  let acc = toInt64(a);
  for (const b of rest) {
    const x = toInt64(b);
    if (pick(x, acc)) acc = x;
  }
  return int64(acc);
}

export const mathFunctions: Record<string, GoFunc> = {
  atoi: fn(["string"], "int", (s) => goParseInt(s, 10, 64).value),
  int64: fn([I], "int64", (v) => int64(toInt64(v))),
  int: fn([I], "int", (v) => toInt64(v)),
  float64: fn([I], "float64", (v) => toFloat64(v)),
  toDecimal: fn([I], "int64", (v) => {
    const r = goParseInt(sprint([v]), 8, 64);
    return int64(r.err ? 0n : r.value);
  }),
  seq: variadic([], "int", "string", seq),
  until: fn(["int"], "[]interface {}", (n) => typedSlice(untilStep(0n, n, n < 0n ? -1n : 1n), "[]int")),
  untilStep: fn(["int", "int", "int"], "[]interface {}", (a, b, c) => typedSlice(untilStep(a, b, c), "[]int")),
  add1: fn([I], "int64", (v) => int64(toInt64(v) + 1n)),
  add: variadic([], I, "int64", (vs) => int64(vs.reduce<bigint>((acc, v) => BigInt.asIntN(64, acc + toInt64(v)), 0n))),
  sub: fn([I, I], "int64", (a, b) => int64(toInt64(a) - toInt64(b))),
  div: fn([I, I], "int64", (a, b) => int64(divide(toInt64(a), toInt64(b), "/"))),
  mod: fn([I, I], "int64", (a, b) => int64(divide(toInt64(a), toInt64(b), "%"))),
  mul: variadic([I], I, "int64", (a, vs) =>
    int64(vs.reduce<bigint>((acc, v) => BigInt.asIntN(64, acc * toInt64(v)), toInt64(a))),
  ),
  add1f: fn([I], "float64", (v) => decimalOp(v, [1n], decimal.add)),
  addf: variadic([], I, "float64", (vs) => decimalOp(0, vs, decimal.add)),
  subf: variadic([I], I, "float64", (a, vs) => decimalOp(a, vs, decimal.sub)),
  mulf: variadic([I], I, "float64", (a, vs) => decimalOp(a, vs, decimal.mul)),
  divf: variadic([I], I, "float64", (a, vs) => decimalOp(a, vs, decimal.div)),
  biggest: variadic([I], I, "int64", (a, vs) => intMinMax(a, vs, (x, acc) => x > acc)),
  max: variadic([I], I, "int64", (a, vs) => intMinMax(a, vs, (x, acc) => x > acc)),
  min: variadic([I], I, "int64", (a, vs) => intMinMax(a, vs, (x, acc) => x < acc)),
  maxf: variadic([I], I, "float64", (a, vs) => vs.reduce<number>((m, v) => Math.max(m, toFloat64(v)), toFloat64(a))),
  minf: variadic([I], I, "float64", (a, vs) => vs.reduce<number>((m, v) => Math.min(m, toFloat64(v)), toFloat64(a))),
  ceil: fn([I], "float64", (v) => Math.ceil(toFloat64(v))),
  floor: fn([I], "float64", (v) => Math.floor(toFloat64(v))),
  round: variadic([I, "int"], "float64", "float64", round),
};

