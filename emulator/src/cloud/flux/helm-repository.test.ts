import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HelmRepository } from "./helm-repository.js";

type Entry = { path: string; mtime: number; content: Buffer };
type Index = { entries: { airflow: { version: string; appVersion: string; digest: string }[] } };

/** The ustar entries of a .tgz, in archive order. */
function entries(tgz: Buffer): Entry[] {
  const tar = gunzipSync(tgz);
  const out: Entry[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const text = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(text(124, 12), 8);
    out.push({ path: text(0, 100), mtime: parseInt(text(136, 12), 8), content: tar.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

let charts: string;
function chartFolder(version: string, files: Record<string, string>) {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(charts, version, file)), { recursive: true });
    writeFileSync(path.join(charts, version, file), content);
  }
}

beforeAll(() => {
  charts = mkdtempSync(path.join(os.tmpdir(), "charts-"));
  chartFolder("1.18.0", {
    "Chart.yaml": "apiVersion: v2\nname: airflow\nversion: 1.18.0\nappVersion: 3.0.2\n",
    "values.yaml": "executor: CeleryExecutor\n",
    ".helmignore": ".git\n",
    "reproducible_build.yaml": "source-date-epoch: 1752095894\n",
    "templates/scheduler/scheduler-deployment.yaml": "kind: Deployment\n",
    "templates/_helpers.yaml": "{{/* helpers */}}\n",
    "charts/postgresql/Chart.yaml": "apiVersion: v2\nname: postgresql\nversion: 13.2.24\n",
  });
  chartFolder("9.1.0", { "Chart.yaml": "apiVersion: v2\nname: airflow\nversion: 9.1.0\nappVersion: 3.9.0\n", "templates/fail.yaml": "{{ fail \"no\" }}\n" });
  chartFolder("notes", { "README.md": "not a chart\n" });
});
afterAll(() => rmSync(charts, { recursive: true, force: true }));

describe("the emulated chart repository with unpacked charts", () => {
  it("packs a chart folder as helm package lays it out: every file under airflow/, sorted, at the build's date", () => {
    const tgz = new HelmRepository("https://localhost:1", undefined, charts).archive("1.18.0")!;
    const listed = entries(tgz);
    expect(listed.map((e) => e.path)).toEqual([
      "airflow/.helmignore",
      "airflow/Chart.yaml",
      "airflow/charts/postgresql/Chart.yaml",
      "airflow/reproducible_build.yaml",
      "airflow/templates/_helpers.yaml",
      "airflow/templates/scheduler/scheduler-deployment.yaml",
      "airflow/values.yaml",
    ]);
    expect(new Set(listed.map((e) => e.mtime))).toEqual(new Set([1752095894]));
    expect(listed.find((e) => e.path.endsWith("scheduler-deployment.yaml"))?.content.toString()).toBe("kind: Deployment\n");
  });

  it("gives the same bytes every time, so the index's digest holds across restarts", () => {
    const a = new HelmRepository("https://localhost:1", undefined, charts);
    const b = new HelmRepository("https://localhost:1", undefined, charts);
    expect(a.archive("1.18.0")!.equals(b.archive("1.18.0")!)).toBe(true);
    expect(a.index()).toBe(b.index());
  });

  it("lists a folder's own version and appVersion, and keeps stubs without templates for the other versions", () => {
    const repo = new HelmRepository("https://localhost:1", undefined, charts);
    expect(repo.fullCharts.sort()).toEqual(["1.18.0", "9.1.0"]);
    expect(repo.versions).toContain("9.1.0");
    expect(repo.resolve("")).toBe("9.1.0");
    const index = load(repo.index()) as Index;
    expect(index.entries.airflow.find((e) => e.version === "9.1.0")).toMatchObject({ appVersion: "3.9.0" });
    expect(entries(repo.archive("9.1.0")!).map((e) => e.path)).toEqual(["airflow/Chart.yaml", "airflow/templates/fail.yaml"]);
    expect(entries(repo.archive("1.16.0")!).map((e) => e.path)).toEqual(["airflow/Chart.yaml", "airflow/values.yaml"]);
  });

  it("serves only stubs without a charts folder, as before", () => {
    const repo = new HelmRepository("https://localhost:1", undefined, undefined);
    expect(repo.fullCharts).toEqual([]);
    expect(repo.versions).not.toContain("9.1.0");
    expect(entries(repo.archive("1.18.0")!).map((e) => e.path)).toEqual(["airflow/Chart.yaml", "airflow/values.yaml"]);
  });
});
