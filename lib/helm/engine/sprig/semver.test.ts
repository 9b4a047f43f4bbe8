import { describe, expect, it } from "vitest";
import { callSprig } from "./test-support";
import { type GoValue } from "../value";

/**
 * Expected: what Go 1.19's text/template printed for `printf "%T %#v"` of each call, with Sprig 3.2.3's
 * functions as Helm 3.19 builds them (semver v3.4.0).
 */
const cases: [string, GoValue[], string][] = [
  ["semverCompare", [">=1.10-0", "1.27.3-eks-1"], "bool true"],
  ["semverCompare", [">=1.10-0", "1.9.0"], "bool false"],
  ["semverCompare", [">=1.10", "1.27.3-eks-1"], "bool false"],
  ["semverCompare", [">= 1.21.x", "1.21.0"], "bool true"],
  ["semverCompare", ["^1.2.3", "1.9.0"], "bool true"],
  ["semverCompare", ["^1.2.3", "2.0.0"], "bool false"],
  ["semverCompare", ["^0.2.3", "0.2.9"], "bool true"],
  ["semverCompare", ["^0.2.3", "0.3.0"], "bool false"],
  ["semverCompare", ["~1.2.3", "1.2.9"], "bool true"],
  ["semverCompare", ["~1.2.3", "1.3.0"], "bool false"],
  ["semverCompare", ["~1", "1.9.9"], "bool true"],
  ["semverCompare", ["1.2.x", "1.2.7"], "bool true"],
  ["semverCompare", ["*", "1.0.0-beta"], "bool false"],
  ["semverCompare", ["!=1.2.3", "1.2.3-beta"], "bool false"],
  ["semverCompare", ["!=1.2.x", "1.2.5"], "bool false"],
  ["semverCompare", ["1.2 - 1.4", "1.4.9"], "bool true"],
  ["semverCompare", ["1.2 - 1.4", "1.5.0"], "bool false"],
  ["semverCompare", [">=1.0 <2.0 || >=3", "3.1.0"], "bool true"],
  ["semverCompare", [">=1.0, <2.0", "2.0.0"], "bool false"],
  ["semverCompare", ["<2.0.0-0", "2.0.0-alpha"], "bool false"],
  ["semverCompare", ["=v1.2.3", "1.2.3"], "bool true"],
  ["semverCompare", ["v1.2", "v1.2.0"], "bool true"],
  ["semverCompare", [">1.2", "1.3.0"], "bool true"],
  ["semverCompare", [">1.2", "1.2.9"], "bool false"],
  ["semverCompare", ["<=1.2", "1.2.9"], "bool true"],
  ["semverCompare", [">=1.2.3-alpha.1", "1.2.3-alpha.10"], "bool true"],
  ["semverCompare", [">=1.2.3-alpha.b", "1.2.3-alpha.10"], "bool false"],
  ["semverCompare", ["^0.0.3", "0.0.4"], "bool false"],
  ["semverCompare", [">= 1.2.3", "1.2"], "bool false"],
  ["semverCompare", ["foo", "1.2.3"], "ERR: improper constraint: foo"],
  ["semverCompare", [">=1.2", "abc"], "ERR: invalid semantic version"],
  ["semverCompare", [">=1.2", ""], "ERR: invalid semantic version"],
  ["semverCompare", [">=1.2", "1.2.3-01"], "ERR: version segment starts with 0"],
  ["semverCompare", [">=1.2", "1.2.3+b_c"], "ERR: invalid semantic version"],
  [
    "semverCompare",
    [">=1.2", "99999999999999999999.0.0"],
    "ERR: error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
  ],
  ["semverCompare", ["", "1.0.0"], "ERR: improper constraint: "],
  ["semverCompare", [">=01.2", "1.2.3"], "bool true"],
  ["semverCompare", ["1.2.3.4", "1.2.3"], "ERR: improper constraint: 1.2.3.4"],
  ["semverCompare", [">= 1.13.0-0 < 1.25.0-0", "1.24.9-gke.1"], "bool true"],
  [
    "semver",
    ["1.2.3"],
    "*semver.Version &semver.Version{major:0x1, minor:0x2, patch:0x3, pre:\"\", metadata:\"\", original:\"1.2.3\"}",
  ],
  [
    "semver",
    ["v1.2.3-beta.1+build.5"],
    "*semver.Version &semver.Version{major:0x1, minor:0x2, patch:0x3, pre:\"beta.1\", metadata:\"build.5\"," +
      " original:\"v1.2.3-beta.1+build.5\"}",
  ],
  [
    "semver",
    ["1"],
    "*semver.Version &semver.Version{major:0x1, minor:0x0, patch:0x0, pre:\"\", metadata:\"\", original:\"1\"}",
  ],
  ["semver", ["junk"], "ERR: invalid semantic version"],

];

describe("sprig semverCompare and semver (Masterminds/semver v3.4.0, as Helm 3.19 pins)", () => {
  it.each(cases)("%s (case %#)", (name, args, expected) => {
    expect(callSprig(name, args)).toBe(expected);
  });
});
