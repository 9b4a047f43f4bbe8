import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject, CoreV1Api } from "@kubernetes/client-node";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { airflowCharts, chartSchema, eventually, needs, prerequisite, startTestEmulator, type TestEmulator } from "./support.js";

type Condition = { type: string; status: string; reason: string; message: string };
type Flux = KubernetesObject & { status?: { conditions?: Condition[]; artifact?: { revision: string; digest: string; size: number; url: string }; lastAppliedRevision?: string; history?: { chartVersion: string }[] } };
type Index = { apiVersion: string; entries: { airflow: { name: string; version: string; appVersion: string; digest: string; urls: string[] }[] } };

const run = promisify(execFile);
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

function runs(command: string, args: string[]) {
  try {
    execFileSync(command, args, { stdio: "ignore", timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}
/** HELM when set (and then only it), else helm on PATH: the real client reads the repository when it is there. */
const foundHelm = prerequisite(process.env.HELM ? (runs(process.env.HELM, ["version"]) ? process.env.HELM : undefined) : runs("helm", ["version"]) ? "helm" : undefined, {
  explicit: Boolean(process.env.HELM),
  problem: `No runnable helm (${process.env.HELM ?? "helm on PATH"})`,
  fix: "Install Helm 3 or set HELM to its path",
});
// Neither Debian 12 nor the npm registry ships Helm, so CI cannot install it: only an explicit
// HELM makes this test required. The archives' layout is also checked without it, below.
const helmBinary = foundHelm.ok ? foundHelm : { ...foundHelm, required: Boolean(process.env.HELM) };

let env: TestEmulator;
let objects: KubernetesObjectApi;
let core: CoreV1Api;
let dir: string;

const download = (url: string) =>
  new Promise<Buffer>((resolve, reject) => {
    https
      .get(url, { ca: env.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on("error", reject);
  });
const apply = (obj: object) => objects.patch<Flux>(obj as Flux, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
const read = (kind: "HelmRelease" | "HelmRepository", name: string, namespace: string) =>
  objects.read<Flux>({ apiVersion: kind === "HelmRelease" ? "helm.toolkit.fluxcd.io/v2" : "source.toolkit.fluxcd.io/v1", kind, metadata: { name, namespace } });
const ready = (obj: Flux) => obj.status?.conditions?.find((c) => c.type === "Ready");
/** Waits until the object's Ready condition has `reason`. */
const until = (kind: "HelmRelease" | "HelmRepository", name: string, namespace: string, reason: string) =>
  eventually(async () => {
    const obj = await read(kind, name, namespace);
    return ready(obj)?.reason === reason ? obj : undefined;
  }, 30_000, `${kind} ${namespace}/${name} to be ${reason}`);

beforeAll(async () => {
  env = await startTestEmulator();
  const { kc } = await provisionCluster(env, "rg-helm", "aks-helm");
  await provisionDatabase(env, "rg-helm", "aks-helm");
  objects = KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(CoreV1Api);
  dir = mkdtempSync(path.join(os.tmpdir(), "helm-test-"));
});
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the emulated Airflow chart repository", () => {
  it("serves an index of the official chart's versions and archives that GNU tar reads", async () => {
    const index = load((await download(`${env.url}/helm/airflow/index.yaml`)).toString("utf8")) as Index;
    const versions = index.entries.airflow.map((e) => e.version);
    expect(versions).toEqual(expect.arrayContaining(["1.15.0", "1.16.0", "1.17.0", "1.18.0", "1.19.0", "1.20.0", "1.21.0", "1.22.0"]));
    const entry = index.entries.airflow.find((e) => e.version === "1.18.0");
    const tgz = await download(entry?.urls[0] ?? "");
    expect(sha256(tgz)).toBe(entry?.digest);

    const file = path.join(dir, "airflow-1.18.0.tgz");
    writeFileSync(file, tgz);
    const listing = (await run("tar", ["-tzf", file])).stdout.split("\n").filter(Boolean);
    expect(listing).toEqual(expect.arrayContaining(["airflow/Chart.yaml", "airflow/values.yaml"]));
    const chart = load((await run("tar", ["-xzOf", file, "airflow/Chart.yaml"])).stdout) as Record<string, string>;
    expect(chart).toMatchObject({ apiVersion: "v2", name: "airflow", version: "1.18.0", appVersion: entry?.appVersion });
  });

  it("serves the official chart itself, templates and all, for the versions in AIRFLOW_CHARTS_DIR", async (ctx) => {
    needs(airflowCharts, ctx);
    const charts = airflowCharts.ok ? airflowCharts.value : "";
    const index = load((await download(`${env.url}/helm/airflow/index.yaml`)).toString("utf8")) as Index;
    const entry = index.entries.airflow.find((e) => e.version === "1.18.0");
    const tgz = await download(entry?.urls[0] ?? "");
    expect(sha256(tgz)).toBe(entry?.digest);
    const file = path.join(dir, "airflow-1.18.0-official.tgz");
    writeFileSync(file, tgz);
    const listing = (await run("tar", ["-tzf", file], { maxBuffer: 16 * 1024 * 1024 })).stdout.split("\n").filter(Boolean);
    expect(listing).toEqual(
      expect.arrayContaining([
        "airflow/Chart.yaml",
        "airflow/values.schema.json",
        "airflow/templates/scheduler/scheduler-deployment.yaml",
        "airflow/templates/jobs/migrate-database-job.yaml",
        "airflow/charts/postgresql/Chart.yaml",
      ]),
    );
    expect(listing.every((p) => p.startsWith("airflow/"))).toBe(true);
    const template = "templates/scheduler/scheduler-deployment.yaml";
    const served = (await run("tar", ["-xzOf", file, `airflow/${template}`], { maxBuffer: 16 * 1024 * 1024 })).stdout;
    expect(served).toBe(readFileSync(path.join(charts, "1.18.0", template), "utf8"));
    expect(entry?.appVersion).toBe("3.0.2");

    // Versions without a folder are still the stubs: no templates.
    const stub = path.join(dir, "airflow-1.16.0-stub.tgz");
    writeFileSync(stub, await download(`${env.url}/helm/airflow/airflow-1.16.0.tgz`));
    expect((await run("tar", ["-tzf", stub])).stdout).not.toMatch(/templates\//);
  });

  it("packs the configured values.schema.json into each archive", async (ctx) => {
    needs(chartSchema, ctx);
    const file = path.join(dir, "airflow-1.16.0.tgz");
    writeFileSync(file, await download(`${env.url}/helm/airflow/airflow-1.16.0.tgz`));
    const schema = (await run("tar", ["-xzOf", file, "airflow/values.schema.json"], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    expect(schema).toBe(readFileSync(chartSchema.ok ? chartSchema.value : "", "utf8"));
  });

  it("is a repository the real helm pulls from", async (ctx) => {
    needs(helmBinary, ctx);
    const caFile = path.join(dir, "ca.pem");
    writeFileSync(caFile, env.ca);
    const helm = helmBinary.ok ? helmBinary.value : "helm";
    await run(helm, ["pull", "airflow", "--repo", `${env.url}/helm/airflow`, "--version", "1.18.0", "--ca-file", caFile, "--destination", dir]);
    expect((await run(helm, ["show", "chart", path.join(dir, "airflow-1.18.0.tgz")])).stdout).toMatch(/^version: 1\.18\.0$/m);
  });
});

describe("Flux against the chart repository", () => {
  it("marks a HelmRepository Ready once its index is stored, the index's digest as revision", async () => {
    await core.createNamespace({ body: { metadata: { name: "helm" } } });
    for (const secret of airflowSecrets("helm")) await objects.create(secret);
    await apply(helmRepository("helm"));
    const repo = await until("HelmRepository", "apache-airflow", "helm", "Succeeded");
    const indexText = await download(`${env.url}/helm/airflow/index.yaml`);
    const revision = `sha256:${sha256(indexText)}`;
    expect(ready(repo)).toMatchObject({ status: "True", message: `stored artifact: revision '${revision}'` });
    expect(repo.status?.artifact).toMatchObject({ revision, digest: revision, size: indexText.length });
  });

  it("leaves a release asking for a missing chart version SourceNotReady until its spec changes", async () => {
    const hr = helmRelease(airflowValues("LocalExecutor"), "airflow", "helm");
    hr.spec.chart.spec.version = "9.9.9";
    await apply(hr);
    const stuck = await until("HelmRelease", "airflow", "helm", "SourceNotReady");
    expect(ready(stuck)).toMatchObject({
      status: "False",
      message: "HelmChart 'helm/helm-airflow' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'airflow' chart with version matching '9.9.9' found",
    });
    await new Promise((r) => setTimeout(r, 400));
    expect((await read("HelmRelease", "airflow", "helm")).metadata?.resourceVersion).toBe(stuck.metadata?.resourceVersion);

    hr.spec.chart.spec.version = "1.18.x";
    await apply(hr);
    const installed = await until("HelmRelease", "airflow", "helm", "InstallSucceeded");
    expect(installed.status).toMatchObject({ lastAppliedRevision: "1.18.0", history: [{ chartVersion: "1.18.0" }] });
  });

  it("waits, in Flux's words, for a HelmRepository that does not exist, and installs once it appears", async () => {
    await core.createNamespace({ body: { metadata: { name: "late" } } });
    for (const secret of airflowSecrets("late")) await objects.create(secret);
    await apply(helmRelease(airflowValues("LocalExecutor"), "airflow", "late"));
    const waiting = await until("HelmRelease", "airflow", "late", "SourceNotReady");
    expect(ready(waiting)?.message).toBe(`HelmChart 'late/late-airflow' is not ready: failed to get source: helmrepositories.source.toolkit.fluxcd.io "apache-airflow" not found`);
    await apply(helmRepository("late"));
    await until("HelmRelease", "airflow", "late", "InstallSucceeded");
  });
});
