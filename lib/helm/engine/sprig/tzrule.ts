/**
 * Go's tzset (time/zoneinfo.go): the POSIX TZ rule at the end of a TZif file ("CET-1CEST,M3.5.0,
 * M10.5.0/3") that gives the zone for times after the file's last transition.
 */
import { daysIn, type Zone } from "./tz";

interface Rule {
  kind: "julian" | "doy" | "mwd";
  day: number;
  week: number;
  mon: number;
  time: number;
}

const HOUR = 3600;
const DAY = 86400;
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function name(s: string): [string, string] | undefined {
  if (s === "") return undefined;
  if (s[0] === "<") {
    const i = s.indexOf(">");
    return i < 0 ? undefined : [s.slice(1, i), s.slice(i + 1)];
  }
  const i = s.search(/[0-9,+-]/);
  if (i < 0) return s.length < 3 ? undefined : [s, ""];
  return i < 3 ? undefined : [s.slice(0, i), s.slice(i)];
}

function num(s: string, min: number, max: number): [number, string] | undefined {
  const m = /^[0-9]+/.exec(s);
  if (!m) return undefined;
  const n = Number(m[0]);
  if (n > max || n < min) return undefined;
  return [n, s.slice(m[0].length)];
}

function offset(s: string): [number, string] | undefined {
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  const h = num(s, 0, 24 * 7);
  if (!h) return undefined;
  let off = h[0] * HOUR;
  s = h[1];
  for (const unit of [60, 1]) {
    if (s[0] !== ":") break;
    const x = num(s.slice(1), 0, 59);
    if (!x) return undefined;
    off += x[0] * unit;
    s = x[1];
  }
  return [neg ? -off : off, s];
}

function rule(s: string): [Rule, string] | undefined {
  const r: Rule = { kind: "doy", day: 0, week: 0, mon: 0, time: 2 * HOUR };
  let x: [number, string] | undefined;
  if (s[0] === "J") {
    if (!(x = num(s.slice(1), 1, 365))) return undefined;
    [r.kind, r.day, s] = ["julian", x[0], x[1]];
  } else if (s[0] === "M") {
    const parts = /^M([0-9]+)\.([0-9]+)\.([0-9]+)/.exec(s);
    if (!parts) return undefined;
    [r.mon, r.week, r.day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    if (r.mon < 1 || r.mon > 12 || r.week < 1 || r.week > 5 || r.day > 6) return undefined;
    r.kind = "mwd";
    s = s.slice(parts[0].length);
  } else {
    if (!(x = num(s, 0, 365))) return undefined;
    [r.day, s] = [x[0], x[1]];
  }
  if (s[0] !== "/") return [r, s];
  const t = offset(s.slice(1));
  if (!t) return undefined;
  r.time = t[0];
  return [r, t[1]];
}

/** Seconds from the start of the year to the rule's moment, for a zone offset. */
function ruleTime(year: number, r: Rule, off: number): number {
  let s = 0;
  if (r.kind === "julian") s = (r.day - 1) * DAY + (isLeap(year) && r.day >= 60 ? DAY : 0);
  else if (r.kind === "doy") s = r.day * DAY;
  else {
    const m1 = ((r.mon + 9) % 12) + 1;
    const yy0 = r.mon <= 2 ? year - 1 : year;
    const yy1 = Math.trunc(yy0 / 100);
    const yy2 = yy0 % 100;
    let dow = (Math.trunc((26 * m1 - 2) / 10) + 1 + yy2 + Math.trunc(yy2 / 4) + Math.trunc(yy1 / 4) - 2 * yy1) % 7;
    if (dow < 0) dow += 7;
    let d = r.day - dow;
    if (d < 0) d += 7;
    for (let i = 1; i < r.week; i++) {
      if (d + 7 >= daysIn(r.mon, year)) break;
      d += 7;
    }
    d += DAYS_BEFORE[r.mon - 1]! + (isLeap(year) && r.mon > 2 ? 1 : 0);
    s = d * DAY;
  }
  return s + r.time - off;
}

export function tzset(s: string, sec: number): Zone | undefined {
  const std = name(s);
  const stdOff = std && offset(std[1]);
  if (!std || !stdOff) return undefined;
  let stdName = std[0];
  let stdOffset = -stdOff[0];
  s = stdOff[1];
  if (s === "" || s[0] === ",") return { name: stdName, offset: stdOffset, isDST: false };
  const dst = name(s);
  if (!dst) return undefined;
  let dstName = dst[0];
  let dstOffset = stdOffset + HOUR;
  s = dst[1];
  if (s !== "" && s[0] !== ",") {
    const o = offset(s);
    if (!o) return undefined;
    [dstOffset, s] = [-o[0], o[1]];
  }
  if (s === "") s = ",M3.2.0,M11.1.0";
  if (s[0] !== "," && s[0] !== ";") return undefined;
  const start = rule(s.slice(1));
  if (!start || start[1][0] !== ",") return undefined;
  const end = rule(start[1].slice(1));
  if (!end || end[1] !== "") return undefined;
  const date = new Date(sec * 1000);
  const year = date.getUTCFullYear();
  const ysec = sec - Date.UTC(year, 0, 1) / 1000;
  let startSec = ruleTime(year, start[0], stdOffset);
  let endSec = ruleTime(year, end[0], dstOffset);
  let [dstIsDST, stdIsDST] = [true, false];
  if (endSec < startSec) {
    [startSec, endSec] = [endSec, startSec];
    [stdName, dstName] = [dstName, stdName];
    [stdOffset, dstOffset] = [dstOffset, stdOffset];
    [stdIsDST, dstIsDST] = [dstIsDST, stdIsDST];
  }
  if (ysec < startSec || ysec >= endSec) return { name: stdName, offset: stdOffset, isDST: stdIsDST };
  return { name: dstName, offset: dstOffset, isDST: dstIsDST };
}
