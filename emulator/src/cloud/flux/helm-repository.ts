import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dump } from "js-yaml";
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

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/**
 * The emulated chart repository: index.yaml and one archive per chart version. Every
 * HelmRepository resolves here whatever its URL, as if that URL served the official chart.
 * Archives carry Chart.yaml, a small values.yaml and, when configured, the real chart's
 * values.schema.json, so `helm show`/`helm pull` and Flux read what they expect.
 */
export class HelmRepository {
  private readonly archives = new Map<string, Buffer>();
  private indexText: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly schemaPath: string | undefined,
  ) {}

  get versions() {
    return CHART_RELEASES.map((r) => r.version);
  }

  /** The version Flux would pick for a HelmRelease's `chart.spec.version` (empty: the latest). */
  resolve(constraint: string | undefined) {
    return resolveVersion(this.versions, constraint ?? "");
  }

  archive(version: string): Buffer | undefined {
    const release = CHART_RELEASES.find((r) => r.version === version);
    if (!release) return undefined;
    let tgz = this.archives.get(version);
    if (!tgz) {
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
      const values = { airflowVersion: release.appVersion, defaultAirflowTag: release.appVersion, executor: "CeleryExecutor", postgresql: { enabled: true }, pgbouncer: { enabled: false } };
      const schema = this.schemaPath && existsSync(this.schemaPath) ? [{ path: `${CHART_NAME}/values.schema.json`, content: readFileSync(this.schemaPath) }] : [];
      tgz = tarGz([{ path: `${CHART_NAME}/Chart.yaml`, content: dump(chart) }, { path: `${CHART_NAME}/values.yaml`, content: dump(values) }, ...schema], new Date(release.created));
      this.archives.set(version, tgz);
    }
    return tgz;
  }

  /** The index, newest version first, as `helm repo index` writes it; fixed bytes so its digest is the repository's revision. */
  index(): string {
    this.indexText ??= dump({
      apiVersion: "v1",
      entries: {
        [CHART_NAME]: [...CHART_RELEASES].reverse().map((r) => {
          const tgz = this.archive(r.version) as Buffer;
          const chart = { apiVersion: "v2", name: CHART_NAME, version: r.version, appVersion: r.appVersion, type: "application", home: "https://airflow.apache.org/" };
          return { ...chart, created: r.created, digest: sha256(tgz), urls: [`${this.baseUrl}${HELM_REPOSITORY_PATH}/${CHART_NAME}-${r.version}.tgz`] };
        }),
      },
      generated: CHART_RELEASES[CHART_RELEASES.length - 1]?.created,
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
