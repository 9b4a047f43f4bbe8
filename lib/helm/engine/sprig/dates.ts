/**
 * Sprig's date.go over a model of Go's time.Time (a GoStruct whose String method is Go's) and
 * time.Duration: formatting with Go layouts in Go's time zones, toDate parsing, durations.
 * Only `now` and what is measured from it (ago, and anything given a non-time value) depend on
 * the clock.
 */
import { goTypeString } from "../fmt";
import { fn, GoError } from "./func";
import { parseInt as goParseInt } from "./strconv";
import { civil, format, type Time } from "./timefmt";
import { parseInLocation } from "./timeparse";
import { loadLocation, local, UTC } from "./tz";
import { GoInt, GoStruct, type GoFunc, type GoValue } from "../value";

const TIMES = new WeakMap<GoStruct, Time & { mono?: number }>();
const START = performance.now();

/** A time.Time value; `mono` is the monotonic reading time.Now attaches (seconds since start). */
export function timeValue(t: Time & { mono?: number }): GoStruct {
  const i64 = (v: bigint) => new GoInt(v, "int64");
  const int = (f: (c: ReturnType<typeof civil>) => number) => fn([], "int", () => BigInt(f(civil(t))));
  const unixNano = () => BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
  const s = new GoStruct(
    "time.Time",
    {},
    {
      Format: fn(["string"], "string", (layout) => format(t, layout)),
      String: fn([], "string", () => timeString(t)),
      Unix: fn([], "int64", () => i64(BigInt(t.sec))),
      UnixMilli: fn([], "int64", () => i64(unixNano() / 1_000_000n)),
      UnixNano: fn([], "int64", () => i64(unixNano())),
      Year: int((c) => c.year),
      Day: int((c) => c.day),
      YearDay: int((c) => c.yday),
      Hour: int((c) => c.hour),
      Minute: int((c) => c.min),
      Second: int((c) => c.sec),
      Nanosecond: fn([], "int", () => BigInt(t.nsec)),
      UTC: fn([], "interface {}", () => timeValue({ sec: t.sec, nsec: t.nsec, loc: UTC })),
      Local: fn([], "interface {}", () => timeValue({ sec: t.sec, nsec: t.nsec, loc: local() })),
      IsZero: fn([], "bool", () => t.sec === ZERO_SEC && t.nsec === 0),
    },
    "struct",
    () => timeString(t),
  );
  TIMES.set(s, t);
  return s;
}

/** January 1, year 1, 00:00:00 UTC: Go's zero Time. */
const ZERO_SEC = -62135596800;

function timeString(t: Time & { mono?: number }): string {
  let s = format(t, "2006-01-02 15:04:05.999999999 -0700 MST");
  if (t.mono !== undefined) {
    const ns = BigInt(Math.round(t.mono * 1e9));
    s += ` m=+${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, "0")}`;
  }
  return s;
}

function now(): Time & { mono: number } {
  const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  const sec = ns / 1_000_000_000n;
  const mono = (performance.now() - START) / 1000;
  return { sec: Number(sec), nsec: Number(ns - sec * 1_000_000_000n), loc: local(), mono };
}

function timeArg(v: GoValue): Time {
  const t = v instanceof GoStruct ? TIMES.get(v) : undefined;
  if (!t) {
    const got = v === null || v === undefined ? "interface {}" : goTypeString(v);
    throw new GoError(`wrong type for value; expected time.Time; got ${got}`);
  }
  return t;
}

/** The time dateInZone and friends take: a time.Time, Unix seconds as int/int32/int64, else now. */
function dateArg(v: GoValue, allowInt32 = true): Time {
  const t = v instanceof GoStruct ? TIMES.get(v) : undefined;
  if (t) return t;
  const ok = (x: GoInt) => x.type === "int64" || (allowInt32 && x.type === "int32");
  const secs = typeof v === "bigint" ? v : v instanceof GoInt && ok(v) ? v.value : undefined;
  return secs === undefined ? now() : { sec: Number(secs), nsec: 0, loc: local() };
}

function dateInZone(layout: string, d: GoValue, zone: string): string {
  const loc = loadLocation(zone) ?? UTC;
  return format({ ...dateArg(d), loc }, layout);
}

const UNITS: Record<string, bigint> = {
  ns: 1n, us: 1000n, "\u00b5s": 1000n, "\u03bcs": 1000n, ms: 1_000_000n, s: 1_000_000_000n,
  m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const MAX = 1n << 63n;

/** time.ParseDuration. */
export function parseDuration(orig: string): bigint {
  const bad = () => new GoError(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") [neg, s] = [s[0] === "-", s.slice(1)];
  if (s === "0") return 0n;
  if (s === "") throw bad();
  let d = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    if (!/^[0-9.]/.test(s) || (m[1] === "" && !m[3])) throw bad();
    if (m[1] && BigInt(m[1]) > MAX) throw bad();
    s = s.slice(m[0].length);
    const unit = /^[^0-9.]*/.exec(s)![0];
    if (unit === "") throw new GoError(`time: missing unit in duration ${quote(orig)}`);
    s = s.slice(unit.length);
    const scale = UNITS[unit];
    if (scale === undefined) throw new GoError(`time: unknown unit ${quote(unit)} in duration ${quote(orig)}`);
    let v = BigInt(m[1] || "0");
    if (v > MAX / scale) throw bad();
    v *= scale;
    const frac = fraction(m[3] ?? "");
    if (frac.f > 0n) v += BigInt(Math.trunc(Number(frac.f) * (Number(scale) / frac.scale)));
    if (v > MAX || (d += v) > MAX) throw bad();
  }
  if (neg) return -d;
  if (d > MAX - 1n) throw bad();
  return d;
}

/** leadingFraction: digits after the point, ignoring those that would overflow. */
function fraction(digits: string): { f: bigint; scale: number } {
  let f = 0n;
  let scale = 1;
  let overflow = false;
  for (const c of digits) {
    if (overflow) continue;
    if (f > (MAX - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const y = f * 10n + BigInt(c);
    if (y > MAX) {
      overflow = true;
      continue;
    }
    f = y;
    scale *= 10;
  }
  return { f, scale };
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, "\\$&")}"`;
}

/** Duration.String: "1h2m3.5s", "1.5ms", "0s". */
export function durationString(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  const frac = (v: bigint, prec: number): [string, bigint] => {
    let s = "";
    let printed = false;
    for (let i = 0; i < prec; i++) {
      const digit = v % 10n;
      printed ||= digit !== 0n;
      if (printed) s = String(digit) + s;
      v /= 10n;
    }
    return [printed ? "." + s : "", v];
  };
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    const [prec, unit] = u < 1000n ? [0, "ns"] : u < 1_000_000n ? [3, "\u00b5s"] : [6, "ms"];
    const [f, whole] = frac(u, prec);
    out = String(whole) + f + unit;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = String(u % 60n) + f + "s";
    u /= 60n;
    if (u > 0n) {
      out = String(u % 60n) + "m" + out;
      u /= 60n;
      if (u > 0n) out = String(u) + "h" + out;
    }
  }
  return (neg ? "-" : "") + out;
}

function durationRound(v: GoValue): string {
  let d = 0n;
  const t = v instanceof GoStruct ? TIMES.get(v) : undefined;
  if (typeof v === "string") d = attempt(() => parseDuration(v), 0n);
  else if (v instanceof GoInt && v.type === "int64") d = v.value;
  else if (t) d = BigInt(Date.now()) * 1_000_000n - (BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec));
  const u = d < 0n ? -d : d;
  const steps: [bigint, string][] = [
    [3_600_000_000_000n * 24n * 365n, "y"], [3_600_000_000_000n * 24n * 30n, "mo"], [3_600_000_000_000n * 24n, "d"],
    [3_600_000_000_000n, "h"], [60_000_000_000n, "m"], [1_000_000_000n, "s"],
  ];
  for (const [size, unit] of steps) if (u > size) return String(u / size) + unit;
  return "0s";
}

function attempt<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function dateModify(layout: string, d: GoValue, must: boolean): GoValue {
  const t = timeArg(d);
  let delta: bigint;
  try {
    delta = parseDuration(layout);
  } catch (e) {
    if (must) throw e;
    return timeValue(t);
  }
  const ns = BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec) + delta;
  const sec = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
  return timeValue({ sec: Number(sec), nsec: Number(ns - sec * 1_000_000_000n), loc: t.loc });
}

function toDate(layout: string, value: string, must: boolean): GoValue {
  try {
    return timeValue(parseInLocation(layout, value, local(), local()));
  } catch (e) {
    if (must) throw e;
    return timeValue({ sec: ZERO_SEC, nsec: 0, loc: UTC });
  }
}

function ago(v: GoValue): string {
  const t = dateArg(v, false);
  const ms = Date.now() - (t.sec * 1000 + t.nsec / 1e6);
  return durationString(BigInt(Math.round(ms / 1000)) * 1_000_000_000n);
}

const S = "string";
const I = "interface {}";

export const dateFunctions: Record<string, GoFunc> = {
  now: fn([], I, () => timeValue(now())),
  date: fn([S, I], S, (layout, d) => dateInZone(layout, d, "Local")),
  dateInZone: fn([S, I, S], S, dateInZone),
  date_in_zone: fn([S, I, S], S, dateInZone),
  htmlDate: fn([I], S, (d) => dateInZone("2006-01-02", d, "Local")),
  htmlDateInZone: fn([I, S], S, (d, zone) => dateInZone("2006-01-02", d, zone)),
  dateModify: fn([S, I], I, (layout, d) => dateModify(layout, d, false)),
  date_modify: fn([S, I], I, (layout, d) => dateModify(layout, d, false)),
  mustDateModify: fn([S, I], I, (layout, d) => dateModify(layout, d, true), { returnsError: true }),
  must_date_modify: fn([S, I], I, (layout, d) => dateModify(layout, d, true), { returnsError: true }),
  ago: fn([I], S, ago),
  duration: fn([I], S, (v) => {
    // Only a string (base 10; a too big number clamps) or an int64 counts; anything else is 0s.
    let n = 0n;
    if (typeof v === "string") n = goParseInt(v, 10, 64).value;
    else if (v instanceof GoInt && v.type === "int64") n = v.value;
    return durationString(BigInt.asIntN(64, n * 1_000_000_000n));
  }),
  durationRound: fn([I], S, durationRound),
  toDate: fn([S, S], I, (layout, value) => toDate(layout, value, false)),
  mustToDate: fn([S, S], I, (layout, value) => toDate(layout, value, true), { returnsError: true }),
  unixEpoch: fn([I], S, (d) => String(timeArg(d).sec)),
};
