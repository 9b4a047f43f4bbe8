/**
 * Go's time layouts (time/format.go): Format and ParseInLocation with the reference time
 * "Mon Jan 2 15:04:05 MST 2006", their elements, quirks and error texts.
 */
import { lookup, type Location } from "./tz";

export interface Time {
  /** Unix seconds and nanoseconds within the second. */
  sec: number;
  nsec: number;
  loc: Location;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
  "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

type Std = string | { frac: "0" | "9"; digits: number; sep: string };

const PREFIXES: [string, string][] = [
  ["January", "January"], ["Jan", "Jan"], ["Monday", "Monday"], ["Mon", "Mon"], ["MST", "MST"],
  ["-070000", "-070000"], ["-07:00:00", "-07:00:00"], ["-0700", "-0700"], ["-07:00", "-07:00"], ["-07", "-07"],
  ["Z070000", "Z070000"], ["Z07:00:00", "Z07:00:00"], ["Z0700", "Z0700"], ["Z07:00", "Z07:00"], ["Z07", "Z07"],
];

/** nextStdChunk: the text before the next layout element, the element, and the rest. */
function nextChunk(layout: string): [string, Std | undefined, string] {
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i);
    const c = layout[i];
    const lowerNext = (n: number) => /^[a-z]/.test(layout.slice(i + n));
    for (const [p, std] of PREFIXES) {
      if (!rest.startsWith(p)) continue;
      if ((p === "Jan" || p === "Mon") && lowerNext(3)) continue;
      return [layout.slice(0, i), std, layout.slice(i + p.length)];
    }
    if (c === "0" && /^0[1-6]/.test(rest)) return [layout.slice(0, i), rest.slice(0, 2), layout.slice(i + 2)];
    if (c === "0" && rest.startsWith("002")) return [layout.slice(0, i), "002", layout.slice(i + 3)];
    const head = layout.slice(0, i);
    if (c === "1") return rest.startsWith("15") ? [head, "15", layout.slice(i + 2)] : [head, "1", rest.slice(1)];
    if (c === "2") return rest.startsWith("2006") ? [head, "2006", layout.slice(i + 4)] : [head, "2", rest.slice(1)];
    if (c === "_" && rest[1] === "2") {
      if (rest.startsWith("_2006")) return [layout.slice(0, i + 1), "2006", layout.slice(i + 5)];
      return [layout.slice(0, i), "_2", layout.slice(i + 2)];
    }
    if (c === "_" && rest.startsWith("__2")) return [layout.slice(0, i), "__2", layout.slice(i + 3)];
    if (c === "3" || c === "4" || c === "5") return [layout.slice(0, i), c, rest.slice(1)];
    if (rest.startsWith("PM") || rest.startsWith("pm")) return [head, rest.slice(0, 2), layout.slice(i + 2)];
    if ((c === "." || c === ",") && (rest[1] === "0" || rest[1] === "9")) {
      const ch = rest[1];
      let j = 1;
      while (j < rest.length && rest[j] === ch) j++;
      if (!/[0-9]/.test(rest[j] ?? "")) return [layout.slice(0, i), { frac: ch, digits: j - 1, sep: c }, rest.slice(j)];
    }
  }
  return [layout, undefined, ""];
}

/** Date.UTC without its 1900 offset for years 0 to 99. */
export function utcMillis(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime();
}

const pad = (n: number, w: number) => (n < 0 ? "-" + String(-n).padStart(w, "0") : String(n).padStart(w, "0"));

/** Civil fields of t in its location. */
export function civil(t: Time) {
  const zone = lookup(t.loc, t.sec);
  const d = new Date((t.sec + zone.offset) * 1000);
  const year = d.getUTCFullYear();
  const yday = Math.floor((utcMillis(year, d.getUTCMonth(), d.getUTCDate()) - utcMillis(year, 0, 1)) / 86400000) + 1;
  return { zone, year, month: d.getUTCMonth() + 1, day: d.getUTCDate(), yday, weekday: d.getUTCDay(),
    hour: d.getUTCHours(), min: d.getUTCMinutes(), sec: d.getUTCSeconds() };
}

function formatOffset(std: string, offset: number): string {
  if (offset === 0 && std[0] === "Z") return "Z";
  const zone = Math.trunc(offset / 60);
  const abs = Math.abs(offset);
  let out = (zone < 0 ? "-" : "+") + pad(Math.trunc(Math.abs(zone) / 60), 2);
  const colon = std.includes(":");
  if (colon) out += ":";
  if (std !== "-07" && std !== "Z07") out += pad(Math.abs(zone) % 60, 2);
  if (std.length === 7 || std.length === 9) out += (colon ? ":" : "") + pad(abs % 60, 2);
  return out;
}

/** Time.Format. */
export function format(t: Time, layout: string): string {
  const c = civil(t);
  let out = "";
  while (layout !== "") {
    const [prefix, std, suffix] = nextChunk(layout);
    out += prefix;
    if (std === undefined) break;
    layout = suffix;
    if (typeof std !== "string") {
      const digits = String(t.nsec).padStart(9, "0").slice(0, Math.min(std.digits, 9));
      const shown = std.frac === "9" ? digits.replace(/0+$/, "") : digits;
      if (shown !== "") out += std.sep + shown;
      continue;
    }
    const h12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
    switch (std) {
      case "06": out += pad(Math.abs(c.year) % 100, 2); break;
      case "2006": out += pad(c.year, 4); break;
      case "Jan": out += MONTHS[c.month - 1]!.slice(0, 3); break;
      case "January": out += MONTHS[c.month - 1]; break;
      case "1": out += c.month; break;
      case "01": out += pad(c.month, 2); break;
      case "Mon": out += DAYS[c.weekday]!.slice(0, 3); break;
      case "Monday": out += DAYS[c.weekday]; break;
      case "2": out += c.day; break;
      case "_2": out += (c.day < 10 ? " " : "") + c.day; break;
      case "02": out += pad(c.day, 2); break;
      case "__2": out += (c.yday < 100 ? (c.yday < 10 ? "  " : " ") : "") + c.yday; break;
      case "002": out += pad(c.yday, 3); break;
      case "15": out += pad(c.hour, 2); break;
      case "3": out += h12; break;
      case "03": out += pad(h12, 2); break;
      case "4": out += c.min; break;
      case "04": out += pad(c.min, 2); break;
      case "5": out += c.sec; break;
      case "05": out += pad(c.sec, 2); break;
      case "PM": out += c.hour >= 12 ? "PM" : "AM"; break;
      case "pm": out += c.hour >= 12 ? "pm" : "am"; break;
      case "MST": {
        if (c.zone.name !== "") out += c.zone.name;
        else out += formatOffset("-0700", c.zone.offset - (c.zone.offset % 60));
        break;
      }
      default: out += formatOffset(std, c.zone.offset);
    }
  }
  return out;
}

/** time.Date: normalises out-of-range fields and resolves the zone offset. */
export function date(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ns: number,
  loc: Location,
): Time {
  const localSec = utcMillis(y, mo - 1, 1, h, mi, s) / 1000 + (d - 1) * 86400 + Math.floor(ns / 1e9);
  const off1 = lookup(loc, localSec).offset;
  const off = off1 === 0 ? 0 : lookup(loc, localSec - off1).offset;
  return { sec: localSec - off, nsec: ((ns % 1e9) + 1e9) % 1e9, loc };
}

/** time.quote: non-ASCII and control bytes as \x escapes. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, "utf8")) {
    if (b >= 0x80 || b < 0x20) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += (b === 0x22 || b === 0x5c ? "\\" : "") + String.fromCharCode(b);
  }
  return out + '"';
}

export { MONTHS, DAYS, nextChunk };
