import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe } from "vitest";
import type { GoMap } from "@/lib/helm/engine/value";
import { setDependencies, type Chart } from "./chart";
import { loadFiles } from "./loader";
import { emptyMetadata } from "./metadata";

/** Helpers for the chart tests: charts written to temporary folders and packed as .tgz. */

/** The official charts beside the repository (AIRFLOW_CHARTS_DIR elsewhere); required in CI. */
export const AIRFLOW_CHARTS = process.env.AIRFLOW_CHARTS_DIR || join(import.meta.dirname, "../../../../shared/reference/airflow-chart/charts");
const chartsRequired = Boolean(process.env.CI || process.env.AIRFLOW_CHARTS_DIR);
/** A describe that runs where the official charts are, and fails in CI if they are missing. */
export const describeWithCharts = describe.skipIf(!existsSync(AIRFLOW_CHARTS) && !chartsRequired);

export function tempChart(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "chart-test-"));
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

/** A chart from in-memory files, as loader.LoadFiles builds it. */
export function chartFromFiles(files: Record<string, string>): Chart {
  return loadFiles(Object.entries(files).map(([name, text]) => ({ name, data: Buffer.from(text) })));
}

function header(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text.slice(0, len), at, "utf8");
  put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124, 12);
  put("00000000000\0", 136, 12);
  h.fill(0x20, 148, 156);
  put(type, 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

/** A chart built in memory, as Helm's tests build theirs (Metadata with a name, Values, deps). */
export function bareChart(name: string, values: GoMap, ...deps: Chart[]): Chart {
  const chart: Chart = {
    ...{ metadata: { ...emptyMetadata(), name, apiVersion: "v2", version: "0.1.0" }, lock: null, values, schema: null },
    ...{ templates: [], files: [], raw: [], dependencies: [], parent: null, digest: "" },
  };
  setDependencies(chart, deps);
  return chart;
}

/** A minimal ustar writer; long names get a PAX record, as Go's tar writer does. */
export function tar(entries: { name: string; data: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  for (const { name, data } of entries) {
    if (Buffer.byteLength(name) > 100) {
      const record = ` path=${name}\n`;
      const base = Buffer.byteLength(record);
      let digits = 1;
      while (String(base + digits).length !== digits) digits++;
      const pax = Buffer.from(`${base + digits}${record}`);
      blocks.push(header("PaxHeaders/entry", pax.length, "x"), pad(pax));
    }
    blocks.push(header(name, data.length, "0"), pad(data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Every file under a folder, relative paths with '/', sorted. */
export function filesUnder(dir: string, prefix = ""): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    const rel = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, rel));
    else out.push({ name: rel, data: readFileSync(path) });
  }
  return out;
}

/** `helm package`'s layout: every file under "<name>/" in a gzipped tar. */
export function packChart(dir: string, name: string): Buffer {
  return gzipSync(tar(filesUnder(dir).map((f) => ({ name: `${name}/${f.name}`, data: f.data }))));
}
