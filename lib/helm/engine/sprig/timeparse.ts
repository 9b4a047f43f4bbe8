/**
 * Go's time.ParseInLocation (time/format.go's parse), with its element rules and error texts
 * (`parsing time "x" as "2006-01-02": cannot parse "x" as "2006"`).
 */
import { GoError } from "./func";
import { DAYS, MONTHS, date, nextChunk, timeQuote, type Time } from "./timefmt";
import { daysIn, fixedZone, lookup, lookupName, UTC, type Location } from "./tz";

/** A value that does not fit the layout element; `rest` is the value Go reports when it had moved on. */
class Bad extends Error {
  constructor(readonly rest?: string) {
    super("bad");
  }
}

const isDigit = (s: string, i: number) => i < s.length && s[i]! >= "0" && s[i]! <= "9";

/** time's atoi: an optional sign and digits (none at all reads as 0). */
function atoi(s: string, rest?: string): number {
  const m = /^([+-]?)([0-9]*)$/.exec(s);
  if (!m || BigInt(m[2] || "0") > 1n << 63n) throw new Bad(rest);
  const x = Number(m[2] || "0");
  return m[1] === "-" ? -x : x;
}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) throw new Bad();
  if (!isDigit(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let i = 0;
  while (i < 3 && isDigit(s, i)) i++;
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [Number(s.slice(0, i)), s.slice(i)];
}

function lookupName_(tab: string[], val: string): [number, string] {
  for (const [i, v] of tab.entries()) {
    // Go folds ASCII letters only.
    const lower = (x: string) => x.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (val.length >= v.length && lower(val.slice(0, v.length)) === lower(v)) return [i, val.slice(v.length)];
  }
  throw new Bad();
}

function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") throw new Bad();
      prefix = prefix.replace(/^ +/, "");
      value = value.replace(/^ +/, "");
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new Bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function signedOffsetLength(v: string): number {
  const m = /^[+-]([0-9]+)/.exec(v);
  return m && Number(m[1]) <= 23 ? m[0].length : 0;
}

function timeZoneLength(v: string): number {
  if (v.length < 3) return 0;
  if (v.startsWith("ChST") || v.startsWith("MeST")) return 4;
  if (v.startsWith("GMT")) return 3 + (v.length > 3 ? signedOffsetLength(v.slice(3)) : 0);
  if (v[0] === "+" || v[0] === "-") return signedOffsetLength(v);
  const n = /^[A-Z]{0,6}/.exec(v)![0].length;
  if (n === 5 && v[4] === "T") return 5;
  if (n === 4 && (v[3] === "T" || v.startsWith("WITA"))) return 4;
  return n === 3 ? 3 : 0;
}

/** parseNanoseconds; Go has already moved past the n bytes when it reports an error. */
function nanoseconds(value: string, n: number): number {
  const rest = value.slice(n);
  if (value[0] !== "." && value[0] !== ",") throw new Bad(rest);
  const digits = value.slice(1, Math.min(n, 10));
  return atoi(digits, rest) * 10 ** (10 - Math.min(n, 10));
}

export function parseInLocation(layout: string, value: string, loc: Location, local: Location): Time {
  const [alayout, avalue] = [layout, value];
  const fail = (elem: string, rest: string, msg = "") =>
    new GoError(msg
      ? `parsing time ${timeQuote(avalue)}${msg}`
      : `parsing time ${timeQuote(avalue)} as ${timeQuote(alayout)}: ` +
        `cannot parse ${timeQuote(rest)} as ${timeQuote(elem)}`);
  let [year, month, day, yday, hour, min, sec, nsec] = [0, -1, -1, -1, 0, 0, 0, 0];
  let z: Location | undefined;
  let zoneOffset = -1;
  let zoneName = "";
  let [amSet, pmSet] = [false, false];
  for (;;) {
    const [prefix, std, suffix] = nextChunk(layout);
    const stdstr = layout.slice(prefix.length, layout.length - suffix.length);
    try {
      value = skip(value, prefix);
    } catch {
      throw fail(prefix, value);
    }
    if (std === undefined) {
      if (value.length !== 0) throw fail("", value, ": extra text: " + timeQuote(value));
      break;
    }
    layout = suffix;
    let range = "";
    const hold = value;
    try {
      if (typeof std !== "string") {
        if (std.frac === "0") {
          const n = 1 + std.digits;
          if (value.length < n) throw new Bad();
          nsec = nanoseconds(value, n);
          value = value.slice(n);
        } else if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigit(value, 1)) {
          let i = 0;
          while (i < 9 && isDigit(value, i + 1)) i++;
          nsec = nanoseconds(value, 1 + i);
          value = value.slice(1 + i);
        }
      } else if (std === "06") {
        if (value.length < 2) throw new Bad();
        try {
          year = atoi(value.slice(0, 2));
          year += year >= 69 ? 1900 : 2000;
          value = value.slice(2);
        } catch {
          throw new Bad();
        }
      } else if (std === "2006") {
        if (value.length < 4 || !isDigit(value, 0)) throw new Bad();
        year = atoi(value.slice(0, 4), value.slice(4));
        value = value.slice(4);
      } else if (std === "Jan" || std === "January") {
        const names = std === "Jan" ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS;
        [month, value] = lookupName_(names, value);
        month++;
      } else if (std === "1" || std === "01") {
        [month, value] = getnum(value, std === "01");
        if (month <= 0 || month > 12) range = "month";
      } else if (std === "Mon" || std === "Monday") {
        value = lookupName_(std === "Mon" ? DAYS.map((d) => d.slice(0, 3)) : DAYS, value)[1];
      } else if (std === "2" || std === "_2" || std === "02") {
        if (std === "_2" && value[0] === " ") value = value.slice(1);
        [day, value] = getnum(value, std === "02");
      } else if (std === "__2" || std === "002") {
        for (let i = 0; i < 2; i++) if (std === "__2" && value[0] === " ") value = value.slice(1);
        [yday, value] = getnum3(value, std === "002");
      } else if (std === "15") {
        [hour, value] = getnum(value, false);
        if (hour < 0 || hour >= 24) range = "hour";
      } else if (std === "3" || std === "03") {
        [hour, value] = getnum(value, std === "03");
        if (hour < 0 || hour > 12) range = "hour";
      } else if (std === "4" || std === "04") {
        [min, value] = getnum(value, std === "04");
        if (min < 0 || min >= 60) range = "minute";
      } else if (std === "5" || std === "05") {
        [sec, value] = getnum(value, std === "05");
        if (sec < 0 || sec >= 60) range = "second";
        else if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigit(value, 1)) {
          const next = nextChunk(layout)[1];
          if (typeof next !== "object") {
            let n = 2;
            while (isDigit(value, n)) n++;
            nsec = nanoseconds(value, n);
            value = value.slice(n);
          }
        }
      } else if (std === "PM" || std === "pm") {
        if (value.length < 2) throw new Bad();
        const p = value.slice(0, 2);
        value = value.slice(2);
        if (p === (std === "PM" ? "PM" : "pm")) pmSet = true;
        else if (p === (std === "PM" ? "AM" : "am")) amSet = true;
        else throw new Bad();
      } else if (std === "MST") {
        if (value.startsWith("UTC")) {
          z = UTC;
          value = value.slice(3);
        } else {
          const n = timeZoneLength(value);
          if (n === 0) throw new Bad();
          [zoneName, value] = [value.slice(0, n), value.slice(n)];
        }
      } else if ((std === "Z0700" || std === "Z07" || std === "Z07:00") && value[0] === "Z") {
        z = UTC;
        value = value.slice(1);
      } else {
        [zoneOffset, value] = parseOffset(std, value);
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      throw fail(stdstr, e.rest ?? (std === "06" ? hold : value));
    }
    if (nsec < 0) range = "fractional second";
    if (range) throw fail(stdstr, value, `: ${range} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) [month, day] = fromYearDay(year, yday, month, day, (m) => fail("", value, m));
  else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw fail("", value, ": day out of range");
  if (z) return date(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const t = date(year, month, day, hour, min, sec, nsec, UTC);
    t.sec -= zoneOffset;
    const at = lookup(local, t.sec);
    if (at.offset === zoneOffset && (zoneName === "" || at.name === zoneName)) return { ...t, loc: local };
    return { ...t, loc: fixedZone(zoneName, zoneOffset) };
  }
  if (zoneName !== "") {
    const t = date(year, month, day, hour, min, sec, nsec, UTC);
    const offset = lookupName(local, zoneName, t.sec);
    if (offset !== undefined) return { ...t, sec: t.sec - offset, loc: local };
    const gmt = zoneName.length > 3 && zoneName.startsWith("GMT") ? atoi(zoneName.slice(3)) * 3600 : 0;
    return { ...t, loc: fixedZone(zoneName, gmt) };
  }
  return date(year, month, day, hour, min, sec, nsec, loc);
}

/** A numeric zone element: sign, hours, minutes and seconds where the layout has them. */
function parseOffset(std: string, v: string): [number, string] {
  let parts: [string, string, string, string];
  if (std.endsWith("07:00")) {
    if (v.length < 6 || v[3] !== ":") throw new Bad();
    parts = [v.slice(1, 3), v.slice(4, 6), "00", v.slice(6)];
  } else if (std.endsWith("07")) {
    if (v.length < 3) throw new Bad();
    parts = [v.slice(1, 3), "00", "00", v.slice(3)];
  } else if (std.endsWith("07:00:00")) {
    if (v.length < 9 || v[3] !== ":" || v[6] !== ":") throw new Bad();
    parts = [v.slice(1, 3), v.slice(4, 6), v.slice(7, 9), v.slice(9)];
  } else if (std.endsWith("070000")) {
    if (v.length < 7) throw new Bad();
    parts = [v.slice(1, 3), v.slice(3, 5), v.slice(5, 7), v.slice(7)];
  } else {
    if (v.length < 5) throw new Bad();
    parts = [v.slice(1, 3), v.slice(3, 5), "00", v.slice(5)];
  }
  const [hh, mm, ss, rest] = parts;
  let off = (atoi(hh, rest) * 60 + atoi(mm, rest)) * 60 + atoi(ss, rest);
  if (v[0] === "-") off = -off;
  else if (v[0] !== "+") throw new Bad(rest);
  return [off, rest];
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

type Fail = (message: string) => Error;

function fromYearDay(year: number, yday: number, month: number, day: number, err: Fail): [number, number] {
  let m = 0;
  let d = 0;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (leap) {
    if (yday === 60) [m, d] = [2, 29];
    else if (yday > 60) yday--;
  }
  if (yday < 1 || yday > 365) throw err(": day-of-year out of range");
  if (m === 0) {
    m = Math.floor((yday - 1) / 31) + 1;
    if (DAYS_BEFORE[m]! < yday) m++;
    d = yday - DAYS_BEFORE[m - 1]!;
  }
  if (month >= 0 && month !== m) throw err(": day-of-year does not match month");
  if (day >= 0 && day !== d) throw err(": day-of-year does not match day");
  return [m, d];
}

