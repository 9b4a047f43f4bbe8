import { describe, expect, it } from "vitest";
import { PLANS } from "./plan";

describe("operation plans", () => {
  for (const [kind, plan] of Object.entries(PLANS)) {
    it(`${kind}: unique keys, dependencies on earlier steps only (so no cycle)`, () => {
      const seen = new Set<string>();
      for (const step of plan!) {
        expect(seen.has(step.key)).toBe(false);
        for (const dep of step.dependsOn) expect(seen.has(dep), `${step.key} waits for ${dep}`).toBe(true);
        seen.add(step.key);
      }
    });
  }
});
