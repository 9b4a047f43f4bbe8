/**
 * Go's time zones (time/zoneinfo.go, zoneinfo_read.go): locations read from the system's TZif
 * files as Go reads them, including the POSIX rule that extends them past the last transition,
 * so that zone abbreviations ("CET", "+03") and offsets are Go's. Local follows $TZ as Go does.
 */
import fs from "node:fs";
import { tzset } from "./tzrule";

export interface Zone {
  name: string;
  offset: number;
  isDST: boolean;
}

export interface Location {
  name: string;
  zones: Zone[];
  tx: { when: number; index: number }[];
  extend: string;
}

export const UTC: Location = { name: "UTC", zones: [], tx: [], extend: "" };

export function fixedZone(name: string, offset: number): Location {
  return { name, zones: [{ name, offset, isDST: false }], tx: [{ when: -Infinity, index: 0 }], extend: "" };
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

export function daysIn(month: number, year: number): number {
  if (month === 2 && isLeap(year)) return 29;
  return DAYS_BEFORE[month]! - DAYS_BEFORE[month - 1]!;
}

function parseTZif(name: string, data: Buffer): Location | undefined {
  if (data.length < 44 || data.toString("latin1", 0, 4) !== "TZif") return undefined;
  const version = data[4] === 0 ? 1 : data[4] === 0x32 ? 2 : data[4] === 0x33 ? 3 : 0;
  if (!version) return undefined;
  let off = 20;
  const counts = () => Array.from({ length: 6 }, (_, i) => data.readUInt32BE(off + 4 * i));
  let [isutc, isstd, leap, time, zone, chars] = counts() as [number, number, number, number, number, number];
  off += 24;
  let size = 4;
  if (version > 1) {
    off += time * 5 + zone * 6 + chars + leap * 8 + isstd + isutc + 20;
    if (off + 24 > data.length) return undefined;
    [isutc, isstd, leap, time, zone, chars] = counts() as [number, number, number, number, number, number];
    off += 24;
    size = 8;
  }
  const need = time * (size + 1) + zone * 6 + chars + leap * (size + 4) + isstd + isutc;
  if (off + need > data.length || zone === 0) return undefined;
  const whens = Array.from({ length: time }, (_, i) =>
    size === 8 ? Number(data.readBigInt64BE(off + 8 * i)) : data.readInt32BE(off + 4 * i),
  );
  off += time * size;
  const indexes = [...data.subarray(off, off + time)];
  off += time;
  const zoneData = data.subarray(off, off + zone * 6);
  off += zone * 6;
  const abbrev = data.subarray(off, off + chars);
  off += chars + leap * (size + 4) + isstd + isutc;
  const rest = data.toString("latin1", off);
  const extend = rest.length > 2 && rest[0] === "\n" && rest.endsWith("\n") ? rest.slice(1, -1) : "";
  const zones: Zone[] = [];
  for (let i = 0; i < zone; i++) {
    const a = zoneData[i * 6 + 5]!;
    if (a >= abbrev.length) return undefined;
    const end = abbrev.indexOf(0, a);
    zones.push({
      offset: zoneData.readInt32BE(i * 6),
      isDST: zoneData[i * 6 + 4] !== 0,
      name: abbrev.toString("latin1", a, end < 0 ? abbrev.length : end),
    });
  }
  const tx = whens.map((when, i) => ({ when, index: indexes[i]! }));
  if (indexes.some((x) => x >= zones.length)) return undefined;
  if (tx.length === 0) tx.push({ when: -Infinity, index: 0 });
  return { name, zones, tx, extend };
}

function readZone(name: string, dirs: string[]): Location | undefined {
  for (const dir of dirs) {
    try {
      const loc = parseTZif(name, fs.readFileSync(dir ? `${dir}/${name}` : name));
      if (loc) return loc;
    } catch {
      // Not in this directory: Go tries the next one.
    }
  }
  return undefined;
}

const SOURCES = ["/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"];
const cache = new Map<string, Location | undefined>();

/** time.LoadLocation; undefined where Go returns an error. */
export function loadLocation(name: string): Location | undefined {
  if (name === "" || name === "UTC") return UTC;
  if (name === "Local") return local();
  if (name.split("/").includes("..") || name[0] === "/" || name[0] === "\\") return undefined;
  if (!cache.has(name)) {
    const env = process.env.ZONEINFO;
    cache.set(name, (env ? readZone(name, [env]) : undefined) ?? readZone(name, SOURCES));
  }
  return cache.get(name);
}

let localLoc: Location | undefined;

/** time.Local, initialised from $TZ or /etc/localtime as Go's initLocal does. */
export function local(): Location {
  if (localLoc) return localLoc;
  let tz = process.env.TZ;
  let loc: Location | undefined;
  if (tz === undefined) {
    const z = readZone("localtime", ["/etc"]);
    if (z) loc = { ...z, name: "Local" };
  } else if (tz !== "") {
    if (tz[0] === ":") tz = tz.slice(1);
    if (tz[0] === "/") {
      const z = readZone(tz, [""]);
      if (z) loc = { ...z, name: tz === "/etc/localtime" ? "Local" : tz };
    } else if (tz !== "" && tz !== "UTC") loc = readZone(tz, SOURCES);
  }
  localLoc = loc ?? { ...UTC, name: "UTC" };
  return localLoc;
}

/** Location.lookup: the zone in effect at a Unix time. */
export function lookup(l: Location, sec: number): Zone {
  if (l.zones.length === 0) return { name: "UTC", offset: 0, isDST: false };
  if (l.tx.length === 0 || sec < l.tx[0]!.when) return l.zones[firstZone(l)]!;
  let lo = 0;
  let hi = l.tx.length;
  while (hi - lo > 1) {
    const m = lo + Math.floor((hi - lo) / 2);
    if (sec < l.tx[m]!.when) hi = m;
    else lo = m;
  }
  if (lo === l.tx.length - 1 && l.extend) {
    const z = tzset(l.extend, sec);
    if (z) return z;
  }
  return l.zones[l.tx[lo]!.index]!;
}

function firstZone(l: Location): number {
  const used = l.tx.some((t) => t.index === 0);
  if (!used) return 0;
  if (l.tx.length > 0 && l.zones[l.tx[0]!.index]!.isDST) {
    for (let zi = l.tx[0]!.index - 1; zi >= 0; zi--) if (!l.zones[zi]!.isDST) return zi;
  }
  const i = l.zones.findIndex((z) => !z.isDST);
  return i < 0 ? 0 : i;
}

/** Offsets of zones that go by a name, for time.Parse's "MST" element (Location.lookupName). */
export function lookupName(l: Location, name: string, unix: number): number | undefined {
  for (const z of l.zones) {
    if (z.name === name) {
      const at = lookup(l, unix - z.offset);
      if (at.name === z.name) return at.offset;
    }
  }
  return l.zones.find((z) => z.name === name)?.offset;
}

