import { existsSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildHelmReference } from "@/scripts/helm-reference/build";
import { renderWithReference, type ReferenceAnswer, type ReferenceRequest } from "@/scripts/helm-reference/render";
import { AIRFLOW_VERSIONS, EXECUTORS } from "@/lib/environments/catalog";
import { airflowHelmValues, type AirflowValuesInput } from "./airflow-values";
import { renderChart, type ChartRender } from "./render";

/**
 * The renderer against a reference that shares none of its code: a Go program built from Debian's
 * packages (Go's text/template, Sprig, Helm 3.19.2's engine, chartutil and releaseutil). Both render
 * the official chart, for every set of values the portal can produce and for edge values, and must
 * give the same templates (as parsed YAML documents), the same objects in the same install order,
 * the same hooks, the same NOTES.txt, or the same error, word for word.
 */
const CHARTS_DIR = process.env.AIRFLOW_CHARTS_DIR || path.resolve(import.meta.dirname, "../../../shared/reference/airflow-chart/charts");
const CHART_VERSIONS = ["1.18.0", "1.22.0"];
const required = Boolean(process.env.CI || process.env.AIRFLOW_CHARTS_DIR);

const KUBE = {
  kubeVersion: "v1.33.0",
  apiVersions: ["v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"],
};

const signIn = {
  authorityHost: "https://login.microsoftonline.com",
  tenantId: "11111111-1111-4111-8111-111111111111",
  roleMapping: { "0b7a6c3e-2f1d-4e5a-9c8b-7d6e5f4a3b21": "Op" as const },
};
const azure = {
  workloadIdentity: { clientId: "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" },
  taskLogs: { blobEndpoint: "https://stenv10a1b2c.blob.core.windows.net/", container: "airflow-logs", tenantId: "11111111-1111-4111-8111-111111111111" },
};
const dagSource = { repoUrl: "https://github.com/org/dags.git", branch: "main", subPath: "airflow/dags" };

/** Every combination the request form and the platform's settings can produce on one chart version. */
function portalCombinations(chartVersion: string): { label: string; input: AirflowValuesInput }[] {
  const out: { label: string; input: AirflowValuesInput }[] = [];
  for (const executor of EXECUTORS)
    for (const { version } of AIRFLOW_VERSIONS.filter((v) => v.chartVersion === chartVersion))
      for (const withSignIn of [false, true])
        for (const withDags of [false, true])
          for (const exposure of ["internal", "public", "ingress"] as const) {
            const label = `${executor} ${version} sign-in:${withSignIn} dags:${withDags} ${exposure}`;
            const input = { executor, airflowVersion: version, size: "medium" as const, dagSource: withDags ? dagSource : null, exposure };
            // Environments built since have a managed identity and task logs in Blob Storage; those before, neither.
            out.push({ label: withSignIn ? `${label} identity+task-logs` : label, input: withSignIn ? { ...input, signIn, ...azure } : input });
          }
  return out;
}

const base = () => airflowHelmValues({ executor: "KubernetesExecutor", airflowVersion: "3.0.6", size: "small", dagSource: null });

/** Values the portal never sends, to reach the corners of coalescing and of the templates. */
const EDGE_VALUES: { label: string; values: Record<string, unknown> }[] = [
  { label: "the chart's own defaults (with its PostgreSQL subchart)", values: {} },
  { label: "nulls deleting defaults", values: { ...base(), labels: null, scheduler: { resources: null, nodeSelector: null } } },
  { label: "empty lists and maps", values: { ...base(), extraEnvFrom: "", volumes: [], volumeMounts: [], tolerations: [], extraSecrets: {} } },
  {
    label: "nested overrides",
    values: { ...base(), config: { core: { load_examples: "True" }, logging: { remote_logging: "False" } }, scheduler: { replicas: 2, podAnnotations: { "example.com/team": "data" } } },
  },
  { label: "a required value missing", values: { ...base(), priorityClasses: [{ name: "high" }] } },
  { label: "Celery without Redis or a broker", values: { ...base(), executor: "CeleryExecutor", redis: { enabled: false } } },
  { label: "a fail in NOTES.txt", values: { ...base(), config: { core: { executor: "CeleryExecutor" } } } },
  { label: "numbers as Helm prints them", values: { ...base(), scheduler: { replicas: 1e7 }, workers: { replicas: 2.5 } } },
];

/** A template's documents as data; text that is not YAML (a partial's helper output) as it is. */
function documents(text: string): unknown {
  try {
    return parseAllDocuments(text, { version: "1.1" })
      .map((d) => d.toJS({ maxAliasCount: -1 }) as unknown)
      .filter((d) => d !== null);
  } catch {
    return { text };
  }
}

/** What must agree, in comparable form. */
function summarize(result: { ok: true; render: ChartRender } | { ok: false; error: string }) {
  if (!result.ok) return { error: result.error };
  const { render } = result;
  return {
    templates: Object.fromEntries([...render.templates].map(([name, text]) => [name, documents(text)])),
    objects: render.objects.map((o) => ({ template: o.template, kind: o.kind, name: o.name, document: o.document })),
    hooks: render.hooks.map((h) => ({ kind: h.kind, name: h.name, events: h.events, weight: h.weight, deletePolicies: h.deletePolicies, document: h.document })),
    notes: render.notes,
  };
}

function summarizeReference(answer: ReferenceAnswer) {
  if (!answer.ok) return { error: answer.error };
  // Helm keeps documents of comments only as nameless manifests, which Kubernetes never sees; the
  // portal drops them. Helm runs hooks by weight, then name.
  const hooks = [...answer.hooks].sort((a, b) => a.weight - b.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    templates: Object.fromEntries(Object.entries(answer.templates).map(([name, text]) => [name, documents(text)])),
    objects: answer.objects.filter((o) => o.document !== null && o.kind !== "").map((o) => ({ template: o.template, kind: o.kind, name: o.name, document: o.document })),
    hooks: hooks.map((h) => ({ kind: h.kind, name: h.name, events: h.events, weight: h.weight, deletePolicies: h.deletePolicies, document: h.document })),
    notes: answer.notes,
  };
}

function renderHere(reference: ReferenceRequest) {
  const request = { ...reference, values: reference.values ?? {}, namespace: reference.namespace ?? "default", apiVersions: reference.apiVersions ?? [] };
  try {
    // The reference has no JSON-schema validator (Debian packages none that Helm uses): compare
    // the templates' behaviour; the schema check has tests of its own.
    return { ok: true as const, render: renderChart({ ...request, random: "deterministic", skipSchemaValidation: true }) };
  } catch (error) {
    return { ok: false as const, error: (error as Error).message };
  }
}

/** The first difference, readable: which template or object, and the two sides. */
function firstDifference(ours: ReturnType<typeof summarize>, theirs: ReturnType<typeof summarizeReference>): string | null {
  if (isDeepStrictEqual(ours, theirs)) return null;
  if ("error" in ours || "error" in theirs) return `renderer: ${JSON.stringify(ours).slice(0, 300)}\nreference: ${JSON.stringify(theirs).slice(0, 300)}`;
  for (const name of new Set([...Object.keys(ours.templates), ...Object.keys(theirs.templates)])) {
    if (!isDeepStrictEqual(ours.templates[name], theirs.templates[name])) {
      return `template ${name}:\nrenderer: ${JSON.stringify(ours.templates[name]).slice(0, 600)}\nreference: ${JSON.stringify(theirs.templates[name]).slice(0, 600)}`;
    }
  }
  for (const key of ["objects", "hooks", "notes"] as const) {
    if (!isDeepStrictEqual(ours[key], theirs[key])) {
      return `${key}:\nrenderer: ${JSON.stringify(ours[key]).slice(0, 600)}\nreference: ${JSON.stringify(theirs[key]).slice(0, 600)}`;
    }
  }
  return "differs";
}

const available = existsSync(CHARTS_DIR);

describe.skipIf(!available && !required)("the chart renderer agrees with Helm's own engine", () => {
  let binary = "";
  const pending = new Map<string, Promise<ReferenceAnswer>>();

  beforeAll(() => {
    expect(available, `the official charts are expected at ${CHARTS_DIR}`).toBe(true);
    const built = buildHelmReference();
    if ("skipped" in built) {
      // Without root, Go comes from the command it names; CI runs as root and installs it.
      if (required) throw new Error(`The Go reference could not be built: ${built.skipped}`);
      console.warn(`[conformance] skipped: ${built.skipped}`);
      return;
    }
    binary = built.binary;
  }, 300_000);

  afterAll(() => pending.clear());

  const cases: { label: string; chartVersion: string; values: Record<string, unknown> }[] = [];
  for (const chartVersion of CHART_VERSIONS) {
    for (const { label, input } of portalCombinations(chartVersion)) cases.push({ label, chartVersion, values: airflowHelmValues(input) });
    for (const { label, values } of EDGE_VALUES) cases.push({ label, chartVersion, values });
  }

  function requestFor(c: (typeof cases)[number]): ReferenceRequest {
    return { chart: path.join(CHARTS_DIR, c.chartVersion), values: c.values, releaseName: "env1", namespace: "airflow", ...KUBE, deterministicRandom: true };
  }

  /** The reference renders ahead on the other core while this one renders in TypeScript. */
  function reference(index: number): Promise<ReferenceAnswer> {
    for (let i = index; i < Math.min(cases.length, index + 2); i++) {
      const key = String(i);
      if (!pending.has(key)) pending.set(key, renderWithReference(binary, requestFor(cases[i]!), { timeoutMs: 120_000 }));
    }
    return pending.get(String(index))!;
  }

  it.each(cases.map((c, i) => ({ ...c, i })))("chart $chartVersion, $label", async ({ i }) => {
    if (!binary) return;
    const theirs = summarizeReference(await reference(i));
    const ours = summarize(renderHere(requestFor(cases[i]!)));
    expect(firstDifference(ours, theirs)).toBeNull();
  }, 180_000);

  it("has compared errors as well as renders", async () => {
    if (!binary) return;
    const failing = EDGE_VALUES.filter((e) => /required|fail|Celery without/.test(e.label));
    for (const { values } of failing) {
      const answer = await renderWithReference(binary, requestFor({ label: "", chartVersion: "1.22.0", values }));
      expect(answer.ok, "the reference refuses it too").toBe(false);
    }
  }, 180_000);
});
