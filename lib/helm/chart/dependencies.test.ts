import { describe, expect, it } from "vitest";
import type { GoMap } from "@/lib/helm/engine/value";
import { chartPath, type Chart } from "./chart";
import { processDependencies } from "./dependencies";
import { formatFloatF } from "./encoding/go-strconv";
import { chartFromFiles } from "./test-support";
import { SUBPOP } from "./testdata/subpop";
import { pathValue } from "./values";

/** extractChartNames: every chart's ChartPath, sorted. */
function names(c: Chart): string[] {
  const out: string[] = [];
  const walk = (x: Chart) => {
    out.push(chartPath(x));
    x.dependencies.forEach(walk);
  };
  walk(c);
  return out.sort();
}

const subpop = () => chartFromFiles(SUBPOP);

describe("processDependencies: conditions and tags (chartutil's TestDependencyEnabled)", () => {
  it.each([
    [
      "tags with no effect",
      { tags: { nothinguseful: false } },
      ["", ".subchart1", ".subchart1.subcharta", ".subchart1.subchartb"],
    ],
    ["tags disabling a group", { tags: { "front-end": false } }, [""]],
    [
      "tags disabling a group and enabling a different group",
      { tags: { "front-end": false, "back-end": true } },
      ["", ".subchart2", ".subchart2.subchartb", ".subchart2.subchartc"],
    ],
    [
      "tags disabling only children, children still enabled since tag front-end=true in values.yaml",
      { tags: { subcharta: false, subchartb: false } },
      ["", ".subchart1", ".subchart1.subcharta", ".subchart1.subchartb"],
    ],
    [
      "tags disabling all parents/children with additional tag re-enabling a parent",
      { tags: { "front-end": false, subchart1: true, "back-end": false } },
      ["", ".subchart1"],
    ],
    [
      "conditions enabling the parent charts, but back-end (b, c) is still disabled via values.yaml",
      { subchart1: { enabled: true }, subchart2: { enabled: true } },
      ["", ".subchart1", ".subchart1.subcharta", ".subchart1.subchartb", ".subchart2"],
    ],
    ["conditions disabling the parent charts", { subchart1: { enabled: false }, subchart2: { enabled: false } }, [""]],
    [
      "conditions a child using the second condition path of child's condition",
      { subchart1: { subcharta: { enabled: false } } },
      ["", ".subchart1", ".subchart1.subchartb"],
    ],
    [
      "tags enabling a parent/child group with condition disabling one child",
      { subchart2: { subchartc: { enabled: false } }, tags: { "back-end": true } },
      ["", ".subchart1", ".subchart1.subcharta", ".subchart1.subchartb", ".subchart2", ".subchart2.subchartb"],
    ],
    [
      "tags will not enable a child if parent is explicitly disabled with condition",
      { subchart1: { enabled: false }, tags: { "front-end": true } },
      [""],
    ],
    [
      "subcharts with alias also respect conditions",
      { subchart1: { enabled: false }, subchart2alias: { enabled: true, subchartb: { enabled: true } } },
      ["", ".subchart2alias", ".subchart2alias.subchartb"],
    ],
  ])("%s", (_name, values, expected) => {
    const { chart } = processDependencies(subpop(), values as GoMap);
    expect(names(chart)).toEqual(expected.map((e) => `parentchart${e}`));
  });
});

describe("processDependencies: import-values (chartutil's TestProcessDependencyImportValues)", () => {
  const { chart } = processDependencies(subpop(), {});
  const expected: Record<string, string> = {
    "imported-chart1.SC1bool": "true",
    "imported-chart1.SC1float": "3.14",
    "imported-chart1.SC1int": "100",
    "imported-chart1.SC1string": "dollywood",
    "imported-chart1.SC1extra1": "11",
    "imported-chart1.SPextra1": "helm rocks",
    "imported-chartA.SCAbool": "false",
    "imported-chartA.SCAfloat": "3.1",
    "imported-chartA.SCAint": "55",
    "imported-chartA.SCAstring": "jabba",
    "imported-chartA.SPextra3": "1.337",
    "imported-chartA.SC1extra2": "1.337",
    "imported-chartA.SCAnested1.SCAnested2": "true",
    "imported-chartA-B.SCAbool": "false",
    "imported-chartA-B.SCBstring": "boba",
    "imported-chartA-B.SPextra5": "k8s",
    "imported-chartA-B.SC1extra5": "tiller",
    "overridden-chart1.SC1bool": "false",
    "overridden-chart1.SC1float": "3.141592",
    "overridden-chart1.SC1int": "99",
    "overridden-chart1.SPextra2": "42",
    "overridden-chartA.SCAstring": "jabberwocky",
    "overridden-chartA-B.SCBint": "77",
    "overridden-chartA-B.SCAextra1": "23",
    "overridden-chartA-B.SC1extra6": "77",
    SCBexported1B: "1965",
    SC1extra7: "true",
    SCBexported2A: "blaster",
    "global.SC1exported2.all.SC1exported3": "SC1expstr",
  };

  it.each(Object.entries(expected))("%s is %s", (path, want) => {
    const v = pathValue(chart.values, path);
    expect(typeof v === "number" ? formatFloatF(v) : String(v)).toBe(want);
  });

  it("keeps nulls, as merging does", () => {
    expect(pathValue(chart.values, "ensurenull")).toBeNull();
  });

  it("rewrites import-values to their child/parent form", () => {
    const sub1 = chart.metadata.dependencies?.find((d) => d?.name === "subchart1");
    expect(sub1?.importValues.at(-1)).toEqual({ child: "exports.SC1exported1", parent: "." });
  });
});

describe("processDependencies: aliases", () => {
  it("renames an aliased copy of the subchart and leaves the loaded chart alone", () => {
    const loaded = subpop();
    const before = names(loaded);
    const { chart } = processDependencies(loaded, { subchart2alias: { enabled: true } });
    expect(chart.dependencies.map((d) => d.metadata.name)).toEqual(["subchart1", "subchart2alias"]);
    expect(chart.metadata.dependencies?.map((d) => d?.name)).toEqual(["subchart1", "subchart2alias"]);
    expect(names(loaded)).toEqual(before);
    expect(loaded.metadata.dependencies?.map((d) => d?.name)).toEqual(["subchart1", "subchart2", "subchart2"]);
  });

  it("keeps a subchart whose version the dependency does not match, under its own name", () => {
    const c = chartFromFiles({
      "Chart.yaml": "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: s\n  version: ^2.0.0\n",
      "charts/s/Chart.yaml": "apiVersion: v2\nname: s\nversion: 1.0.0\n",
    });
    expect(processDependencies(c, {}).chart.dependencies.map((d) => d.metadata.name)).toEqual(["s"]);
  });
});
