import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { gunzipSync } from "node:zlib";
import { goQuote } from "@/lib/helm/engine/fmt-quote";
import type { GoMap } from "@/lib/helm/engine/value";
import { setDependencies, type Chart, type ChartFile } from "./chart";
import { compareGoStrings } from "./encoding/go-strconv";
import { parseYamlMap, sigsUnmarshal } from "./encoding/sigs-yaml";
import { HELM_IGNORE, IgnoreRules } from "./ignore";
import { decodeMetadataInto, emptyMetadata, validateMetadata, type Metadata } from "./metadata";
import { readTarEntries } from "./tar";

/**
 * Helm's chart loader (pkg/chart/loader: load.go, archive.go, directory.go): a folder or a .tgz,
 * .helmignore honoured for folders, subcharts from charts/ as folders or archives, and Helm's
 * error messages.
 */
export const MAX_DECOMPRESSED_CHART_SIZE = 100 * 1024 * 1024;
export const MAX_DECOMPRESSED_FILE_SIZE = 5 * 1024 * 1024;
const MAX_FILE = MAX_DECOMPRESSED_FILE_SIZE;
const CHART_TOO_LARGE = `decompressed chart is larger than the maximum file size ${MAX_DECOMPRESSED_CHART_SIZE}`;
const REQUIREMENTS_WARNING =
  'Warning: Dependencies are handled in Chart.yaml since apiVersion "v2". ' +
  "We recommend migrating dependencies to Chart.yaml.";
const LOCK_WARNING =
  'Warning: Dependency locking is handled in Chart.lock since apiVersion "v2". We recommend migrating to Chart.lock.';

export interface LoadOptions {
  /** Helm's log.Printf warnings (requirements.yaml in an apiVersion v2 chart). */
  onWarning?: (message: string) => void;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function trimBom(data: Buffer): Buffer {
  return data.subarray(0, 3).equals(UTF8_BOM) ? data.subarray(3) : data;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function filesDigest(files: ChartFile[]): string {
  const h = createHash("sha256");
  for (const f of [...files].sort((a, b) => compareGoStrings(a.name, b.name))) {
    h.update(`${f.name}\0${f.data.length}\0`);
    h.update(f.data);
  }
  return h.digest("hex");
}

/** loader.Load: a folder or a chart archive. */
export function loadChart(pathOrTgz: string, options: LoadOptions = {}): Chart {
  const stat = statOrThrow(pathOrTgz);
  return stat.isDirectory() ? loadDir(pathOrTgz, options) : loadFile(pathOrTgz, options);
}

function statOrThrow(name: string): Stats {
  try {
    return statSync(name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`stat ${name}: ${code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
  }
}

/** http.DetectContentType, reduced to the answers a chart path can get. */
function detectContentType(head: Buffer): string {
  if (head.subarray(0, 3).equals(Buffer.from([0x1f, 0x8b, 0x08]))) return "application/x-gzip";
  if (head.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))) return "application/zip";
  const binary = head.some((b) => b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f));
  return binary ? "application/octet-stream" : "text/plain; charset=utf-8";
}

/** loader.LoadFile: a .tgz on disk. */
export function loadFile(name: string, options: LoadOptions = {}): Chart {
  if (statOrThrow(name).isDirectory()) throw new Error("cannot load a directory");
  const bytes = readFileSync(name);
  const head = bytes.subarray(0, 512);
  const type = detectContentType(head);
  if (type !== "application/x-gzip") {
    if (name.endsWith(".yml") || name.endsWith(".yaml")) {
      throw new Error(`file '${name}' seems to be a YAML file, but expected a gzipped archive`);
    }
    throw new Error(`file '${name}' does not appear to be a gzipped archive; got '${type}'`);
  }
  try {
    return loadArchive(bytes, options);
  } catch (e) {
    if ((e as Error).message === "gzip: invalid header") {
      throw new Error(`file '${name}' does not appear to be a valid chart file (details: gzip: invalid header)`);
    }
    throw e;
  }
}

function gunzip(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === "Z_DATA_ERROR" && bytes[0] !== 0x1f ? "gzip: invalid header" : "unexpected EOF");
  }
}

/** filepath.Ext: the suffix from the last dot of the last path element. */
function extension(name: string): string {
  const last = name.slice(name.lastIndexOf("/") + 1);
  const dot = last.lastIndexOf(".");
  return dot < 0 ? "" : last.slice(dot);
}

/** Go's path.Clean. */
export function pathClean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

/** loader.LoadArchiveFiles: the archive's files, named without their top folder. */
export function loadArchiveFiles(tgz: Buffer): ChartFile[] {
  const files: ChartFile[] = [];
  let remaining = MAX_DECOMPRESSED_CHART_SIZE;
  for (const entry of readTarEntries(gunzip(tgz))) {
    if (entry.type === "5" || entry.type === "x" || entry.type === "g") continue;
    const delimiter = entry.name.includes("\\") ? "\\" : "/";
    const parts = entry.name.split(delimiter);
    let n = parts.slice(1).join(delimiter).split(delimiter).join("/");
    if (n.startsWith("/")) throw new Error("chart illegally contains absolute paths");
    n = pathClean(n);
    if (n === ".") {
      throw new Error(`chart illegally contains content outside the base directory: ${goQuote(entry.name)}`);
    }
    if (n.startsWith("..")) throw new Error("chart illegally references parent directory");
    if (/^[a-zA-Z]:\//.test(n)) throw new Error("chart contains illegally named files");
    if (parts[0] === "Chart.yaml") throw new Error("chart yaml not in base directory");
    const size = entry.data.length;
    if (size > remaining) throw new Error(CHART_TOO_LARGE);
    if (size > MAX_DECOMPRESSED_FILE_SIZE) {
      const name = goQuote(entry.name);
      throw new Error(`decompressed chart file ${name} is larger than the maximum file size ${MAX_FILE}`);
    }
    remaining -= size;
    if (remaining <= 0) throw new Error(CHART_TOO_LARGE);
    files.push({ name: n, data: trimBom(entry.data) });
  }
  if (files.length === 0) throw new Error("no files in chart archive");
  return files;
}

/** loader.LoadArchive: a chart from .tgz bytes; its digest is the archive's SHA-256. */
export function loadArchive(tgz: Buffer, options: LoadOptions = {}): Chart {
  const chart = loadFiles(loadArchiveFiles(tgz), options);
  chart.digest = sha256(tgz);
  return chart;
}

/** loader.LoadDir: the folder's files minus .helmignore's (only the top folder's .helmignore counts). */
export function loadDir(dir: string, options: LoadOptions = {}): Chart {
  const top = resolvePath(dir);
  const rules = (() => {
    try {
      return IgnoreRules.parse(readFileSync(`${top}/${HELM_IGNORE}`, "utf8"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return new IgnoreRules();
      throw e;
    }
  })();
  rules.addDefaults();
  const files: ChartFile[] = [];
  const walk = (abs: string, rel: string) => {
    const names = readdirSync(abs).sort(compareGoStrings);
    for (const name of names) {
      const path = `${abs}/${name}`;
      const n = rel ? `${rel}/${name}` : name;
      const link = lstatSync(path);
      const fi = link.isSymbolicLink() ? statSync(realpathSync(path)) : link;
      if (fi.isDirectory()) {
        if (!rules.ignore(n, true)) walk(path, n);
        continue;
      }
      if (rules.ignore(n, false)) continue;
      if (!fi.isFile()) throw new Error(`cannot load irregular file ${path} as it has file mode type bits set`);
      if (fi.size > MAX_DECOMPRESSED_FILE_SIZE) {
        const quoted = goQuote(name);
        throw new Error(`chart file ${quoted} is larger than the maximum file size ${MAX_DECOMPRESSED_FILE_SIZE}`);
      }
      files.push({ name: n, data: trimBom(readFileSync(path)) });
    }
  };
  walk(top, "");
  return loadFiles(files, options);
}

function decodeLock(file: ChartFile, what: string): GoMap {
  try {
    return (sigsUnmarshal(file.data.toString("utf8"), { kind: "any" }) ?? {}) as GoMap;
  } catch (e) {
    throw new Error(`cannot load ${what}: ${(e as Error).message}`);
  }
}

/** loader.LoadFiles: a chart from its files (names relative to the chart folder). */
export function loadFiles(files: ChartFile[], options: LoadOptions = {}): Chart {
  let metadata: Metadata | null = null;
  const chart: Chart = {
    ...{ metadata: emptyMetadata(), lock: null, values: {}, schema: null, templates: [], files: [], raw: [] },
    ...{ dependencies: [], parent: null, digest: filesDigest(files) },
  };
  for (const f of files) {
    chart.raw.push({ name: f.name, data: f.data });
    if (f.name !== "Chart.yaml") continue;
    metadata ??= emptyMetadata();
    try {
      decodeMetadataInto(metadata, f.data.toString("utf8"));
    } catch (e) {
      throw new Error(`cannot load Chart.yaml: ${(e as Error).message}`);
    }
    if (metadata.apiVersion === "") metadata.apiVersion = "v1";
  }
  const subcharts = new Map<string, ChartFile[]>();
  for (const f of files) {
    const text = () => f.data.toString("utf8");
    if (f.name === "Chart.yaml") continue;
    if (f.name === "Chart.lock") chart.lock = decodeLock(f, "Chart.lock");
    else if (f.name === "values.yaml") {
      try {
        chart.values = parseYamlMap(text());
      } catch (e) {
        throw new Error(`cannot load values.yaml: ${(e as Error).message}`);
      }
    } else if (f.name === "values.schema.json") chart.schema = f.data;
    else if (f.name === "requirements.yaml") {
      metadata ??= emptyMetadata();
      if (metadata.apiVersion !== "v1") options.onWarning?.(REQUIREMENTS_WARNING);
      try {
        decodeMetadataInto(metadata, text());
      } catch (e) {
        throw new Error(`cannot load requirements.yaml: ${(e as Error).message}`);
      }
      if (metadata.apiVersion === "v1") chart.files.push(f);
    } else if (f.name === "requirements.lock") {
      chart.lock = decodeLock(f, "requirements.lock");
      metadata ??= emptyMetadata();
      if (metadata.apiVersion !== "v1") options.onWarning?.(LOCK_WARNING);
      if (metadata.apiVersion === "v1") chart.files.push(f);
    } else if (f.name.startsWith("templates/")) {
      chart.templates.push({ name: f.name, data: f.data, text: text() });
    } else if (f.name.startsWith("charts/")) {
      if (extension(f.name) === ".prov") {
        chart.files.push(f);
        continue;
      }
      const rest = f.name.slice("charts/".length);
      const cname = rest.split("/")[0]!;
      if (!subcharts.has(cname)) subcharts.set(cname, []);
      subcharts.get(cname)!.push({ name: rest, data: f.data });
    } else chart.files.push(f);
  }
  if (!metadata) throw new Error("Chart.yaml file is missing");
  chart.metadata = metadata;
  validateMetadata(metadata);
  const deps: Chart[] = [];
  for (const [n, sub] of subcharts) {
    if (n.startsWith("_") || n.startsWith(".")) continue;
    const archive = extension(n) === ".tgz";
    if (archive && sub[0]!.name !== n) {
      throw new Error(`error unpacking subchart tar in ${metadata.name}: expected ${n}, got ${sub[0]!.name}`);
    }
    try {
      if (archive) deps.push(loadArchive(sub[0]!.data, options));
      else {
        const inner = sub.filter((f) => f.name.includes("/"));
        deps.push(loadFiles(inner.map((f) => ({ ...f, name: f.name.slice(f.name.indexOf("/") + 1) })), options));
      }
    } catch (e) {
      throw new Error(`error unpacking subchart ${n} in ${metadata.name}: ${(e as Error).message}`);
    }
  }
  setDependencies(chart, deps);
  return chart;
}
