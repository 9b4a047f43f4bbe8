import { describe, expect, it } from "vitest";
import { DecisionSchema, RejectionSchema } from "./decide-request";
import { TeardownSchema } from "./teardown-environment";

const id = "00000000-0000-4000-8000-000000000001";

describe("reasons an admin gives", () => {
  it.each([
    ["approval", DecisionSchema, {}],
    ["rejection", RejectionSchema, {}],
    ["teardown", TeardownSchema, { confirmName: "sales-etl" }],
  ] as const)("refuse NUL, bidirectional overrides and zero-width characters in a %s, at the reason field", (_label, schema, extra) => {
    for (const ch of ["\u0000", "\u202E", "\u2067", "\u200D"]) {
      const result = schema.safeParse({ id, reason: `Looks ${ch}fine`, ...extra });
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]).toMatchObject({ path: ["reason"], message: expect.stringMatching(/invisible or direction-changing/) });
    }
    expect(schema.safeParse({ id, reason: "Looks fine — ça va, 日本語 too", ...extra }).success).toBe(true);
  });
});
