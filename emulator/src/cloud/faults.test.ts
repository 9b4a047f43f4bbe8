import { describe, expect, it } from "vitest";
import { Faults } from "./faults";

const draw = (faults: Faults) => Array.from({ length: 200 }, () => (faults.take("http", { kind: "managedCluster" }) ? 1 : 0)).join("");

describe("injected faults", () => {
  it("hit the same calls again with the same seed, and other calls with another", () => {
    const runs = [1, 1, 2].map((seed) => {
      const faults = new Faults(seed);
      faults.add({ type: "http", status: 500, probability: 0.3 });
      return draw(faults);
    });
    expect(runs[0]).toBe(runs[1]);
    expect(runs[0]).not.toBe(runs[2]);
    expect(runs[0]!.split("1").length - 1).toBeGreaterThan(30);
  });

  it("count every call they hit, also once used up, until cleared", () => {
    const faults = new Faults(7);
    faults.add({ type: "operationFailed", code: "QuotaExceeded", count: 2, match: { kind: "managedCluster" } });
    faults.add({ type: "http", status: 429, match: { kind: "kube" } });
    for (let i = 0; i < 3; i++) faults.take("operationFailed", { kind: "managedCluster" });
    faults.take("http", { kind: "postgresServer" });
    expect(faults.list().map((r) => r.type)).toEqual(["http"]);
    expect(faults.served().map((r) => [r.type, r.served])).toEqual([
      ["operationFailed", 2],
      ["http", 0],
    ]);
    faults.clear();
    expect(faults.served()).toEqual([]);
  });
});
