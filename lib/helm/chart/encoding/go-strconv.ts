/**
 * The pieces of Go's strconv that Helm's encoders lean on: float formatting ('g', 'f', 'e' with the
 * shortest digits, for float64 and float32) and integer parsing with Go's base prefixes. JavaScript's
 * own number printing picks different exponent thresholds, so output would drift without these.
 */

/** The shortest decimal digits that round-trip, and the decimal point position (0.DIGITS × 10^dp). */
export function shortestDigits(x: number, bits: 32 | 64 = 64): { digits: string; dp: number } {
  const abs = Math.abs(x);
  if (abs === 0) return { digits: "0", dp: 1 };
  let text = abs.toExponential();
  if (bits === 32) {
    const target = Math.fround(abs);
    for (let p = 1; p <= 9; p++) {
      const candidate = abs.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === target) {
        text = candidate;
        break;
      }
    }
  }
  const [mantissa, exponent] = text.split("e") as [string, string];
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, dp: Number(exponent) + 1 };
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  return undefined;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

function fixed(digits: string, dp: number): string {
  if (dp <= 0) return `0.${"0".repeat(-dp)}${digits}`;
  if (dp >= digits.length) return digits + "0".repeat(dp - digits.length);
  return `${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

function exponential(digits: string, dp: number): string {
  const exp = dp - 1;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${mantissa}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
}

/** strconv.FormatFloat(x, 'g', -1, bits): Go switches to %e from exponent 6 on, JavaScript from 21. */
export function formatFloatG(x: number, bits: 32 | 64 = 64): string {
  const s = special(x);
  if (s) return s;
  if (x === 0) return `${sign(x)}0`;
  const { digits, dp } = shortestDigits(x, bits);
  const exp = dp - 1;
  if (exp < -4 || exp >= 6) return sign(x) + exponential(digits, dp);
  return sign(x) + fixed(digits, dp);
}

/** strconv.FormatFloat(x, 'f', -1, bits). */
export function formatFloatF(x: number, bits: 32 | 64 = 64): string {
  const s = special(x);
  if (s) return s;
  if (x === 0) return `${sign(x)}0`;
  const { digits, dp } = shortestDigits(x, bits);
  return sign(x) + fixed(digits, dp);
}

/** strconv.FormatFloat(x, 'e', -1, bits). */
export function formatFloatE(x: number, bits: 32 | 64 = 64): string {
  const s = special(x);
  if (s) return s;
  if (x === 0) return `${sign(x)}0e+00`;
  const { digits, dp } = shortestDigits(x, bits);
  return sign(x) + exponential(digits, dp);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseUint(s, 0, 64) without underscores: undefined when Go reports an error. */
export function parseUintBase0(s: string): bigint | undefined {
  if (s === "") return undefined;
  let base = 10;
  let body = s;
  if (s[0] === "0") {
    const p = s[1]?.toLowerCase();
    if (s.length >= 3 && p === "b") [base, body] = [2, s.slice(2)];
    else if (s.length >= 3 && p === "o") [base, body] = [8, s.slice(2)];
    else if (s.length >= 3 && p === "x") [base, body] = [16, s.slice(2)];
    else [base, body] = [8, s.slice(1)];
  }
  const valid = { 2: /^[01]*$/, 8: /^[0-7]*$/, 10: /^[0-9]*$/, 16: /^[0-9a-fA-F]*$/ }[base]!;
  if (!valid.test(body)) return undefined;
  if (body === "") return base === 8 ? 0n : undefined;
  const prefix = { 2: "0b", 8: "0o", 10: "", 16: "0x" }[base]!;
  const n = BigInt(prefix + body);
  return n > UINT64_MAX ? undefined : n;
}

/** strconv.ParseInt(s, 0, 64). */
export function parseIntBase0(s: string): bigint | undefined {
  let body = s;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    body = s.slice(1);
  }
  const u = parseUintBase0(body);
  if (u === undefined) return undefined;
  const n = neg ? -u : u;
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** strconv.ParseInt(s, base, 64) for a fixed base (digits only, optional sign). */
export function parseIntBase(s: string, base: 2 | 10): bigint | undefined {
  const m = /^([+-]?)(.+)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  if (!(base === 2 ? /^[01]+$/ : /^[0-9]+$/).test(body)) return undefined;
  const n = BigInt((base === 2 ? "0b" : "") + body) * (m[1] === "-" ? -1n : 1n);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

export function parseUintBase2(s: string): bigint | undefined {
  if (!/^[01]+$/.test(s)) return undefined;
  const n = BigInt(`0b${s}`);
  return n > UINT64_MAX ? undefined : n;
}

/** strconv.Atoi for decimal strings (Helm's hook weights): undefined on error. */
export function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : Number(n);
}

/** Compares strings as Go does: by UTF-8 bytes, which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
