/**
 * Go's strconv.FormatFloat for float64 (strconv/ftoa.go): the digit strings fmt prints for %v, %e,
 * %f, %g, %b and %x. Shortest digits come from JavaScript (both pick the shortest string that
 * reads back to the same float, and the closest such); fixed precisions round the exact binary
 * value half-to-even, as Go's decimal and Ryū code do (so %.0f of 2.5 is "2", not JS's "3").
 */

/** Decimal digits without leading or trailing zeros; the value is 0.d1d2d3… × 10^dp. */
interface Digits {
  d: string;
  dp: number;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function bitsOf(v: number): { neg: boolean; exp: number; mant: bigint } {
  f64[0] = v;
  const bits = u64[0]!;
  return { neg: bits >> 63n === 1n, exp: Number((bits >> 52n) & 0x7ffn), mant: bits & ((1n << 52n) - 1n) };
}

/** The shortest digits that read back as |v|. */
function shortestDigits(v: number): Digits {
  if (v === 0) return { d: "", dp: 0 };
  const [mant = "", exp = "0"] = Math.abs(v).toExponential().split("e");
  const d = mant.replace(".", "").replace(/0+$/, "");
  return { d, dp: Number(exp) + 1 };
}

/** The exact decimal expansion of |v| (at most 767 significant digits). */
function exactDigits(v: number): Digits {
  const { exp, mant } = bitsOf(v);
  if (exp === 0 && mant === 0n) return { d: "", dp: 0 };
  const m = exp === 0 ? mant : mant | (1n << 52n);
  const e2 = (exp === 0 ? 1 : exp) - 1075;
  let s: string;
  let dp: number;
  if (e2 >= 0) {
    s = (m << BigInt(e2)).toString();
    dp = s.length;
  } else {
    s = (m * 5n ** BigInt(-e2)).toString();
    dp = s.length + e2;
  }
  const t = s.replace(/0+$/, "");
  return { d: t, dp };
}

/** Go's decimal.Round: keep nd digits, halfway rounds to even (an exact value is never truncated). */
function round(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (c === 5 && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 5;
  if (!up) return { d: x.d.slice(0, nd).replace(/0+$/, ""), dp: x.dp };
  for (let i = nd - 1; i >= 0; i--) {
    if (x.d[i] !== "9") return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
  }
  return { d: "1", dp: x.dp + 1 };
}

function fmtE(neg: boolean, x: Digits, prec: number, e: string): string {
  let out = neg ? "-" : "";
  out += x.d.length ? x.d[0] : "0";
  if (prec > 0) out += "." + x.d.slice(1, prec + 1).padEnd(prec, "0");
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  const sign = exp < 0 ? "-" : "+";
  exp = Math.abs(exp);
  return out + e + sign + (exp < 10 ? "0" + exp : String(exp));
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let out = neg ? "-" : "";
  if (x.dp > 0) out += x.d.slice(0, x.dp).padEnd(x.dp, "0");
  else out += "0";
  if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      out += j >= 0 && j < x.d.length ? x.d[j] : "0";
    }
  }
  return out;
}

function formatDigits(neg: boolean, x: Digits, shortest: boolean, prec: number, fmt: string): string {
  switch (fmt) {
    case "e":
    case "E":
      return fmtE(neg, x, prec, fmt);
    case "f":
      return fmtF(neg, x, prec);
    default: {
      let eprec = prec;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      // Shortest %g (what %v prints) takes the exponent form from 1e+06 up, whatever the digit count.
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > x.d.length) prec = x.d.length;
        return fmtE(neg, x, prec - 1, fmt === "g" ? "e" : "E");
      }
      if (prec > x.dp) prec = x.d.length;
      return fmtF(neg, x, Math.max(prec - x.dp, 0));
    }
  }
}

function fmtB(neg: boolean, mant: bigint, exp: number): string {
  const e = exp - 52;
  return (neg ? "-" : "") + mant.toString() + "p" + (e >= 0 ? "+" : "") + e;
}

function fmtX(neg: boolean, mant: bigint, exp: number, prec: number, fmt: string): string {
  if (mant === 0n) exp = 0;
  const one60 = 1n << 60n;
  mant <<= 8n; // 60 - mantbits
  while (mant !== 0n && (mant & one60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (one60 - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === "X" ? "0123456789ABCDEF" : "0123456789abcdef";
  let out = (neg ? "-" : "") + "0" + fmt + String((mant >> 60n) & 1n);
  const mask = (1n << 64n) - 1n;
  mant = (mant << 4n) & mask;
  const digit = () => {
    const h = hex[Number((mant >> 60n) & 15n)];
    mant = (mant << 4n) & mask;
    return h;
  };
  if (prec < 0 && mant !== 0n) {
    out += ".";
    while (mant !== 0n) out += digit();
  } else if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) out += digit();
  }
  out += fmt === "X" ? "P" : "p";
  out += exp < 0 ? "-" : "+";
  exp = Math.abs(exp);
  return out + (exp < 10 ? "0" + exp : String(exp));
}

/** strconv.FormatFloat(v, fmt, prec, 64); prec -1 means the shortest exact representation. */
export function formatFloat(v: number, fmt: string, prec: number): string {
  const bits = bitsOf(v);
  if (bits.exp === 0x7ff) return bits.mant !== 0n ? "NaN" : bits.neg ? "-Inf" : "+Inf";
  const exp = (bits.exp === 0 ? 1 : bits.exp) - 1023;
  const mant = bits.exp === 0 ? bits.mant : bits.mant | (1n << 52n);
  if (fmt === "b") return fmtB(bits.neg, mant, exp);
  if (fmt === "x" || fmt === "X") return fmtX(bits.neg, mant, exp, prec, fmt);
  const shortest = prec < 0;
  let x: Digits;
  if (shortest) {
    x = shortestDigits(v);
    if (fmt === "e" || fmt === "E") prec = Math.max(x.d.length - 1, 0);
    else if (fmt === "f") prec = Math.max(x.d.length - x.dp, 0);
    else prec = x.d.length;
  } else {
    x = exactDigits(v);
    if (fmt === "e" || fmt === "E") x = round(x, prec + 1);
    else if (fmt === "f") x = round(x, x.dp + prec);
    else {
      if (prec === 0) prec = 1;
      x = round(x, prec);
    }
  }
  return formatDigits(bits.neg, x, shortest, prec, fmt);
}
