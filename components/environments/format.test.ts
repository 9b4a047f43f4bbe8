import { describe, expect, it } from "vitest";
import { expiryWarning } from "./format";

describe("the expiry warning", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const inHours = (h: number) => new Date(now.getTime() + h * 3_600_000);

  it("warns within the last three days, in days, then hours", () => {
    expect(expiryWarning(inHours(72), now)).toBe("Expires in 3 days — will be torn down");
    expect(expiryWarning(inHours(60), now)).toBe("Expires in 2 days — will be torn down");
    expect(expiryWarning(inHours(24), now)).toBe("Expires in 1 day — will be torn down");
    expect(expiryWarning(inHours(5), now)).toBe("Expires in 5 hours — will be torn down");
    expect(expiryWarning(inHours(0.2), now)).toBe("Expires in 1 hour — will be torn down");
  });

  it("says nothing earlier, after expiry, or without an expiry", () => {
    expect(expiryWarning(inHours(73), now)).toBeNull();
    expect(expiryWarning(inHours(-1), now)).toBeNull();
    expect(expiryWarning(null, now)).toBeNull();
  });
});
