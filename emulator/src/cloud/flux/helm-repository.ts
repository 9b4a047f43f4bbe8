import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { dump, load } from "js-yaml";
import { resolveVersion } from "./semver.js";
import { tarGz } from "./tar.js";

/** Where the emulator serves its chart repository, on its own HTTPS port. */
export const HELM_REPOSITORY_PATH = "/helm/airflow";
export const CHART_NAME = "airflow";

/**
 * Releases of the official apache-airflow chart (https://airflow.apache.org, "airflow" in its
 * index) and the Airflow version each defaults to. The dates fix each archive's bytes.
 */
export const CHART_RELEASES: { version: string; appVersion: string; created: string }[] = [
  { version: "1.15.0", appVersion: "2.9.3", created: "2024-07-26T00:00:00Z" },
  { version: "1.16.0", appVersion: "2.10.5", created: "2025-03-20T00:00:00Z" },
  { version: "1.17.0", appVersion: "3.0.2", created: "2025-07-01T00:00:00Z" },
  { version: "1.18.0", appVersion: "3.0.2", created: "2025-07-28T00:00:00Z" },
  { version: "1.19.0", appVersion: "3.1.0", created: "2025-10-01T00:00:00Z" },
  { version: "1.20.0", appVersion: "3.1.3", created: "2025-12-01T00:00:00Z" },
  { version: "1.21.0", appVersion: "3.2.0", created: "2026-03-01T00:00:00Z" },
  { version: "1.22.0", appVersion: "3.3.2", created: "2026-06-01T00:00:00Z" },
];

/** A version folder's date when it has no reproducible-build date of its own. */
const UNDATED = "2025-01-01T00:00:00Z";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

interface ChartFolder {
  dir: string;
  version: string;
  appVersion: string;
  /** The packed entries' modification time. */
  mtime: Date;
}

/**
 * The unpacked charts under `chartsDir`, one `<version>/` folder each (as `helm pull --untar`
 * leaves them). Their tar entries carry the release's `source-date-epoch` when the chart records
 * one (the official packages are reproducible builds), so the same folder packs to the same bytes.
 */
function readChartFolders(chartsDir: string | undefined): Map<string, ChartFolder> {
  const folders = new Map<string, ChartFolder>();
  if (!chartsDir || !existsSync(chartsDir)) return folders;
  for (const name of readdirSync(chartsDir).sort()) {
    const dir = path.join(chartsDir, name);
    const chartFile = path.join(dir, "Chart.yaml");
    if (!statSync(dir).isDirectory() || !existsSync(chartFile)) continue;
    type ChartYaml = { name?: string; version?: string; appVersion?: unknown };
    const chart = (load(readFileSync(chartFile, "utf8")) ?? {}) as ChartYaml;
    if (chart.name !== CHART_NAME || !chart.version || !/^\d+\.\d+\.\d+$/.test(chart.version)) continue;
    const buildFile = path.join(dir, "reproducible_build.yaml");
    const build = existsSync(buildFile) ? (load(readFileSync(buildFile, "utf8")) as Record<string, unknown> | null) : null;
    const epoch = build?.["source-date-epoch"];
    const known = CHART_RELEASES.find((r) => r.version === chart.version);
    const mtime = typeof epoch === "number" ? new Date(epoch * 1000) : new Date(known?.created ?? UNDATED);
    folders.set(chart.version, { dir, version: chart.version, appVersion: String(chart.appVersion ?? ""), mtime });
  }
  return folders;
}

/** Every file under `dir`, by path relative to it with `/` separators, sorted: the archive's entry order. */
function filesUnder(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) files.push(...filesUnder(full, relative));
    else files.push(relative);
  }
  return files;
}

/** A chart folder as `helm package` lays it out: every entry under `airflow/`, in a deterministic order. */
function packFolder(folder: ChartFolder): Buffer {
  const files = filesUnder(folder.dir).map((file) => ({
    path: `${CHART_NAME}/${file}`,
    content: readFileSync(path.join(folder.dir, file)),
  }));
  return tarGz(files, folder.mtime);
}

/**
 * The emulated chart repository: index.yaml and one archive per chart version. Every
 * HelmRepository resolves here whatever its URL, as if that URL served the official chart. For
 * the versions found in `chartsDir` (AIRFLOW_CHARTS_DIR) the archive is the real chart, templates
 * and all; the others are stubs with Chart.yaml, a small values.yaml and, when configured, the real
 * chart's values.schema.json, so `helm show`/`helm pull` and Flux read what they expect.
 */
export class HelmRepository {
  private readonly archives = new Map<string, Buffer>();
  private readonly folders: Map<string, ChartFolder>;
  private readonly releases: { version: string; appVersion: string; created: string }[];
  private indexText: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly schemaPath: string | undefined,
    chartsDir?: string,
  ) {
    this.folders = readChartFolders(chartsDir);
    const extra = [...this.folders.values()].filter((f) => !CHART_RELEASES.some((r) => r.version === f.version));
    this.releases = [
      ...CHART_RELEASES.map((r) => ({ ...r, appVersion: this.folders.get(r.version)?.appVersion || r.appVersion })),
      ...extra.map((f) => ({
        version: f.version,
        appVersion: f.appVersion,
        created: f.mtime.toISOString().replace(/\.\d{3}Z$/, "Z"),
      })),
    ].sort((a, b) => byVersion(a.version, b.version));
  }

  get versions() {
    return this.releases.map((r) => r.version);
  }

  /** The versions served with the real chart's templates. */
  get fullCharts() {
    return [...this.folders.keys()];
  }

  /** The version Flux would pick for a HelmRelease's `chart.spec.version` (empty: the latest). */
  resolve(constraint: string | undefined) {
    return resolveVersion(this.versions, constraint ?? "");
  }

  archive(version: string): Buffer | undefined {
    const release = this.releases.find((r) => r.version === version);
    if (!release) return undefined;
    let tgz = this.archives.get(version);
    if (!tgz) {
      const folder = this.folders.get(version);
      tgz = folder ? packFolder(folder) : this.stub(release);
      this.archives.set(version, tgz);
    }
    return tgz;
  }

  private stub(release: { version: string; appVersion: string; created: string }): Buffer {
    const chart = {
      apiVersion: "v2",
      name: CHART_NAME,
      version: release.version,
      appVersion: release.appVersion,
      description: "The official Helm chart to deploy Apache Airflow, a platform to programmatically author, schedule, and monitor workflows",
      home: "https://airflow.apache.org/",
      icon: "https://airflow.apache.org/images/airflow_dark_bg.png",
      keywords: ["apache", "airflow", "workflow", "scheduler"],
      maintainers: [{ name: "Apache Airflow PMC", email: "dev@airflow.apache.org" }],
      sources: ["https://github.com/apache/airflow"],
      type: "application",
    };
    const values = {
      airflowVersion: release.appVersion,
      defaultAirflowTag: release.appVersion,
      executor: "CeleryExecutor",
      postgresql: { enabled: true },
      pgbouncer: { enabled: false },
    };
    const schema = this.schemaPath && existsSync(this.schemaPath) ? [{ path: `${CHART_NAME}/values.schema.json`, content: readFileSync(this.schemaPath) }] : [];
    const files = [{ path: `${CHART_NAME}/Chart.yaml`, content: dump(chart) }, { path: `${CHART_NAME}/values.yaml`, content: dump(values) }, ...schema];
    return tarGz(files, new Date(release.created));
  }

  /** The index, newest version first, as `helm repo index` writes it; fixed bytes so its digest is the repository's revision. */
  index(): string {
    this.indexText ??= dump({
      apiVersion: "v1",
      entries: {
        [CHART_NAME]: [...this.releases].reverse().map((r) => {
          const tgz = this.archive(r.version) as Buffer;
          const chart = { apiVersion: "v2", name: CHART_NAME, version: r.version, appVersion: r.appVersion, type: "application", home: "https://airflow.apache.org/" };
          return { ...chart, created: r.created, digest: sha256(tgz), urls: [`${this.baseUrl}${HELM_REPOSITORY_PATH}/${CHART_NAME}-${r.version}.tgz`] };
        }),
      },
      generated: this.releases[this.releases.length - 1]?.created,
    });
    return this.indexText;
  }

  /** The artifact source-controller stores for a HelmRepository: the index's digest and size. */
  artifact() {
    const text = this.index();
    return { digest: `sha256:${sha256(text)}`, size: Buffer.byteLength(text) };
  }

  /** Serves GET/HEAD of index.yaml and the archives; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (!pathname.startsWith(`${HELM_REPOSITORY_PATH}/`)) return false;
    const file = pathname.slice(HELM_REPOSITORY_PATH.length + 1);
    const version = new RegExp(`^${CHART_NAME}-(.+)\\.tgz$`).exec(file)?.[1];
    const body = file === "index.yaml" ? Buffer.from(this.index()) : version ? this.archive(version) : undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (!body) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`404 page not found: ${pathname}\n`);
    } else {
      res.writeHead(200, { "content-type": file === "index.yaml" ? "application/x-yaml" : "application/x-gzip", "content-length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
    }
    return true;
  }
}

/** Oldest first, by x.y.z. */
function byVersion(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  return x![0]! - y![0]! || x![1]! - y![1]! || x![2]! - y![2]!;
}
