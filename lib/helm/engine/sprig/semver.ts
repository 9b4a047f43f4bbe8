/**
 * Masterminds/semver v3.4.0 (version.go, constraints.go), the version Helm 3.19 pins, for Sprig's
 * semver and semverCompare and for Helm's own checks: Chart.yaml versions, dependency version
 * ranges and kubeVersion. The same parsing (a "v" prefix, missing minor/patch), error texts and
 * constraint rules (ranges, x-ranges, ^, ~, ||; a prerelease version only satisfies an alternative
 * that names a prerelease somewhere). The library's regular expressions run through the Go regexp
 * port so that \s means what it does in Go.
 */
import { goQuote } from "../fmt-quote";
import { GoError } from "./func";
import { compile, findAll } from "./regex";
import { parseUint } from "./strconv";

export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
  original: string;
}

const VERSION = new RegExp(
  "^v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?" +
    "(-([0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*))?(\\+([0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*))?$",
);
const CV =
  "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?" +
  "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
const OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
const CONSTRAINT = `^\\s*(${OPS})\\s*(${CV})\\s*$`;
const RANGE = `\\s*(${CV})\\s+-\\s+(${CV})\\s*`;
const FIND = `(${OPS})\\s*(${CV})`;
const VALID = `^(\\s*(${OPS})\\s*(${CV})\\s*)((?:\\s+|,\\s*)(${OPS})\\s*(${CV})\\s*)*$`;

const ALLOWED = /^[0-9A-Za-z-]*$/;

function segment(s: string): bigint {
  const r = parseUint(s, 10, 64);
  if (r.err) throw new GoError(`error parsing version segment: strconv.ParseUint: parsing ${goQuote(s)}: ${r.err}`);
  return r.value;
}

function validatePrerelease(p: string): void {
  for (const part of p.split(".")) {
    if (part === "") throw new GoError("invalid prerelease string");
    if (/^[0-9]*$/.test(part)) {
      if (part.length > 1 && part[0] === "0") throw new GoError("version segment starts with 0");
    } else if (!ALLOWED.test(part)) throw new GoError("invalid prerelease string");
  }
}

/** semver.NewVersion. */
export function newVersion(v: string): Version {
  const m = VERSION.exec(v);
  if (!m) throw new GoError("invalid semantic version");
  const sv: Version = {
    major: segment(m[1]!), minor: 0n,
    patch: 0n,
    pre: m[5] ?? "",
    metadata: m[8] ?? "",
    original: v,
  };
  if (m[2]) sv.minor = segment(m[2].slice(1));
  if (m[3]) sv.patch = segment(m[3].slice(1));
  if (sv.pre) validatePrerelease(sv.pre);
  if (sv.metadata && !sv.metadata.split(".").every((p) => p !== "" && ALLOWED.test(p))) {
    throw new GoError("invalid metadata string");
  }
  return sv;
}

export function versionString(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}` + (v.pre ? "-" + v.pre : "") + (v.metadata ? "+" + v.metadata : "");
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return o !== "" ? -1 : 1;
  if (o === "") return 1;
  const oi = parseUint(o, 10, 64);
  const si = parseUint(s, 10, 64);
  if (oi.err && si.err) return s > o ? 1 : -1;
  if (oi.err) return -1;
  if (si.err) return 1;
  return si.value > oi.value ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split(".");
  const op = o.split(".");
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? "", op[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

export function compare(v: Version, o: Version): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (v[k] !== o[k]) return v[k] < o[k] ? -1 : 1;
  }
  if (v.pre === "" && o.pre === "") return 0;
  if (v.pre === "") return 1;
  if (o.pre === "") return -1;
  return comparePrerelease(v.pre, o.pre);
}

interface Constraint {
  con: Version;
  orig: string;
  op: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (x: string) => x === "x" || x === "*" || x === "X";

function parseConstraint(c: string): Constraint {
  const m = compile(CONSTRAINT).re;
  m.lastIndex = 0;
  const g = m.exec(c);
  if (!g) throw new GoError(`improper constraint: ${c}`);
  const [op = "", orig = "", maj = "", min = "", pat = "", pre = ""] = g.slice(1).map((x) => x ?? "");
  let ver = orig;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(maj) || maj === "") {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(min.replace(/^\./, "")) || min === "") {
    minorDirty = dirty = true;
    ver = `${maj}.0.0${pre}`;
  } else if (isX(pat.replace(/^\./, "")) || pat === "") {
    dirty = patchDirty = true;
    ver = `${maj}${min}.0${pre}`;
  }
  let con: Version;
  try {
    con = newVersion(ver);
  } catch {
    throw new GoError("constraint parser error");
  }
  return { con, orig, op, minorDirty, patchDirty, dirty };
}

function check(v: Version, c: Constraint, includePre: boolean): boolean {
  const cmp = compare(v, c.con);
  if (v.pre !== "" && !includePre) return false;
  switch (c.op) {
    case "":
    case "=":
      return c.dirty ? tilde(v, c) : cmp === 0;
    case "!=":
      if (c.dirty) {
        if (c.con.major !== v.major) return true;
        if (c.con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) return (v.pre !== "" || c.con.pre !== "") && comparePrerelease(v.pre, c.con.pre) !== 0;
      }
      return cmp !== 0;
    case ">":
      if (!c.dirty) return cmp === 1;
      if (v.major !== c.con.major) return v.major > c.con.major;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return cmp === 1;
    case "<":
      return cmp < 0;
    case ">=":
    case "=>":
      return cmp >= 0;
    case "<=":
    case "=<":
      if (!c.dirty) return cmp <= 0;
      if (v.major > c.con.major) return false;
      return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
    case "~":
    case "~>":
      return tilde(v, c);
    default:
      return caret(v, c);
  }
}

function tilde(v: Version, c: Constraint): boolean {
  if (compare(v, c.con) < 0) return false;
  const con = c.con;
  if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== con.major) return false;
  return !(v.minor !== con.minor && !c.minorDirty);
}

function caret(v: Version, c: Constraint): boolean {
  const con = c.con;
  if (compare(v, con) < 0) return false;
  if (con.major > 0n || c.minorDirty) return v.major === con.major;
  if (v.major > 0n) return false;
  if (con.minor > 0n || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0n) return false;
  return con.patch === v.patch;
}

/** semver.NewConstraint: ranges rewritten, then "||" alternatives of space/comma-joined terms. */
export function newConstraint(c: string): Constraint[][] {
  const range = compile(RANGE);
  for (const m of findAll(range, c, -1)) c = c.replace(m[0], () => `>= ${m[1]}, <= ${m[11]} `);
  return c.split("||").map((part) => {
    const valid = compile(VALID).re;
    valid.lastIndex = 0;
    if (!valid.test(part)) throw new GoError(`improper constraint: ${part}`);
    const found = findAll(compile(FIND), part, -1).map((m) => m[0]);
    return (found.length ? found : [part]).map(parseConstraint);
  });
}

export function checkConstraints(cs: Constraint[][], v: Version): boolean {
  // Each alternative lets prereleases through if any of its terms names one.
  return cs.some((and) => {
    const includePre = and.some((c) => c.con.pre !== "");
    return and.every((c) => check(v, c, includePre));
  });
}

/** A version Chart.yaml may carry: NewVersion accepts it. */
export function isValidSemver(v: string): boolean {
  try {
    newVersion(v);
    return true;
  } catch {
    return false;
  }
}

/** chartutil.IsCompatibleRange: false when either side does not parse. */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return checkConstraints(newConstraint(constraint), newVersion(version));
  } catch {
    return false;
  }
}
