import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toJson, toYaml } from "@/lib/helm/engine/helm-data-funcs";
import { GoInt, GoStruct, type GoMap, type GoValue } from "@/lib/helm/engine/value";
import { makeCapabilities } from "./capabilities";
import { CHART_STRUCT_TYPE, chartStruct } from "./chart-struct";
import { processDependencies } from "./dependencies";
import { newFiles } from "./files";
import { loadChart } from "./loader";
import { chartRenderables, checkKubeVersion, releaseValues, toRenderValues, validateReleaseName } from "./render-values";
import { AIRFLOW_CHARTS, chartFromFiles } from "./test-support";

const call = (s: GoStruct, method: string, ...args: GoValue[]) => s.methods[method]!.call(...args);

describe(".Files (engine's files_test.go)", () => {
  const files = newFiles(
    [
      ["ship/captain.txt", "The Captain"],
      ["ship/stowaway.txt", "Legatt"],
      ["story/name.txt", "The Secret Sharer"],
      ["story/author.txt", "Joseph Conrad"],
      ["multiline/test.txt", "bar\nfoo\n"],
      ["multiline/test_with_blank_lines.txt", "bar\nfoo\n\n\n"],
    ].map(([name, text]) => ({ name: name!, data: Buffer.from(text!) })),
  );

  it("is the named map type engine.files with Helm's methods", () => {
    expect(files.typeName).toBe("engine.files");
    expect(files.kind).toBe("map");
    expect(Object.keys(files.methods).sort()).toEqual(["AsConfig", "AsSecrets", "Get", "GetBytes", "Glob", "Lines"]);
  });

  it("gets files as strings and as []byte", () => {
    expect(call(files, "Get", "story/author.txt")).toBe("Joseph Conrad");
    expect(call(files, "Get", "missing")).toBe("");
    const bytes = call(files, "GetBytes", "ship/stowaway.txt") as GoValue[];
    expect(bytes[0]).toEqual(new GoInt(76n, "uint8"));
    expect(files.fields["ship/captain.txt"]).toHaveLength(11);
  });

  it("globs, and renders ConfigMap and Secret data keyed by base name", () => {
    const story = call(files, "Glob", "story/**") as GoStruct;
    expect(Object.keys(story.fields).sort()).toEqual(["story/author.txt", "story/name.txt"]);
    expect(call(call(files, "Glob", "**/captain.txt") as GoStruct, "AsConfig")).toBe("captain.txt: The Captain");
    const ship = call(files, "Glob", "ship/**") as GoStruct;
    expect(call(ship, "AsConfig")).toBe("captain.txt: The Captain\nstowaway.txt: Legatt");
    expect(call(ship, "AsSecrets")).toBe("captain.txt: VGhlIENhcHRhaW4=\nstowaway.txt: TGVnYXR0");
    expect(call(call(files, "Glob", "none/*") as GoStruct, "AsConfig")).toBe("{}");
  });

  it("splits lines, dropping one final newline", () => {
    expect(call(files, "Lines", "multiline/test.txt")).toEqual(["bar", "foo"]);
    expect(call(files, "Lines", "multiline/test_with_blank_lines.txt")).toEqual(["bar", "foo", "", ""]);
    expect(call(files, "Lines", "missing")).toEqual([]);
  });

  it("marshals as map[string][]byte (base64)", () => {
    const one = call(files, "Glob", "ship/captain.txt") as GoStruct;
    expect(toJson(one)).toBe('{"ship/captain.txt":"VGhlIENhcHRhaW4="}');
  });
});

describe(".Chart", () => {
  const chart = chartFromFiles({
    "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: '4.5'\nkeywords: [a]\n",
  });
  const s = chartStruct(chart.metadata, true);

  it("is struct{chart.Metadata; IsRoot bool}, promoted fields reachable, printed without them", () => {
    expect(s.typeName).toBe(CHART_STRUCT_TYPE);
    expect(s.fields.Name).toBe("demo");
    expect(s.fields.AppVersion).toBe("4.5");
    expect(s.fields.IsRoot).toBe(true);
    expect(Object.hasOwn(s.fields, "Deprecated")).toBe(true);
    expect(Object.hasOwn(s.fields, "Nope")).toBe(false);
    expect(Object.keys(s.fields)).toEqual(["Metadata", "IsRoot"]);
    expect((s.fields.Metadata as GoStruct).typeName).toBe("chart.Metadata");
  });

  it("marshals with Metadata's json tags, omitempty, and IsRoot", () => {
    expect(toJson(s)).toBe(
      '{"name":"demo","version":"1.2.3","keywords":["a"],"apiVersion":"v2","appVersion":"4.5","IsRoot":true}',
    );
    expect(toYaml(s)).toBe(
      'IsRoot: true\napiVersion: v2\nappVersion: "4.5"\nkeywords:\n- a\nname: demo\nversion: 1.2.3',
    );
  });
});

describe(".Capabilities", () => {
  const caps = makeCapabilities({ kubeVersion: "v1.33.0", apiVersions: ["v1", "apps/v1"] });
  const kube = caps.fields.KubeVersion as GoStruct;
  const api = caps.fields.APIVersions as GoStruct;

  it("has Kubernetes' version fields and methods", () => {
    expect(kube.fields).toEqual({ Version: "v1.33.0", Major: "1", Minor: "33" });
    expect(call(kube, "GitVersion")).toBe("v1.33.0");
    expect(kube.stringer?.()).toBe("v1.33.0");
  });

  it("answers Has for exactly the API versions given", () => {
    expect(call(api, "Has", "apps/v1")).toBe(true);
    expect(call(api, "Has", "batch/v1")).toBe(false);
    expect(toJson(api)).toBe('["v1","apps/v1"]');
  });

  it("defaults to Helm's built-in Kubernetes v1.20.0 and the v3.19.2 build", () => {
    const d = makeCapabilities();
    expect((d.fields.KubeVersion as GoStruct).fields.Version).toBe("v1.20.0");
    expect(toJson(d.fields.HelmVersion)).toBe(
      '{"version":"v3.19.2","git_commit":"8766e718a0119851f10ddbe4577593a45fadf544","git_tree_state":"clean"}',
    );
  });
});

describe("toRenderValues and chartRenderables", () => {
  it("builds .Release with an int Revision", () => {
    expect(releaseValues({ name: "r", namespace: "ns" })).toEqual({
      ...{ Name: "r", Namespace: "ns", IsUpgrade: false, IsInstall: true, Revision: 1n, Service: "Helm" },
    });
  });

  it.skipIf(!existsSync(AIRFLOW_CHARTS) && !process.env.CI)("gives each chart its own scope: values, .Chart, .Files and .Subcharts", () => {
    const loaded = loadChart(join(AIRFLOW_CHARTS, "1.22.0"));
    const { chart } = processDependencies(loaded, {});
    const { top } = toRenderValues(chart, { postgresql: { auth: { username: "u" } } }, { name: "r", namespace: "ns" });
    const renderables = chartRenderables(chart, top);
    const pg = renderables.find((r) => r.name === "airflow/charts/postgresql/templates/primary/statefulset.yaml")!;
    expect(pg.basePath).toBe("airflow/charts/postgresql/templates");
    expect(((pg.vals.Values as GoMap).auth as GoMap).username).toBe("u");
    expect((pg.vals.Chart as GoStruct).fields.IsRoot).toBe(false);
    const root = renderables.find((r) => r.name === "airflow/templates/NOTES.txt")!;
    expect(Object.keys(root.vals.Subcharts as GoMap)).toEqual(["postgresql"]);
    expect(((root.vals.Files as GoStruct).fields["files/statsd-mappings.yml"] as GoValue[]).length).toBeGreaterThan(0);
    // A library chart contributes only its partials.
    const common = renderables.filter((r) => r.name.includes("/charts/common/"));
    expect(common.every((r) => /\/_[^/]*$/.test(r.name))).toBe(true);
  });
});

describe("install's checks", () => {
  it("refuses release names Helm refuses", () => {
    expect(() => validateReleaseName("airflow")).not.toThrow();
    expect(() => validateReleaseName("Airflow")).toThrow('release name "Airflow": invalid release name, must match regex');
    expect(() => validateReleaseName("")).toThrow('release name "": no name provided');
  });

  it("refuses a chart whose kubeVersion the cluster does not meet", () => {
    const chart = chartFromFiles({ "Chart.yaml": "apiVersion: v2\nname: k\nversion: 1.0.0\nkubeVersion: '>=1.30.0-0'\n" });
    expect(() => checkKubeVersion(chart, makeCapabilities({ kubeVersion: "v1.33.2" }))).not.toThrow();
    expect(() => checkKubeVersion(chart, makeCapabilities({ kubeVersion: "v1.29.1" }))).toThrow(
      "chart requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes v1.29.1",
    );
  });
});
