import { PROFILES, type Latencies } from "../config.js";

/**
 * The emulator's time against Azure's: how long a Helm install takes here (the `helmRelease`
 * latency) over how long it takes on AKS (the realistic profile's). Helm's timeouts and the chart's
 * TTLs are scaled by it, so a 5-minute wait is about 80 ms in the fast profile, 33 s in the demo one.
 */
export function helmTimeScale(latencies: Latencies): number {
  return latencies.helmRelease / PROFILES.realistic.helmRelease;
}

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** A Go duration ("5m", "1h30m", "90s", "1.5s") in milliseconds; undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce((total, [, value, unit]) => total + Number(value) * (UNITS[unit as string] ?? 0), 0);
}

/** Milliseconds as Go prints a time.Duration: "5m0s", "20m0s", "1h0m0s", "1.5s", "300ms". */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Number(((ms % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
