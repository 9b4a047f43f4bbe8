import { createHash } from "node:crypto";

export const delay = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

export const shortHash = (text: string, length = 8) => createHash("sha256").update(text).digest("hex").slice(0, length);

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deterministic UUID-shaped id from a seed: the same resource keeps the same principal id across restarts. */
export function uuidFrom(seed: string) {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
