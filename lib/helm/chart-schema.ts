import { gunzipSync } from "node:zlib";
import Ajv, { type ValidateFunction } from "ajv";
import { load } from "js-yaml";

/**
 * The chart's own `values.schema.json`, read from the chart archive in the Helm repository, so the
 * portal refuses values Helm would refuse before Flux ever sees them.
 */
type RepoIndex = { entries?: Record<string, { version: string; urls?: string[] }[]> };

const cache = new Map<string, ValidateFunction | null>();

/** Entries of a ustar archive, by path (names longer than 100 characters use the prefix field). */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
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

async function get(url: string, signal?: AbortSignal): Promise<Buffer> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * A validator for `chart` at `version` from the repository at `repoUrl`; null when the repository
 * does not list that version (Flux then reports it in its own words) or the chart has no schema.
 */
export async function chartValuesValidator(repoUrl: string, chart: string, version: string, signal?: AbortSignal): Promise<ValidateFunction | null> {
  const key = `${repoUrl}|${chart}|${version}`;
  if (cache.has(key)) return cache.get(key)!;
  const base = repoUrl.endsWith("/") ? repoUrl : `${repoUrl}/`;
  const index = load((await get(new URL("index.yaml", base).toString(), signal)).toString("utf8")) as RepoIndex;
  const entry = index.entries?.[chart]?.find((e) => e.version === version);
  if (!entry?.urls?.[0]) return null;
  const files = readTar(gunzipSync(await get(new URL(entry.urls[0], base).toString(), signal)));
  const schema = files.get(`${chart}/values.schema.json`);
  let validator: ValidateFunction | null = null;
  if (schema) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // Kubernetes' integer formats, named by the chart's schema; Helm does not check them either.
    for (const format of ["int32", "int64", "date-time"]) ajv.addFormat(format, () => true);
    validator = ajv.compile(JSON.parse(schema.toString("utf8")) as object);
  }
  cache.set(key, validator);
  return validator;
}

/** Helm's way of naming a schema error: the field's path and what is wrong with it. */
export function describeSchemaErrors(validator: ValidateFunction): string {
  return (validator.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "(root)"}: ${e.message ?? "invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`)
    .join("; ");
}
