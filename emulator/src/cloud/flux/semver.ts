/**
 * Helm's chart version constraints (Masterminds semver), for the stable x.y.z versions of a chart
 * repository: exact, wildcards (1.18.x, 1.*, *), ~ and ^, comparisons, "," or space for and, "||" for or.
 */
type Version = [number, number, number];

const parse = (v: string): Version | undefined => {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
};

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** One term, e.g. ">=1.16.0", "~1.18", "1.18.x", "^1". False when the term does not parse. */
function matchesTerm(term: string, v: Version): boolean {
  const m = /^(>=|<=|!=|=>|=<|>|<|=|~>|~|\^)?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?$/.exec(term);
  if (!m) return false;
  const op = m[1] ?? "";
  const parts = [m[2], m[3], m[4]];
  const wild = (p: string | undefined) => p === undefined || /^[xX*]$/.test(p);
  const fixed = parts.findIndex(wild);
  const given = fixed === -1 ? 3 : fixed;
  const lower: Version = [0, 1, 2].map((i) => (i < given ? Number(parts[i]) : 0)) as Version;
  const bump = (i: number): Version => (i === 0 ? [lower[0] + 1, 0, 0] : i === 1 ? [lower[0], lower[1] + 1, 0] : [lower[0], lower[1], lower[2] + 1]);
  const inRange = (lo: Version, hi: Version) => compare(v, lo) >= 0 && compare(v, hi) < 0;
  switch (op) {
    case "":
    case "=":
      return given === 0 ? true : inRange(lower, bump(given - 1));
    case "!=":
      return given === 0 ? false : !inRange(lower, bump(given - 1));
    case ">":
      // ">1.18" means above every 1.18.x.
      if (given === 0) return false;
      return given === 3 ? compare(v, lower) > 0 : compare(v, bump(given - 1)) >= 0;
    case ">=":
    case "=>":
      return compare(v, lower) >= 0;
    case "<":
      return compare(v, lower) < 0;
    case "<=":
    case "=<":
      return given === 0 ? true : compare(v, given === 3 ? bump(2) : bump(given - 1)) < 0;
    case "~":
    case "~>":
      return inRange(lower, bump(given >= 2 ? 1 : 0));
    case "^":
      return inRange(lower, lower[0] > 0 || given === 1 ? bump(0) : lower[1] > 0 || given === 2 ? bump(1) : bump(2));
    default:
      return false;
  }
}

export function satisfies(version: string, constraint: string): boolean {
  const v = parse(version);
  if (!v) return false;
  const c = constraint.trim();
  if (c === "" || c === "*") return true;
  return c.split("||").some((group) =>
    group
      .trim()
      .replace(/(>=|<=|!=|=>|=<|~>|[<>=~^])\s+/g, "$1")
      .split(/[\s,]+/)
      .filter(Boolean)
      .every((term) => matchesTerm(term, v)),
  );
}

/** The version Helm picks: an exact match first, else the highest that satisfies the constraint. */
export function resolveVersion(available: string[], constraint: string): string | undefined {
  if (available.includes(constraint.trim())) return constraint.trim();
  return available
    .filter((v) => satisfies(v, constraint))
    .sort((a, b) => compare(parse(b) as Version, parse(a) as Version))[0];
}
