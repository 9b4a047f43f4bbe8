import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GoMap, GoValue } from "@/lib/helm/engine/value";
import { coalesceTables, coalesceValues, mergeTables, mergeValues } from "./coalesce";
import { processDependencies } from "./dependencies";
import { loadChart } from "./loader";
import { AIRFLOW_CHARTS, bareChart, describeWithCharts } from "./test-support";
import { readValues } from "./values";

/** What `{{.a.b.c}}` prints in Helm's tests: the value, or "<no value>" when a key is missing. */
function at(values: GoMap, path: string): string {
  let cur: GoValue = values;
  for (const k of path.split(".")) {
    if (typeof cur !== "object" || cur === null || !Object.hasOwn(cur, k)) return "<no value>";
    cur = (cur as GoMap)[k];
  }
  return cur === null ? "<no value>" : String(cur);
}

const USER_VALUES = `
top: yup
bottom: null
right: Null
left: NULL
front: ~
back: ""
nested:
  boat: null

global:
  name: Ishmael
  subject: Queequeg
  nested:
    boat: true

pequod:
  boat: null
  global:
    name: Stinky
    harpooner: Tashtego
    nested:
      boat: false
      sail: true
      foo2: null
  ahab:
    scope: whale
    boat: null
    nested:
      foo: true
      boat: null
    object: null
`;

/** The moby → pequod → ahab (+ spouter) chart of chartutil's coalesce_test.go. */
function moby() {
  return bareChart(
    "moby",
    {
      ...{ back: "exists", bottom: "exists", front: "exists", left: "exists", name: "moby" },
      ...{ nested: { boat: true }, override: "bad", right: "exists", scope: "moby", top: "nope" },
      global: { nested2: { l0: "moby" } },
      pequod: { boat: "maybe", ahab: { boat: "maybe", nested: { boat: "maybe" } } },
    },
    bareChart(
      "pequod",
      {
        ...{ name: "pequod", scope: "pequod", global: { nested2: { l1: "pequod" } } },
        ...{ boat: false, ahab: { boat: false, nested: { boat: false } } },
      },
      bareChart("ahab", {
        global: { nested: { foo: "bar", foo2: "bar2" }, nested2: { l2: "ahab" } },
        ...{ scope: "ahab", name: "ahab", boat: true, nested: { foo: false, boat: true }, object: { foo: "bar" } },
      }),
    ),
    bareChart("spouter", { scope: "spouter", global: { nested2: { l1: "spouter" } } }),
  );
}

describe("coalesceValues (chartutil's TestCoalesceValues)", () => {
  const user = readValues(USER_VALUES);
  const before = structuredClone(user);
  const { values: v } = coalesceValues(moby(), user);

  it.each([
    ["top", "yup"],
    ["back", ""],
    ["name", "moby"],
    ["global.name", "Ishmael"],
    ["global.subject", "Queequeg"],
    ["global.harpooner", "<no value>"],
    ["pequod.name", "pequod"],
    ["pequod.ahab.name", "ahab"],
    ["pequod.ahab.scope", "whale"],
    ["pequod.ahab.nested.foo", "true"],
    ["pequod.ahab.global.name", "Ishmael"],
    ["pequod.ahab.global.nested.foo", "bar"],
    ["pequod.ahab.global.nested.foo2", "<no value>"],
    ["pequod.ahab.global.subject", "Queequeg"],
    ["pequod.ahab.global.harpooner", "Tashtego"],
    ["pequod.global.name", "Ishmael"],
    ["pequod.global.nested.foo", "<no value>"],
    ["pequod.global.subject", "Queequeg"],
    ["spouter.global.name", "Ishmael"],
    ["spouter.global.harpooner", "<no value>"],
    ["global.nested.boat", "true"],
    ["pequod.global.nested.boat", "true"],
    ["spouter.global.nested.boat", "true"],
    ["pequod.global.nested.sail", "true"],
    ["spouter.global.nested.sail", "<no value>"],
    ["global.nested2.l0", "moby"],
    ["global.nested2.l1", "<no value>"],
    ["global.nested2.l2", "<no value>"],
    ["pequod.global.nested2.l0", "moby"],
    ["pequod.global.nested2.l1", "pequod"],
    ["pequod.global.nested2.l2", "<no value>"],
    ["pequod.ahab.global.nested2.l0", "moby"],
    ["pequod.ahab.global.nested2.l1", "pequod"],
    ["pequod.ahab.global.nested2.l2", "ahab"],
    ["spouter.global.nested2.l0", "moby"],
    ["spouter.global.nested2.l1", "spouter"],
    ["spouter.global.nested2.l2", "<no value>"],
  ])("{{.%s}} is %s", (path, want) => {
    expect(at(v, path)).toBe(want);
  });

  it("removes the keys the user set to null, at every level", () => {
    for (const k of ["bottom", "right", "left", "front"]) expect(Object.hasOwn(v, k)).toBe(false);
    expect(Object.hasOwn(v.nested as GoMap, "boat")).toBe(false);
    const pequod = v.pequod as GoMap;
    expect(Object.hasOwn(pequod, "boat")).toBe(false);
    const ahab = pequod.ahab as GoMap;
    expect(Object.hasOwn(ahab, "boat")).toBe(false);
    expect(Object.hasOwn(ahab.nested as GoMap, "boat")).toBe(false);
    expect(Object.hasOwn(ahab, "object")).toBe(false);
  });

  it("leaves the user's values untouched", () => {
    expect(user).toEqual(before);
  });
});

describe("mergeValues", () => {
  it("keeps the nulls CoalesceValues removes", () => {
    const { values } = mergeValues(moby(), readValues(USER_VALUES));
    expect(values.bottom).toBeNull();
    expect((values.nested as GoMap).boat).toBeNull();
  });
});

describe("coalesceTables and mergeTables", () => {
  const dst = () => ({
    name: "Ishmael",
    address: { street: "123 Spouter Inn Ct.", city: "Nantucket", country: null },
    details: { friends: ["Tashtego"] },
    boat: "pequod",
    hole: null,
  });
  const src = () => ({
    occupation: "whaler",
    address: { state: "MA", street: "234 Spouter Inn Ct.", country: "US" },
    details: "empty",
    boat: { mast: true },
    hole: "black",
  });

  it("lets dst win, deleting its nulls (TestCoalesceTables)", () => {
    const warnings: string[] = [];
    expect(coalesceTables(dst(), src(), warnings)).toEqual({
      name: "Ishmael",
      occupation: "whaler",
      address: { street: "123 Spouter Inn Ct.", city: "Nantucket", state: "MA" },
      details: { friends: ["Tashtego"] },
      boat: "pequod",
    });
    expect(warnings).toEqual([
      "warning: destination for details is a table. Ignoring non-table value (empty)",
      "warning: cannot overwrite table with non table for boat (map[mast:true])",
    ]);
  });

  it("keeps dst's nulls when merging (TestMergeTables)", () => {
    const merged = mergeTables(dst(), src()) as GoMap;
    expect(merged.hole).toBeNull();
    expect((merged.address as GoMap).country).toBeNull();
  });
});

describe("coalesce warnings (TestCoalesceValuesWarnings)", () => {
  it("reports tables and non-tables that do not fit", () => {
    const c = bareChart(
      "level1",
      { name: "moby" },
      bareChart(
        "level2",
        { name: "pequod" },
        bareChart("level3", { name: "ahab", boat: true, spear: { tip: true, sail: { cotton: true } } }),
      ),
    );
    const user = { level2: { level3: { boat: { mast: true }, spear: { tip: { sharp: true }, sail: true } } } };
    const { warnings } = coalesceValues(c, user);
    const at3 = "level1.level2.level3";
    expect(warnings).toContain(`warning: skipped value for ${at3}.boat: Not a table.`);
    expect(warnings).toContain(`warning: destination for ${at3}.spear.tip is a table. Ignoring non-table value (true)`);
    const sail = `${at3}.spear.sail (map[cotton:true])`;
    expect(warnings).toContain(`warning: cannot overwrite table with non table for ${sail}`);
  });

  it("refuses a subchart's values that are not a table", () => {
    const c = bareChart("parent", {}, bareChart("sub", {}));
    expect(() => coalesceValues(c, { sub: "x" })).toThrow("type mismatch on sub: %!t(string=x)");
    expect(() => coalesceValues(c, { sub: false })).toThrow("type mismatch on sub: false");
  });
});

describeWithCharts("the Airflow chart's values", () => {
  const chart = loadChart(join(AIRFLOW_CHARTS, "1.22.0"));

  it("drops the postgresql subchart when the user disables it", () => {
    const user = { postgresql: { enabled: false } };
    const { chart: processed } = processDependencies(chart, user);
    expect(processed.dependencies).toEqual([]);
    const { values } = coalesceValues(processed, user);
    expect(values.postgresql).toMatchObject({ enabled: false });
    expect(Object.hasOwn(values.postgresql as GoMap, "global")).toBe(false);
    // The loaded chart is not changed; it can be rendered again with other values.
    expect(chart.dependencies.map((d) => d.metadata.name)).toEqual(["postgresql"]);
  });

  it("keeps the subchart and its defaults otherwise, with globals copied down", () => {
    const { chart: processed } = processDependencies(chart, {});
    const { values } = coalesceValues(processed, { global: { x: 1 } });
    const pg = values.postgresql as GoMap;
    expect(pg.enabled).toBe(true);
    // The parent's values win over the subchart's own defaults, which fill in the rest.
    expect(pg.image).toMatchObject({ registry: "docker.io", repository: "bitnamilegacy/postgresql" });
    expect(pg.global).toMatchObject({ x: 1 });
    expect((pg.common as GoMap).global).toMatchObject({ x: 1 });
  });
});
