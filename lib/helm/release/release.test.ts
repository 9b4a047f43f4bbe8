import { describe, expect, it } from "vitest";
import { INSTALL_ORDER, sortByKind } from "./kind-order";
import { splitManifests } from "./manifest";
import { renderResources } from "./render-resources";
import { sortManifests } from "./sort-manifests";
import { summarizeObjects } from "./summary";

const POD_HOOK = `apiVersion: v1
kind: Pod
metadata:
  name: finding-nemo,
  annotations:
    "helm.sh/hook": test
spec:
  containers:
  - name: nemo-test
    image: fake-image
    cmd: fake-command`;

describe("splitManifests (releaseutil's TestSplitManifest)", () => {
  it("cuts at --- lines and trims each document", () => {
    expect(splitManifests(`\n\n---\n${POD_HOOK}\n`)).toEqual([POD_HOOK]);
    expect(splitManifests("a: 1\n---\nb: 2\n---\nc: 3\n---")).toEqual(["a: 1", "b: 2", "c: 3"]);
    // The separator swallows the blank lines after it, so a "---" right after those is content.
    expect(splitManifests("a: 1\n--- \n\n---\nc: 3")).toEqual(["a: 1", "---\nc: 3"]);
    expect(splitManifests("a: |\n  ---\n  x")).toEqual(["a: |\n  ---\n  x"]);
  });
});

describe("sortByKind (releaseutil's kind sorter tests)", () => {
  it("sorts by install order, unknown kinds last and alphabetical, keeping order within a kind", () => {
    const items = [
      ["a", "ClusterRole"],
      ["A", "ClusterRole"],
      ["0", "ConfigMap"],
      ["1", "ConfigMap"],
      ["z", "ClusterRoleBinding"],
      ["!", "ClusterRoleBinding"],
      ["u2", "Unknown"],
      ["u1", "Unknown"],
      ["t3", "Unknown2"],
    ] as const;
    expect(sortByKind([...items], (i) => i[1], INSTALL_ORDER).map((i) => i[0]).join("")).toBe("01aAz!u2u1t3");
    expect(sortByKind(["Unknown", "Namespace"], (k) => k, INSTALL_ORDER)).toEqual(["Namespace", "Unknown"]);
  });
});

/** A document with a name and annotations. */
function doc(kind: string, name: string, annotations: Record<string, string> = {}, extra = ""): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`);
  const meta = lines.length > 0 ? `  annotations:\n${lines.join("")}` : "";
  return `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${meta}${extra}`;
}

const HOOK = "helm.sh/hook";
const WEIGHT = "helm.sh/hook-weight";

describe("sortManifests (releaseutil's TestSortManifests)", () => {
  const files = new Map([
    ["one", doc("Job", "first", { [HOOK]: "pre-install" })],
    ["two", doc("ReplicaSet", "second", { [HOOK]: "post-install" })],
    ["three", doc("ReplicaSet", "third", { [HOOK]: "no-such-hook" })],
    ["four", doc("Pod", "fourth", { nothing: "here" })],
    ["five", doc("ReplicaSet", "fifth", { [HOOK]: "post-delete, post-install" })],
    ["six/_six", "invalid manifest"],
    ["seven", ""],
    ["eight", `kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: eighth\ndata:\n  name: value\n---\n${POD_HOOK}`],
  ]);
  const result = sortManifests(files);

  it("splits hooks from ordinary manifests, skipping partials and empty files", () => {
    expect(result.manifests.map((m) => m.head.metadata?.name)).toEqual(["eighth", "fourth"]);
    expect(result.hooks.map((h) => [h.head.metadata?.name, h.events])).toEqual([
      ["finding-nemo,", ["test"]],
      ["fifth", ["post-delete", "post-install"]],
      ["second", ["post-install"]],
      ["first", ["pre-install"]],
    ]);
    expect(result.warnings).toEqual(['info: skipping unknown hook: "no-such-hook"']);
  });

  it("reads hook weights and delete policies", () => {
    const policy = { "helm.sh/hook-delete-policy": "Before-Hook-Creation, hook-succeeded" };
    const job = doc("Job", "j", { [HOOK]: "pre-install", [WEIGHT]: "-5", ...policy });
    const { hooks } = sortManifests(new Map([["h", job]]));
    expect(hooks[0]).toMatchObject({ weight: -5, deletePolicies: ["before-hook-creation", "hook-succeeded"] });
  });

  it("names the template in YAML errors, as Helm does", () => {
    expect(() => sortManifests(new Map([["chart/templates/bad.yaml", "a: b: c"]]))).toThrow(
      "YAML parse error on chart/templates/bad.yaml: error converting YAML to JSON: " +
        "yaml: mapping values are not allowed in this context",
    );
    expect(() => sortManifests(new Map([["t.yaml", "- a"]]))).toThrow(
      "YAML parse error on t.yaml: error unmarshaling JSON: while decoding JSON: " +
        "json: cannot unmarshal array into Go value of type releaseutil.SimpleHead",
    );
  });

  it("reads heads as Go strings: numbers become text", () => {
    const [m] = sortManifests(new Map([["t.yaml", "apiVersion: 1.0\nkind: Thing\nmetadata:\n  name: 007"]])).manifests;
    expect(m?.head).toEqual({ apiVersion: "1", kind: "Thing", metadata: { name: "7", annotations: null } });
  });
});

const DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2";

describe("renderResources", () => {
  const rendered = new Map([
    ["app/templates/NOTES.txt", "Thanks for installing."],
    ["app/charts/db/templates/NOTES.txt", "db notes"],
    ["app/templates/_helpers.tpl", ""],
    ["app/templates/svc.yaml", doc("Service", "web", {}, "  namespace: ns\nspec:\n  ports:\n  - port: 80\n")],
    ["app/templates/deploy.yaml", `# only a comment\n---\n${DEPLOYMENT}\n`],
    ["app/templates/sa.yaml", doc("ServiceAccount", "web")],
    [
      "app/templates/jobs.yaml",
      [
        doc("Job", "migrate", { [HOOK]: "post-install", [WEIGHT]: "2" }),
        doc("Job", "create-user", { [HOOK]: "post-install", [WEIGHT]: "1" }),
        doc("Secret", "early", { [HOOK]: "pre-install", [WEIGHT]: "1" }),
      ].join("---\n"),
    ],
  ]);
  const release = renderResources(rendered, { chartName: "app" });

  it("takes the chart's own NOTES.txt out, and subcharts' only when asked", () => {
    expect(release.notes).toBe("Thanks for installing.");
    const all = renderResources(rendered, { chartName: "app", subNotes: true });
    expect(all.notes).toBe("db notes\nThanks for installing.");
    expect(renderResources(new Map([["x/templates/a.yaml", "a: 1"]]), { chartName: "x" }).notes).toBeNull();
  });

  it("gives objects in install order, parsed as Kubernetes reads them, without comment-only documents", () => {
    const objects = release.objects.map((o) => `${o.kind}/${o.name}`);
    expect(objects).toEqual(["ServiceAccount/web", "Service/web", "Deployment/web"]);
    expect(release.objects[1]).toMatchObject({ template: "app/templates/svc.yaml", apiVersion: "v1", namespace: "ns" });
    expect(release.objects[1]?.document).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "ns" },
      spec: { ports: [{ port: 80 }] },
    });
    expect(release.objects[2]?.content).toBe(DEPLOYMENT);
  });

  it("orders hooks by weight, then name", () => {
    expect(release.hooks.map((h) => [h.name, h.weight, h.events])).toEqual([
      ["create-user", 1, ["post-install"]],
      ["early", 1, ["pre-install"]],
      ["migrate", 2, ["post-install"]],
    ]);
  });

  it("summarizes objects by category, hook jobs apart", () => {
    const groups = summarizeObjects(release);
    const label = (i: { kind: string; name: string; hook: boolean }) => `${i.kind}/${i.name}${i.hook ? " (hook)" : ""}`;
    expect(groups.map((g) => [g.category, g.items.map(label)])).toEqual([
      ["workloads", ["Deployment/web"]],
      ["services", ["Service/web"]],
      ["jobs", ["Job/create-user (hook)", "Job/migrate (hook)"]],
      ["config", ["Secret/early (hook)"]],
      ["access", ["ServiceAccount/web"]],
    ]);
  });
});
