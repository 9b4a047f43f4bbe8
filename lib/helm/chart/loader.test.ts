import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Chart } from "./chart";
import { loadArchive, loadChart, loadFiles } from "./loader";
import { AIRFLOW_CHARTS, chartFromFiles, describeWithCharts, packChart, tar, tempChart } from "./test-support";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** The `<version>.files.sha256` list: path (without "./") → hash. */
function expectedFiles(version: string): Map<string, string> {
  const lines = readFileSync(join(AIRFLOW_CHARTS, `${version}.files.sha256`), "utf8").trim().split("\n");
  return new Map(lines.map((l) => [l.slice(66).replace(/^\.\//, ""), l.slice(0, 64)]));
}

/** Every file the loader kept for a chart and its subcharts, as paths inside the top chart. */
function keptFiles(c: Chart, prefix = ""): Map<string, string> {
  const out = new Map(c.raw.map((f) => [prefix + f.name, sha256(f.data)]));
  for (const d of c.dependencies) {
    for (const [k, v] of keptFiles(d, `${prefix}charts/${d.metadata.name}/`)) out.set(k, v);
  }
  return out;
}

const CHART_YAML = "apiVersion: v2\nname: demo\nversion: 0.1.0\n";

describeWithCharts.each(["1.22.0", "1.18.0"])("the Airflow chart %s", (version) => {
  const chart = loadChart(join(AIRFLOW_CHARTS, version));

  it("sees exactly the files the package holds, byte for byte", () => {
    // Raw of the root lists every file, the subcharts' included; each subchart's Raw is a part of it.
    const raw = new Map(chart.raw.map((f) => [f.name, sha256(f.data)]));
    expect(new Map([...raw].sort())).toEqual(new Map([...expectedFiles(version)].sort()));
    expect(keptFiles(chart)).toEqual(raw);
  });

  it("reads Chart.yaml, values.yaml and the schema", () => {
    expect(chart.metadata).toMatchObject({ name: "airflow", version, apiVersion: "v2", type: "application" });
    const deps = chart.metadata.dependencies?.map((d) => [d?.name, d?.condition]);
    expect(deps).toEqual([["postgresql", "postgresql.enabled"]]);
    expect(chart.values.defaultAirflowRepository).toBe("apache/airflow");
    expect(chart.values.postgresql).toMatchObject({ enabled: true });
    expect(chart.schema?.length).toBeGreaterThan(1000);
    expect(chart.templates.every((t) => t.name.startsWith("templates/"))).toBe(true);
  });

  it("gives .Files every other kept file, not Chart.yaml or values", () => {
    expect(chart.files.map((f) => f.name).sort()).toEqual([
      ".helmignore",
      "LICENSE",
      "NOTICE",
      "RELEASE_NOTES.rst",
      "files/pod-template-file.kubernetes-helm-yaml",
      "files/statsd-mappings.yml",
      "reproducible_build.yaml",
    ]);
  });

  it("loads the postgresql subchart and its common library chart", () => {
    const [pg] = chart.dependencies;
    expect(pg?.metadata).toMatchObject({ name: "postgresql", version: "13.2.24" });
    expect(pg?.parent).toBe(chart);
    const [common] = pg!.dependencies;
    expect(common?.metadata).toMatchObject({ name: "common", type: "library" });
    expect(common?.parent).toBe(pg);
  });

  it("loads the same chart from a .tgz, with the archive's SHA-256 as digest", () => {
    const tgz = packChart(join(AIRFLOW_CHARTS, version), "airflow");
    const fromTgz = loadArchive(tgz);
    expect(fromTgz.digest).toBe(sha256(tgz));
    expect(fromTgz.metadata).toEqual(chart.metadata);
    expect(fromTgz.values).toEqual(chart.values);
    expect(keptFiles(fromTgz)).toEqual(keptFiles(chart));
    const path = join(tempChart({}), "airflow.tgz");
    writeFileSync(path, tgz);
    expect(loadChart(path).digest).toBe(sha256(tgz));
  });
});

describe("loadDir", () => {
  it("honours .helmignore and ignores dotfiles in templates/", () => {
    const dir = tempChart({
      "Chart.yaml": CHART_YAML,
      ".helmignore": "*.bak\nsecret/\n# comment\n",
      "templates/a.yaml": "a: 1",
      "templates/.hidden.yaml": "x",
      "files/keep.txt": "k",
      "files/old.bak": "o",
      "secret/key": "s",
    });
    const c = loadChart(dir);
    expect(c.templates.map((t) => t.name)).toEqual(["templates/a.yaml"]);
    expect(c.files.map((f) => f.name)).toEqual([".helmignore", "files/keep.txt"]);
  });

  it("gives the same digest for the same files", () => {
    const files = { "Chart.yaml": CHART_YAML, "values.yaml": "a: 1\n" };
    expect(loadChart(tempChart(files)).digest).toBe(loadChart(tempChart(files)).digest);
    const other = loadChart(tempChart({ ...files, "values.yaml": "a: 2\n" }));
    expect(loadChart(tempChart(files)).digest).not.toBe(other.digest);
  });

  it("loads subcharts packed as .tgz in charts/", () => {
    const sub = packChart(tempChart({ "Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n" }), "sub");
    const c = loadChart(tempChart({ "Chart.yaml": CHART_YAML, "charts/sub-1.0.0.tgz": sub }));
    expect(c.dependencies.map((d) => [d.metadata.name, d.digest])).toEqual([["sub", sha256(sub)]]);
  });
});

describe("Chart.yaml as Helm decodes it", () => {
  it("turns numbers into the strings a Go string field gets", () => {
    const c = chartFromFiles({ "Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.10\nappVersion: 3.0\n" });
    expect([c.metadata.version, c.metadata.appVersion]).toEqual(["1.1", "3"]);
  });

  it("defaults apiVersion to v1 and sanitizes strings", () => {
    const c = chartFromFiles({ "Chart.yaml": 'name: x\nversion: 1.0.0\ndescription: "a\\tb\\u0007"\n' });
    expect(c.metadata.apiVersion).toBe("v1");
    expect(c.metadata.description).toBe("a b");
  });

  const CY = "apiVersion: v2\nname: x\nversion: 1.0.0\n";
  const JSON_ERROR = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";
  it.each([
    [{}, "Chart.yaml file is missing"],
    [{ "Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n" }, "validation: chart.metadata.name is required"],
    [{ "Chart.yaml": CY.replace("x", "a/b") }, 'validation: chart.metadata.name "a/b" is invalid'],
    [{ "Chart.yaml": CY.replace("1.0.0", "one") }, 'validation: chart.metadata.version "one" is invalid'],
    [{ "Chart.yaml": `${CY}type: lib\n` }, "validation: chart.metadata.type must be application or library"],
    [
      { "Chart.yaml": `${CY}keywords: {a: 1}\n` },
      `cannot load Chart.yaml: ${JSON_ERROR} object into Go struct field Metadata.keywords of type []string`,
    ],
    [
      { "Chart.yaml": CHART_YAML, "values.yaml": "- a\n" },
      `cannot load values.yaml: ${JSON_ERROR} array into Go value of type map[string]interface {}`,
    ],
    [
      { "Chart.yaml": CHART_YAML, "charts/README.md": "x" },
      "error unpacking subchart README.md in demo: Chart.yaml file is missing",
    ],
    [
      { "Chart.yaml": `${CY}dependencies:\n- name: a\n- name: a\n` },
      'validation: more than one dependency with name or alias "a"',
    ],
  ])("refuses %j with Helm's message", (files, message) => {
    const list = Object.entries(files).map(([name, t]) => ({ name, data: Buffer.from(t) }));
    expect(() => loadFiles(list)).toThrow(message);
  });
});

describe("loadArchive", () => {
  const gz = (entries: Record<string, string>) =>
    gzipSync(tar(Object.entries(entries).map(([name, t]) => ({ name, data: Buffer.from(t) }))));

  it.each([
    [{ "x/Chart.yaml": CHART_YAML, "x/../../etc/passwd": "p" }, "chart illegally references parent directory"],
    [{ "Chart.yaml/x": CHART_YAML }, "chart yaml not in base directory"],
    [{ "Chart.yaml": CHART_YAML }, 'chart illegally contains content outside the base directory: "Chart.yaml"'],
    [{ "x/Chart.yaml": CHART_YAML, x: "" }, 'chart illegally contains content outside the base directory: "x"'],
  ])("refuses %j", (entries, message) => {
    expect(() => loadArchive(gz(entries))).toThrow(message);
  });

  it("keeps long names (PAX) and drops the top folder", () => {
    const long = `templates/${"n".repeat(120)}.yaml`;
    const c = loadArchive(gz({ "demo/Chart.yaml": CHART_YAML, [`demo/${long}`]: "a: 1" }));
    expect(c.templates.map((t) => t.name)).toEqual([long]);
  });

  it("names a file that is not gzip as Helm does", () => {
    const dir = tempChart({ "values.yaml": "a: 1" });
    const yaml = join(dir, "values.yaml");
    expect(() => loadChart(yaml)).toThrow(`file '${yaml}' seems to be a YAML file, but expected a gzipped archive`);
    const missing = join(dir, "missing.tgz");
    expect(() => loadChart(missing)).toThrow(`stat ${missing}: no such file or directory`);
  });
});
