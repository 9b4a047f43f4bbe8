import { createHash } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { HelmRepository } from "@/emulator/src/cloud/flux/helm-repository";
import { AKS_API_VERSIONS, AKS_KUBE_VERSION, listReleaseObjects, refusalMessage, renderAirflowRelease, type AirflowReleaseSpec } from "./airflow-release";
import { environmentHelmValues, type AirflowReleaseSettings } from "./airflow-values";
import type { ChartPackage } from "./chart-source";
import { ChartRefusedError, type ChartRender, type ChartRenderRequest } from "./render";
import { writeRefusingChart } from "@/scripts/test-support/helm";

/**
 * How the portal reads a render: the renderer itself is replaced here (lib/helm/render has its own
 * tests against Helm), so what is checked is what the portal asks of it and makes of its answer.
 */
// A plain function, not vi.fn: Vitest 4 reports an error a vi.fn threw at its next reset, even when the code caught it.
const renderer = vi.hoisted(() => ({ calls: [] as ChartRenderRequest[], answer: (): ChartRender => ({}) as ChartRender }));
vi.mock("./render", async (original) => ({
  ...(await original<typeof import("./render")>()),
  renderChart: (request: ChartRenderRequest) => {
    renderer.calls.push(request);
    return renderer.answer();
  },
}));

const chart = writeRefusingChart("1.18.0");
afterAll(() => chart.remove());
const repository = new HelmRepository("http://127.0.0.1:1", undefined, chart.chartsDir);
const packageOf = (version: string): ChartPackage => {
  const bytes = repository.archive(version)!;
  return { chart: "airflow", version, url: `http://127.0.0.1:1/airflow-${version}.tgz`, bytes, digest: createHash("sha256").update(bytes).digest("hex") };
};

const spec: AirflowReleaseSpec = {
  executor: "KubernetesExecutor",
  airflowVersion: "3.0.6",
  chartVersion: "1.18.0",
  size: "small",
  dagSource: null,
  team: { name: "Analytics", entraGroupId: "6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02" },
  names: { helmRelease: "airflow", namespace: "airflow" },
};
const hex16 = expect.stringMatching(/^[0-9a-f]{16}$/);
const settings: AirflowReleaseSettings = { helmRepositoryUrl: "http://127.0.0.1:1", airflowExposure: "internal", airflowAccess: null };

const rendered = (digest: string): ChartRender => {
  const object = (kind: string, name: string) => ({ template: `airflow/templates/${name}.yaml`, apiVersion: "v1", kind, name, content: "", document: { kind, metadata: { name } } });
  return {
    chart: { name: "airflow", version: "1.18.0", appVersion: "3.0.2", digest },
    objects: [object("ServiceAccount", "airflow-scheduler"), object("Deployment", "airflow-scheduler"), object("Job", "airflow-run-airflow-migrations")],
    hooks: [{ ...object("Job", "airflow-create-user"), events: ["post-install", "post-upgrade"], weight: 2, deletePolicies: ["hook-succeeded"] }],
    notes: "Thank you for installing Apache Airflow",
    templates: new Map(),
    warnings: [],
  };
};

beforeEach(() => {
  renderer.calls = [];
  renderer.answer = () => {
    throw new Error("not rendered in this test");
  };
});

describe("an environment's release, rendered", () => {
  it("asks Helm for the environment's release, namespace and values on an AKS cluster, and lists what it creates", () => {
    const pkg = packageOf("1.18.0");
    renderer.answer = () => rendered(pkg.digest);
    const values = environmentHelmValues(spec, settings);
    const listing = listReleaseObjects(pkg, spec, values);
    expect(renderer.calls).toEqual([{
      chart: pkg.bytes,
      values,
      releaseName: "airflow",
      namespace: "airflow",
      kubeVersion: AKS_KUBE_VERSION,
      apiVersions: AKS_API_VERSIONS,
    }]);
    expect(listing).toEqual({
      status: "listed",
      chart: { version: "1.18.0", digest: pkg.digest },
      objects: [
        { kind: "ServiceAccount", name: "airflow-scheduler", category: "access", digest: hex16 },
        // The stub's Deployment has no pod template: no images, no replicas.
        { kind: "Deployment", name: "airflow-scheduler", category: "workloads", digest: hex16, workload: { images: [] } },
        { kind: "Job", name: "airflow-run-airflow-migrations", category: "workloads", digest: hex16 },
        { kind: "Job", name: "airflow-create-user", category: "jobs", hook: { events: ["post-install", "post-upgrade"], weight: 2 }, digest: hex16 },
      ],
      notes: "Thank you for installing Apache Airflow",
    });
    // Cached by the package's digest and the request: the page asks again for free.
    expect(listReleaseObjects(pkg, spec, values)).toBe(listing);
    expect(renderer.calls).toHaveLength(1);
    expect(listReleaseObjects(pkg, spec, { ...values, executor: "LocalExecutor" })).not.toBe(listing);
    expect(renderer.calls).toHaveLength(2);
  });

  it("digests each object (a Secret by its keys only) and names a StatefulSet's claims as Kubernetes does", () => {
    const pkg = packageOf("1.18.0");
    const secret = (value: string) => ({ template: "t", apiVersion: "v1", kind: "Secret", name: "s", content: "", document: { kind: "Secret", data: { password: value } } });
    const set = {
      template: "t",
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      name: "airflow-worker",
      content: "",
      document: { kind: "StatefulSet", spec: { replicas: 2, volumeClaimTemplates: [{ metadata: { name: "logs" } }] } },
    };
    const answer = (password: string): ChartRender => ({ ...rendered(pkg.digest), objects: [secret(password), set], hooks: [] });
    renderer.answer = () => answer("one");
    const first = listReleaseObjects(pkg, spec, { run: 1 });
    renderer.answer = () => answer("two");
    const second = listReleaseObjects(pkg, spec, { run: 2 });
    if (first.status !== "listed" || second.status !== "listed") throw new Error("not listed");
    // A Secret whose value alone differs digests the same: a what-if never tells a secret apart.
    expect(second.objects[0]!.digest).toBe(first.objects[0]!.digest);
    expect(first.objects[1]).toMatchObject({ kind: "StatefulSet", claims: ["logs-airflow-worker-0", "logs-airflow-worker-1"] });
    expect(first.objects[1]!.digest).not.toBe(first.objects[0]!.digest);
  });

  it("passes Helm's refusal on in Helm's words, named after the chart", () => {
    const pkg = packageOf("1.18.0");
    renderer.answer = () => {
      throw new ChartRefusedError("execution error at (airflow/templates/check-values.yaml:2:4): no Celery here");
    };
    const listing = listReleaseObjects(pkg, { ...spec, executor: "CeleryExecutor" }, { executor: "CeleryExecutor" });
    expect(listing).toEqual({
      status: "refused",
      chart: { version: "1.18.0", digest: pkg.digest },
      message: "execution error at (airflow/templates/check-values.yaml:2:4): no Celery here",
    });
    expect(refusalMessage(listing as Extract<typeof listing, { status: "refused" }>)).toBe(
      "Chart airflow 1.18.0 refuses these settings: execution error at (airflow/templates/check-values.yaml:2:4): no Celery here",
    );
  });

  it("says a package without templates cannot be listed, without rendering it", () => {
    expect(listReleaseObjects(packageOf("1.16.0"), { ...spec, chartVersion: "1.16.0" }, {})).toEqual({
      status: "unlisted",
      reason: "no-templates",
      message: "The repository's package of chart airflow 1.16.0 has no templates, so the objects it creates cannot be listed.",
    });
    expect(renderer.calls).toEqual([]);
  });

  it("tells a renderer failure apart from Helm refusing the values", () => {
    vi.spyOn(console, "error").mockImplementationOnce(() => undefined);
    renderer.answer = () => {
      throw new TypeError("unsupported function: lookup");
    };
    const listing = listReleaseObjects(packageOf("1.18.0"), spec, { executor: "anything else" });
    expect(listing).toMatchObject({ status: "unlisted", reason: "renderer", message: expect.stringContaining("unsupported function: lookup") });
  });

  it("says so when the repository cannot be read, and renders nothing", async () => {
    const listing = await renderAirflowRelease(spec, { ...settings, helmRepositoryUrl: "http://127.0.0.1:1/charts" });
    expect(listing).toMatchObject({ status: "unlisted", reason: "repository", message: expect.stringMatching(/^The chart repository http:\/\/127\.0\.0\.1:1\/charts could not be read: GET/) });
    expect(renderer.calls).toEqual([]);
  });
});

describe("a workload's shape, as drift compares it", () => {
  it("is a Deployment's or StatefulSet's replicas and images, init containers first; nothing for other kinds", async () => {
    const { workloadShape } = await import("./airflow-release");
    const pod = { initContainers: [{ image: "apache/airflow:3.2.2" }], containers: [{ image: "apache/airflow:3.2.2" }, { image: "registry.k8s.io/git-sync/git-sync:v4.4.0" }] };
    expect(workloadShape("Deployment", { spec: { replicas: 1, template: { spec: pod } } })).toEqual({
      replicas: 1,
      images: ["apache/airflow:3.2.2", "apache/airflow:3.2.2", "registry.k8s.io/git-sync/git-sync:v4.4.0"],
    });
    expect(workloadShape("StatefulSet", { spec: { template: { spec: { containers: [{ image: "redis:7" }] } } } })).toEqual({ images: ["redis:7"] });
    expect(workloadShape("Service", { spec: {} })).toBeUndefined();
  });
});
