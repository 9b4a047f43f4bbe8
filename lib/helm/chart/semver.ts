/**
 * Masterminds/semver v3.4.0 as Helm uses it: NewVersion (coercing, so "1.2" and "v1" parse) for
 * Chart.yaml versions, and constraints ("^1.2", "~1.2.3", ">= 1, < 2 || 3.x", "1.2 - 1.4") for
 * dependency versions and kubeVersion.
 */
export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
  original: string;
}

const LOOSE = new RegExp(
  String.raw`^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?` +
    String.raw`(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$`,
);
const MAX_UINT64 = 2n ** 64n - 1n;

function segment(s: string | undefined): bigint {
  if (!s) return 0n;
  const n = BigInt(s.replace(/^\./, ""));
  if (n > MAX_UINT64) {
    throw new Error(`error parsing version segment: strconv.ParseUint: parsing "${s}": value out of range`);
  }
  return n;
}

function validPrerelease(p: string): boolean {
  return p.split(".").every((part) => part !== "" && /^[0-9A-Za-z-]+$/.test(part) && !/^0[0-9]+$/.test(part));
}

/** semver.NewVersion; throws with the library's message. */
export function parseVersion(v: string): Version {
  const m = LOOSE.exec(v);
  if (!m) throw new Error("invalid semantic version");
  const version: Version = {
    major: segment(m[1]),
    minor: segment(m[2]),
    patch: segment(m[3]),
    pre: m[5] ?? "",
    metadata: m[8] ?? "",
    original: v,
  };
  if (version.pre && !validPrerelease(version.pre)) {
    const leadingZero = version.pre.split(".").some((p) => /^0[0-9]+$/.test(p));
    throw new Error(leadingZero ? "version segment starts with 0" : "invalid prerelease string");
  }
  return version;
}

export function isValidSemver(v: string): boolean {
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}

export function versionString(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ""}${v.metadata ? `+${v.metadata}` : ""}`;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return o !== "" ? -1 : 1;
  if (o === "") return 1;
  const sNum = /^[0-9]+$/.test(s);
  const oNum = /^[0-9]+$/.test(o);
  if (!sNum && !oNum) return s > o ? 1 : -1;
  if (!oNum) return -1;
  if (!sNum) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const a = v.split(".");
  const b = o.split(".");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = comparePrePart(a[i] ?? "", b[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

export function compareVersions(v: Version, o: Version): number {
  for (const k of ["major", "minor", "patch"] as const) if (v[k] !== o[k]) return v[k] < o[k] ? -1 : 1;
  if (v.pre === "" && o.pre === "") return 0;
  if (v.pre === "") return 1;
  if (o.pre === "") return -1;
  return comparePrerelease(v.pre, o.pre);
}

interface Constraint {
  op: string;
  con: Version;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const CV =
  String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?` +
  String.raw`(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const CONSTRAINT = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const RANGE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, "g");
const FIND = new RegExp(String.raw`(${OPS})\s*(${CV})`, "g");
const VALID = new RegExp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);

const isX = (s: string | undefined) => s === "x" || s === "X" || s === "*";

function parseConstraint(c: string): Constraint {
  const m = CONSTRAINT.exec(c);
  if (!m) throw new Error(`improper constraint: ${c}`);
  const [op, major, minor, patch, pre] = [m[1]!, m[3]!, m[4], m[5], m[6] ?? ""];
  let ver = m[2]!;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (!minor || isX(minor.slice(1))) {
    [minorDirty, dirty, ver] = [true, true, `${major}.0.0${pre}`];
  } else if (!patch || isX(patch.slice(1))) {
    [dirty, patchDirty, ver] = [true, true, `${major}${minor}.0${pre}`];
  }
  let con: Version;
  try {
    con = parseVersion(ver);
  } catch {
    throw new Error("constraint parser error");
  }
  return { op, con, dirty, minorDirty, patchDirty };
}

/** A parsed constraint set: alternatives (||) of conjunctions. */
export type Constraints = { groups: Constraint[][]; hasPre: boolean[] };

export function parseConstraints(input: string): Constraints {
  const rewritten = input.replace(RANGE, (_all, lo: string, ...rest: unknown[]) => `>= ${lo}, <= ${String(rest[9])} `);
  const groups: Constraint[][] = [];
  const hasPre: boolean[] = [];
  for (const part of rewritten.split("||")) {
    if (!VALID.test(part)) throw new Error(`improper constraint: ${part}`);
    const found = part.match(FIND) ?? [part];
    const cs = found.map(parseConstraint);
    groups.push(cs);
    hasPre.push(cs.some((c) => c.con.pre !== ""));
  }
  return { groups, hasPre };
}

function check(v: Version, c: Constraint, includePre: boolean): boolean {
  if (v.pre !== "" && !includePre) return false;
  const cmp = compareVersions(v, c.con);
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
    case "^":
      return caret(v, c, cmp);
  }
  return false;
}

function tilde(v: Version, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return !(v.minor !== c.con.minor && !c.minorDirty);
}

function caret(v: Version, c: Constraint, cmp: number): boolean {
  if (cmp < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (v.minor > 0n) return false;
  return c.con.patch === v.patch;
}

export function satisfies(constraints: Constraints, v: Version): boolean {
  return constraints.groups.some((group, i) => group.every((c) => check(v, c, constraints.hasPre[i]!)));
}

/** chartutil.IsCompatibleRange: false when either side does not parse. */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return satisfies(parseConstraints(constraint), parseVersion(version));
  } catch {
    return false;
  }
}
