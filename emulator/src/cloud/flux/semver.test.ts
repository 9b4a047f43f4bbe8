import { describe, expect, it } from "vitest";
import { resolveVersion, satisfies } from "./semver.js";

const versions = ["1.15.0", "1.16.0", "1.17.0", "1.18.0", "1.18.1", "1.19.0", "2.0.0"];

describe("Helm chart version constraints", () => {
  it.each([
    ["1.18.0", "1.18.0"],
    ["", "2.0.0"],
    ["*", "2.0.0"],
    ["1.18.x", "1.18.1"],
    ["1.18", "1.18.1"],
    ["1.x", "1.19.0"],
    ["~1.18.0", "1.18.1"],
    ["^1.16.0", "1.19.0"],
    [">=1.16.0 <1.18.0", "1.17.0"],
    [">=1.16.0, <1.18.0", "1.17.0"],
    [">= 1.16.0", "2.0.0"],
    [">1.18", "2.0.0"],
    ["<=1.17", "1.17.0"],
    ["<1.16.0 || 1.19.0", "1.19.0"],
    ["!=2.0.0", "1.19.0"],
  ])("%s picks %s", (constraint, expected) => {
    expect(resolveVersion(versions, constraint)).toBe(expected);
  });

  it.each(["9.9.9", "3.x", ">2.0.0", "^0.1.0", "not-a-version"])("%s matches nothing", (constraint) => {
    expect(resolveVersion(versions, constraint)).toBeUndefined();
  });

  it("compares numerically, not as text", () => {
    expect(satisfies("1.100.0", ">1.9.0")).toBe(true);
    expect(satisfies("1.9.0", ">=1.10.0")).toBe(false);
  });
});
