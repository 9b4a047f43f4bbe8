import { z } from "zod";

/** What the workers last found differing between an environment as applied and its cloud (lib/provisioning/drift.ts). */
export const DriftSchema = z.object({
  checkedAt: z.string(),
  differences: z.array(z.object({ what: z.string(), expected: z.string(), actual: z.string() })),
});
export type Drift = z.infer<typeof DriftSchema>;

/** The stored record; null before the first look, or for a record claimed but never written. */
export function readDrift(value: unknown): Drift | null {
  const parsed = DriftSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
