import { describe, expect, it } from "vitest";
import { PROFILES, startupLatencies } from "./config.js";

describe("latency profiles", () => {
  it("has Azure's orders of magnitude in the realistic profile", () => {
    const r = PROFILES.realistic;
    expect(r.managedCluster).toBeGreaterThanOrEqual(5 * 60_000);
    expect(r.managedCluster).toBeLessThanOrEqual(8 * 60_000);
    expect(r.postgresServer).toBeGreaterThanOrEqual(5 * 60_000);
    expect(r.postgresServer).toBeLessThanOrEqual(10 * 60_000);
    expect(r.extension).toBe(2 * 60_000);
    expect(r.helmRelease).toBe(3 * 60_000);
  });

  it("scales a profile by EMULATOR_LATENCY_SCALE, overrides applying after", () => {
    const l = startupLatencies({ NODE_ENV: "test", EMULATOR_PROFILE: "realistic", EMULATOR_LATENCY_SCALE: "0.01", EMULATOR_LATENCIES: `{"helmRelease": 5}` });
    expect(l.managedCluster).toBe(3_900);
    expect(l.extension).toBe(1_200);
    expect(l.helmRelease).toBe(5);
    expect(() => startupLatencies({ NODE_ENV: "test", EMULATOR_LATENCY_SCALE: "-1" })).toThrow(/scale/);
  });
});
