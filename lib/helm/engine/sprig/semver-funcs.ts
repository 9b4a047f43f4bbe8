/**
 * Sprig's semverCompare and semver. `semver` returns a *semver.Version whose methods templates
 * call (`(semver "1.2.3").Major`); it prints through its String method.
 */
import { fn, GoError } from "./func";
import { checkConstraints, compare, newConstraint, newVersion, versionString, type Version } from "./semver";
import { GoInt, GoStruct, type GoFunc, type GoValue } from "../value";

const VERSIONS = new WeakMap<GoStruct, Version>();

function versionArg(v: GoValue): Version {
  const found = v instanceof GoStruct ? VERSIONS.get(v) : undefined;
  if (!found) throw new GoError("wrong type for value; expected *semver.Version");
  return found;
}

function vPrefix(v: Version): string {
  return v.original.startsWith("v") ? "v" : "";
}

/** A semver.Version: a pointer from semver, a plain value from the IncPatch-style methods. */
function versionStruct(v: Version, pointer: boolean): GoStruct {
  const u64 = (x: bigint) => new GoInt(x, "uint64");
  const next = (w: Version) => versionStruct({ ...w, original: vPrefix(v) + versionString(w) }, false);
  const methods: Record<string, GoFunc> = {
    Major: fn([], "interface {}", () => u64(v.major)),
    Minor: fn([], "interface {}", () => u64(v.minor)),
    Patch: fn([], "interface {}", () => u64(v.patch)),
    Prerelease: fn([], "string", () => v.pre),
    Metadata: fn([], "string", () => v.metadata),
    Original: fn([], "string", () => v.original),
    String: fn([], "string", () => versionString(v)),
    Compare: fn(["interface {}"], "int", (o) => BigInt(compare(v, versionArg(o)))),
    LessThan: fn(["interface {}"], "bool", (o) => compare(v, versionArg(o)) < 0),
    GreaterThan: fn(["interface {}"], "bool", (o) => compare(v, versionArg(o)) > 0),
    LessThanEqual: fn(["interface {}"], "bool", (o) => compare(v, versionArg(o)) <= 0),
    GreaterThanEqual: fn(["interface {}"], "bool", (o) => compare(v, versionArg(o)) >= 0),
    Equal: fn(["interface {}"], "bool", (o) => compare(v, versionArg(o)) === 0),
    IncPatch: fn([], "interface {}", () =>
      next(v.pre ? { ...v, pre: "", metadata: "" } : { ...v, pre: "", metadata: "", patch: v.patch + 1n }),
    ),
    IncMinor: fn([], "interface {}", () => next({ ...v, pre: "", metadata: "", patch: 0n, minor: v.minor + 1n })),
    IncMajor: fn([], "interface {}", () =>
      next({ ...v, pre: "", metadata: "", patch: 0n, minor: 0n, major: v.major + 1n }),
    ),
  };
  const fields = {
    major: u64(v.major),
    minor: u64(v.minor),
    patch: u64(v.patch),
    pre: v.pre,
    metadata: v.metadata,
    original: v.original,
  };
  const s = new GoStruct(
    pointer ? "*semver.Version" : "semver.Version",
    fields,
    methods,
    pointer ? "ptr" : "struct",
    () => versionString(v),
  );
  VERSIONS.set(s, v);
  return s;
}

export const semverFunctions: Record<string, GoFunc> = {
  semverCompare: fn(
    ["string", "string"],
    "bool",
    (constraint, version) => {
      const cs = newConstraint(constraint);
      return checkConstraints(cs, newVersion(version));
    },
    { returnsError: true },
  ),
  semver: fn(["string"], "interface {}", (v) => versionStruct(newVersion(v), true), { returnsError: true }),
};
