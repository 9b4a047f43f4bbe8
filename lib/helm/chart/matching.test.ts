import { describe, expect, it } from "vitest";
import { isCompatibleRange, newVersion as parseVersion } from "@/lib/helm/engine/sprig/semver";
import { compileGlob } from "./glob";
import { IgnoreRules } from "./ignore";
import { pathMatch } from "./path-match";

describe(".helmignore rules (pkg/ignore's TestIgnore)", () => {
  const dirs = new Set(["cargo", "cargo/", "mast/", ".", "./", ""]);
  it.each([
    ["helm.txt", "helm.txt", true],
    ["helm.*", "helm.txt", true],
    ["helm.*", "rudder.txt", false],
    ["*.txt", "tiller.txt", true],
    ["*.txt", "cargo/a.txt", true],
    ["cargo/*.txt", "cargo/a.txt", true],
    ["cargo/*.*", "cargo/a.txt", true],
    ["cargo/*.txt", "mast/a.txt", false],
    ["ru[c-e]?er.txt", "rudder.txt", true],
    ["templates/.?*", "templates/.dotfile", true],
    [".*", ".", false],
    [".*", "./", false],
    [".*", ".joonix", true],
    [".*", "helm.txt", false],
    [".*", "", false],
    ["cargo/", "cargo", true],
    ["cargo/", "cargo/", true],
    ["cargo/", "mast/", false],
    ["helm.txt/", "helm.txt", false],
    ["!helm.txt", "helm.txt", false],
    ["!helm.txt", "tiller.txt", true],
    ["!*.txt", "cargo", true],
    ["!cargo/", "mast/", true],
    ["/a.txt", "a.txt", true],
    ["/a.txt", "cargo/a.txt", false],
    ["/cargo/a.txt", "cargo/a.txt", true],
  ])("%s on %j is %s", (pattern, name, expected) => {
    const rules = IgnoreRules.parse(pattern);
    expect(rules.ignore(name, dirs.has(name))).toBe(expected);
  });

  it("refuses ** and malformed patterns", () => {
    expect(() => IgnoreRules.parse("a/**/b")).toThrow("double-star (**) syntax is not supported");
    expect(() => IgnoreRules.parse("[a-")).toThrow("syntax error in pattern");
  });
});

describe("filepath.Match", () => {
  it.each([
    ["*", "abc", true],
    ["*", "a/b", false],
    ["a*/b", "abc/b", true],
    ["[^a]", "b", true],
    ["[a-c]x", "bx", true],
    ["\\*", "*", true],
    ["?", "/", false],
  ])("%s matches %s: %s", (pattern, name, expected) => {
    expect(pathMatch(pattern, name)).toBe(expected);
  });

  it("reports bad patterns as Go does", () => {
    expect(() => pathMatch("[]", "a")).toThrow("syntax error in pattern");
    expect(() => pathMatch("\\", "a")).toThrow("syntax error in pattern");
  });
});

describe("gobwas/glob with '/' as separator", () => {
  it.each([
    ["story/**", "story/author.txt", true],
    ["**/captain.txt", "ship/captain.txt", true],
    ["files/*", "files/sub/b.conf", false],
    ["files/**", "files/sub/b.conf", true],
    ["*.{yaml,yml}", "a.yml", true],
    ["[!a-c]*", "d", true],
    ["[!a-c]*", "abc", false],
    ["f?les/*", "files/a.conf", true],
    ["a\\*b", "a*b", true],
    // Quirks of gobwas's compiled matchers, which Helm inherits.
    ["files/**/x", "files/x", true],
    ["?", "", true],
  ])("%s matches %s: %s", (pattern, name, expected) => {
    expect(compileGlob(pattern)!(name)).toBe(expected);
  });

  it("cannot compile an unclosed range", () => {
    expect(compileGlob("[")).toBeNull();
    expect(compileGlob("[z-a]")).toBeNull();
  });
});

describe("Masterminds/semver", () => {
  it("parses versions loosely, as NewVersion does", () => {
    expect(parseVersion("v1.2")).toMatchObject({ major: 1n, minor: 2n, patch: 0n });
    expect(parseVersion("1.2.3-beta.1+meta")).toMatchObject({ pre: "beta.1", metadata: "meta" });
    expect(() => parseVersion("1.2.3-01")).toThrow("version segment starts with 0");
    expect(() => parseVersion("x")).toThrow("invalid semantic version");
  });

  it.each([
    ["13.2.24", "13.2.24", true],
    ["2.x.x", "2.13.3", true],
    ["^1.2.3", "1.9.0", true],
    ["^1.2.3", "2.0.0", false],
    ["^0.1.2", "0.1.5", true],
    ["^0.1.2", "0.2.0", false],
    ["~1.2.3", "1.2.9", true],
    ["~1.2.3", "1.3.0", false],
    [">= 1.2, < 2", "1.9.9", true],
    ["1.2 - 1.4", "1.4.9", true],
    ["1.2 - 1.4", "1.5.0", false],
    ["1.2.3 || 2.x", "2.1.0", true],
    [">=1.20.0-0", "1.28.3-gke.100", true],
    [">=1.20.0", "1.28.3-gke.100", false],
    ["", "1.0.0", false],
    ["garbage", "1.0.0", false],
  ])("%s accepts %s: %s", (constraint, version, expected) => {
    expect(isCompatibleRange(constraint, version)).toBe(expected);
  });
});
