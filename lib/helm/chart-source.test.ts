import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChartSourceError, clearChartSourceCache, fetchChartPackage } from "./chart-source";

/**
 * A Helm repository on a loopback port that counts what it is asked for, serves what each test
 * puts in it, and answers only once a test lets it (so requests are really concurrent).
 */
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
let server: http.Server;
let base: string;
let hits: Record<string, number>;
let files: Record<string, { status: number; body: Buffer }>;
let gate: Promise<void>;

const archive = gzipSync(Buffer.from("airflow/Chart.yaml and friends"));
function index(entries: { version: string; digest?: string; url?: string }[]) {
  const lines = entries.map((e) =>
    [`  - name: airflow`, `    version: ${e.version}`, ...(e.digest ? [`    digest: ${e.digest}`] : []), `    urls: [${e.url ?? `airflow-${e.version}.tgz`}]`].join("\n"),
  );
  return Buffer.from(`apiVersion: v1\nentries:\n  airflow:\n${lines.join("\n")}\n`);
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? "";
    hits[path] = (hits[path] ?? 0) + 1;
    void gate.then(() => {
      const file = files[path];
      res.writeHead(file?.status ?? 404).end(file?.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  clearChartSourceCache();
  hits = {};
  files = {};
  gate = Promise.resolve();
});

describe("chart packages from a Helm repository", () => {
  it("downloads the index and the archive once for many concurrent callers, and keeps the package", async () => {
    files["/charts/index.yaml"] = { status: 200, body: index([{ version: "1.18.0", digest: sha256(archive) }]) };
    files["/charts/airflow-1.18.0.tgz"] = { status: 200, body: archive };
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const pending = Array.from({ length: 8 }, () => fetchChartPackage(base, "airflow", "1.18.0"));
    await new Promise((r) => setTimeout(r, 50));
    open();
    const packages = await Promise.all(pending);
    expect(new Set(packages).size).toBe(1);
    expect(packages[0]).toMatchObject({ chart: "airflow", version: "1.18.0", url: `${base}/airflow-1.18.0.tgz`, digest: sha256(archive) });
    expect(packages[0]!.bytes.equals(archive)).toBe(true);
    await fetchChartPackage(`${base}/`, "airflow", "1.18.0");
    expect(hits).toEqual({ "/charts/index.yaml": 1, "/charts/airflow-1.18.0.tgz": 1 });
  });

  it("refuses an archive whose SHA-256 is not the index's digest, and tries again on the next call", async () => {
    const wrong = "0".repeat(64);
    files["/charts/index.yaml"] = { status: 200, body: index([{ version: "1.18.0", digest: wrong }]) };
    files["/charts/airflow-1.18.0.tgz"] = { status: 200, body: archive };
    const refused = await fetchChartPackage(base, "airflow", "1.18.0").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChartSourceError);
    expect((refused as Error).message).toBe(`${base}/airflow-1.18.0.tgz has SHA-256 ${sha256(archive)}, but the repository's index says ${wrong}`);

    files["/charts/index.yaml"] = { status: 200, body: index([{ version: "1.18.0", digest: sha256(archive).toUpperCase() }]) };
    expect((await fetchChartPackage(base, "airflow", "1.18.0"))?.digest).toBe(sha256(archive));
    expect(hits["/charts/airflow-1.18.0.tgz"]).toBe(2);
  });

  it("takes an archive as served when the index gives no digest, and follows an absolute URL", async () => {
    files["/charts/index.yaml"] = { status: 200, body: index([{ version: "1.22.0", url: `${base}/elsewhere/airflow-1.22.0.tgz` }]) };
    files["/charts/elsewhere/airflow-1.22.0.tgz"] = { status: 200, body: archive };
    expect((await fetchChartPackage(base, "airflow", "1.22.0"))?.digest).toBe(sha256(archive));
  });

  it("answers null for a version the index does not list, without remembering it", async () => {
    files["/charts/index.yaml"] = { status: 200, body: index([{ version: "1.18.0" }]) };
    expect(await fetchChartPackage(base, "airflow", "9.9.9")).toBeNull();
    expect(await fetchChartPackage(base, "airflow", "9.9.9")).toBeNull();
    expect(hits["/charts/index.yaml"]).toBe(2);
  });

  it("reports a repository that answers with an error, with its status for the retry policy", async () => {
    files["/charts/index.yaml"] = { status: 503, body: Buffer.from("busy") };
    const error = await fetchChartPackage(base, "airflow", "1.18.0").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ChartSourceError", statusCode: 503, message: `GET ${base}/index.yaml answered 503` });
  });

  it("reports a repository nobody answers at, with the network's code", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await fetchChartPackage(`http://127.0.0.1:${port}`, "airflow", "1.18.0").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ChartSourceError", code: "ECONNREFUSED" });
  });

  it("lets one caller stop waiting without cancelling the download the others share", async () => {
    files["/charts/index.yaml"] = { status: 200, body: index([{ version: "1.18.0", digest: sha256(archive) }]) };
    files["/charts/airflow-1.18.0.tgz"] = { status: 200, body: archive };
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const impatient = new AbortController();
    const first = fetchChartPackage(base, "airflow", "1.18.0", impatient.signal);
    const second = fetchChartPackage(base, "airflow", "1.18.0");
    impatient.abort(new Error("the page gave up"));
    await expect(first).rejects.toThrow("the page gave up");
    open();
    expect((await second)?.digest).toBe(sha256(archive));
    expect(hits).toEqual({ "/charts/index.yaml": 1, "/charts/airflow-1.18.0.tgz": 1 });
  });
});
