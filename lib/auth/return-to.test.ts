import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_TO, sanitizeReturnTo } from "./return-to";

describe("sanitizeReturnTo", () => {
  it.each([
    ["/environments/42", "/environments/42"],
    ["/admin?tab=audit#top", "/admin?tab=audit#top"],
    ["/environments/new?team=ml", "/environments/new?team=ml"],
  ])("keeps the site path %s", (input, expected) => {
    expect(sanitizeReturnTo(input)).toBe(expected);
  });

  it.each([
    undefined,
    null,
    ["/admin"],
    "",
    "https://evil.example/",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "environments",
    "/signin?returnTo=/signin",
    "/auth/redirect",
    "/api/auth/me",
    `/${"a".repeat(3000)}`,
    // Each of these becomes "//evil.example…" only once dot segments are resolved.
    "/.//evil.example/x",
    "/..//evil.example",
    "/a/..//evil.example",
    "/%2e%2e//evil.example",
    "/%2E//evil.example",
    "/././/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
  ])("falls back to the dashboard for %s", (input) => {
    expect(sanitizeReturnTo(input)).toBe(DEFAULT_RETURN_TO);
  });

  it.each(["/.//evil.example/x", "/a/b/../..//evil.example?x=1#y", "/%2e%2e//evil.example"])(
    "never emits a value a browser reads as another host for %s",
    (input) => {
      const out = sanitizeReturnTo(input);
      expect(new URL(out, "https://portal.example").origin).toBe("https://portal.example");
      expect(out).not.toMatch(/^\/[/\\]/);
    },
  );

  it("keeps encoded slashes encoded, on this site", () => {
    expect(sanitizeReturnTo("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(new URL(sanitizeReturnTo("/%2F%2Fevil.example"), "https://portal.example").host).toBe("portal.example");
  });

  it("normalises dot segments without leaving the site", () => {
    expect(sanitizeReturnTo("/a/../../environments")).toBe("/environments");
  });
});
