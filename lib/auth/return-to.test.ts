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
  ])("falls back to the dashboard for %s", (input) => {
    expect(sanitizeReturnTo(input)).toBe(DEFAULT_RETURN_TO);
  });

  it("normalises dot segments without leaving the site", () => {
    expect(sanitizeReturnTo("/a/../../environments")).toBe("/environments");
  });
});
