import "server-only";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { FAILSAFE_SCHEMA, load } from "js-yaml";

/**
 * Chart packages (.tgz) from a Helm repository, the way `helm pull` finds them: `index.yaml`,
 * then the archive URL the index gives for the version, its SHA-256 checked against the index's
 * `digest`. A chart version's package never changes in a repository, so each is downloaded once
 * per process, however many pages, checks and steps ask for it at the same time.
 */
type IndexEntry = { version: string; urls?: string[]; digest?: string };
type RepoIndex = { entries?: Record<string, IndexEntry[]> };

export interface ChartPackage {
  chart: string;
  version: string;
  /** Where the archive was downloaded from. */
  url: string;
  /** The .tgz as served. */
  bytes: Buffer;
  /** SHA-256 of `bytes`, hex. */
  digest: string;
}

/**
 * The repository could not be read, or served something else than its index promised. `statusCode`
 * is the HTTP status when there was one, so lib/azure/errors retries a 5xx or 429 like a cloud call.
 */
export class ChartSourceError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    /** Node's network error code (ECONNREFUSED, ETIMEDOUT, …) when the request never got an answer. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "ChartSourceError";
  }
}

/** A repository that does not answer within this is treated as unreachable. */
const REQUEST_TIMEOUT_MS = 15_000;

const archives = new Map<string, Promise<{ bytes: Buffer; digest: string }>>();
const packages = new Map<string, Promise<ChartPackage | null>>();

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function get(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: "follow" });
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = timedOut ? "ETIMEDOUT" : cause?.code;
    const why = timedOut
      ? `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new ChartSourceError(`GET ${url} failed: ${why}`, undefined, code);
  }
  if (!response.ok) throw new ChartSourceError(`GET ${url} answered ${response.status}`, response.status);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Shares one download between everyone who asks while it runs;
 * a failure is forgotten, so the next caller tries again.
 */
function shared<T>(cache: Map<string, Promise<T>>, key: string, work: () => Promise<T>): Promise<T> {
  let pending = cache.get(key);
  if (!pending) {
    pending = work();
    cache.set(key, pending);
    pending.then(
      (value) => value === null && cache.delete(key),
      () => cache.delete(key),
    );
  }
  return pending;
}

/** The caller stops waiting when its signal aborts; the shared download goes on for the others. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

function downloadArchive(url: string, expectedDigest: string | undefined): Promise<{ bytes: Buffer; digest: string }> {
  return shared(archives, url, async () => {
    const bytes = await get(url);
    const digest = sha256(bytes);
    if (expectedDigest && expectedDigest.toLowerCase() !== digest) {
      const expected = expectedDigest.toLowerCase();
      throw new ChartSourceError(`${url} has SHA-256 ${digest}, but the repository's index says ${expected}`);
    }
    return { bytes, digest };
  });
}

/**
 * The package of `chart` at `version` from the repository at `repoUrl`; null when the index does
 * not list that version. Throws ChartSourceError when the repository cannot be read or an
 * archive's digest differs from its index entry.
 */
export function fetchChartPackage(
  repoUrl: string,
  chart: string,
  version: string,
  signal?: AbortSignal,
): Promise<ChartPackage | null> {
  const base = repoUrl.endsWith("/") ? repoUrl : `${repoUrl}/`;
  const work = shared(packages, `${base}|${chart}|${version}`, async () => {
    const indexUrl = new URL("index.yaml", base).toString();
    let index: RepoIndex;
    try {
      // Every scalar as a string: an unquoted digest of digits (and one "e") would otherwise read as a number.
      index = (load((await get(indexUrl)).toString("utf8"), { schema: FAILSAFE_SCHEMA }) ?? {}) as RepoIndex;
    } catch (error) {
      if (error instanceof ChartSourceError) throw error;
      throw new ChartSourceError(`${indexUrl} is not a Helm repository index: ${(error as Error).message}`);
    }
    const entry = index.entries?.[chart]?.find((e) => e.version === version);
    if (!entry?.urls?.[0]) return null;
    const url = new URL(entry.urls[0], base).toString();
    const { bytes, digest } = await downloadArchive(url, entry.digest);
    return { chart, version, url, bytes, digest };
  });
  return untilAborted(work, signal);
}

/** Entries of a ustar archive, by path (names longer than 100 characters use the prefix field). */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const name = field(0, 100);
    const prefix = field(345, 155);
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const path = prefix ? `${prefix}/${name}` : name;
    if (type === "0" || type === "") files.set(path, archive.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The files of a chart package, by path inside it (`airflow/Chart.yaml`, …). */
export function chartFiles(pkg: Pick<ChartPackage, "bytes">): Map<string, Buffer> {
  return readTar(gunzipSync(pkg.bytes));
}

/** Forgets every package; for tests that serve different bytes under the same URL. */
export function clearChartSourceCache(): void {
  archives.clear();
  packages.clear();
}
