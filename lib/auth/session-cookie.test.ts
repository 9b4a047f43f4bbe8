import { describe, expect, it } from "vitest";
import { hashSecretValue, newSessionCookie, sessionIdFromCookie } from "./session-cookie";

const SECRET = "a-session-secret-of-at-least-32-characters!";

describe("session cookie", () => {
  it("names its session by the hash of a random id, and reads back to it", () => {
    const { cookie, sessionId } = newSessionCookie(SECRET);
    expect(sessionIdFromCookie(cookie, SECRET)).toBe(sessionId);
    expect(sessionId).toBe(hashSecretValue(cookie.split(".")[0]!));
    expect(cookie).not.toContain(sessionId);
  });

  it("is different every time", () => {
    expect(newSessionCookie(SECRET).cookie).not.toBe(newSessionCookie(SECRET).cookie);
  });

  it("carries no claims: nothing in it is readable but random bytes", () => {
    const { cookie } = newSessionCookie(SECRET);
    expect(Buffer.from(cookie.split(".")[0]!, "base64url")).toHaveLength(32);
  });

  it.each([
    ["another secret", () => newSessionCookie("another-secret-that-is-also-long-enough").cookie],
    ["an edited id", () => `${"A".repeat(43)}.${newSessionCookie(SECRET).cookie.split(".")[1]}`],
    ["no signature", () => newSessionCookie(SECRET).cookie.split(".")[0]!],
    ["an extra part", () => `${newSessionCookie(SECRET).cookie}.x`],
    ["garbage", () => "not-a-cookie"],
    ["a JWT", () => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig"],
  ])("refuses %s", (_label, cookie) => {
    expect(sessionIdFromCookie(cookie(), SECRET)).toBeNull();
  });
});
