import autocannon from "autocannon";
import { cpuMs } from "./proc";

export interface PageTarget {
  /** What the report calls it. */
  name: string;
  path: string;
  cookie?: string;
}

export interface PageResult {
  name: string;
  path: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Non-2xx answers, timeouts and socket errors. */
  errors: number;
  /** Portal CPU (its process tree) per request, ms. */
  cpuMsPerRequest: number;
  /** Body bytes per response. */
  bytesPerResponse: number;
}

/**
 * Drives one page with autocannon (`connections` clients, each sending its next request when the
 * last one answered) for `seconds`, after a short warm-up, and reads the portal's CPU time from
 * /proc before and after. Redirects count as errors: a page that sends a signed-in client to
 * /signin is not being measured.
 */
export async function measurePage(baseUrl: string, portalPid: number, page: PageTarget, options: { connections: number; seconds: number; warmupSeconds: number }): Promise<PageResult> {
  const headers: Record<string, string> = { accept: "text/html" };
  if (page.cookie) headers.cookie = page.cookie;
  const url = `${baseUrl}${page.path}`;
  if (options.warmupSeconds > 0) await run({ url, headers, connections: Math.min(4, options.connections), duration: options.warmupSeconds });
  const cpuBefore = cpuMs(portalPid);
  const times: number[] = [];
  const result = await run({ url, headers, connections: options.connections, duration: options.seconds }, times);
  const cpu = cpuMs(portalPid) - cpuBefore;
  times.sort((a, b) => a - b);
  const requests = result.requests.total;
  const answered = Math.max(1, result["2xx"]);
  return {
    name: page.name,
    path: page.path,
    requests,
    rps: round(result.requests.average, 1),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors: result.non2xx + result.errors + result.timeouts,
    cpuMsPerRequest: round(cpu / Math.max(1, requests), 2),
    bytesPerResponse: Math.round(result.throughput.total / answered),
  };
}

/** Runs autocannon; each response's time (ms) goes to `times`, since autocannon's summary has no p95. */
function run(options: autocannon.Options, times: number[] = []): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, timeout: 30 }, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
}

/** Nearest-rank percentile of sorted times, ms. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!, 1);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
