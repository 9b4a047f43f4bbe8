import { ApiException, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { eventually, startTestEmulator, type TestEmulator } from "./support.js";

type Status = { code: number; reason?: string; message?: string; details?: { causes?: { field: string; message: string; reason: string }[] } };
type Hr = ReturnType<typeof helmRelease> & { metadata: { resourceVersion?: string; generation?: number }; status?: { conditions?: { type: string; status: string }[] } };

let env: TestEmulator;
let core: CoreV1Api;
let custom: CustomObjectsApi;

const HR = { group: "helm.toolkit.fluxcd.io", version: "v2", namespace: "val", plural: "helmreleases" };

async function refusal(promise: Promise<unknown>): Promise<Status> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) return JSON.parse(err.body as string) as Status;
    throw err;
  }
  return { code: 0 };
}

const withChartSpec = (name: string, chartSpec: Record<string, unknown>) => {
  const hr = helmRelease(airflowValues("LocalExecutor"), name, "val");
  return { ...hr, spec: { ...hr.spec, chart: { spec: { ...hr.spec.chart.spec, ...chartSpec } } } };
};

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-val", "aks-val");
  await provisionDatabase(env, "rg-val", "aks-val");
  core = cluster.kc.makeApiClient(CoreV1Api);
  custom = cluster.kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: "val" } } });
  for (const secret of airflowSecrets("val")) await core.createNamespacedSecret({ namespace: "val", body: secret });
  await custom.createNamespacedCustomObject({ group: "source.toolkit.fluxcd.io", version: "v1", namespace: "val", plural: "helmrepositories", body: helmRepository("val") });
});
afterAll(() => env?.close());

describe("custom resources validated by their CRD's structural schema", () => {
  it("refuses a HelmRelease whose sourceRef lacks its kind, naming the field", async () => {
    const status = await refusal(custom.createNamespacedCustomObject({ ...HR, body: withChartSpec("nokind", { sourceRef: { name: "apache-airflow" } }) }));
    expect(status).toMatchObject({ code: 422, reason: "Invalid" });
    expect(status.details?.causes).toContainEqual(expect.objectContaining({ field: "spec.chart.spec.sourceRef.kind", reason: "FieldValueRequired" }));
  });

  it("refuses a field of the wrong type or outside its enum", async () => {
    const typed = await refusal(custom.createNamespacedCustomObject({ ...HR, body: withChartSpec("badtype", { sourceRef: { kind: 7, name: "apache-airflow" } }) }));
    expect(typed.code).toBe(422);
    expect(typed.message).toContain("spec.chart.spec.sourceRef.kind in body must be of type string");
    const enumed = await refusal(custom.createNamespacedCustomObject({ ...HR, body: withChartSpec("badenum", { sourceRef: { kind: "OCIRepository", name: "apache-airflow" } }) }));
    expect(enumed.details?.causes?.[0]).toMatchObject({ field: "spec.chart.spec.sourceRef.kind", reason: "FieldValueNotSupported" });
  });

  it("prunes unknown fields and fills in the schema's defaults", async () => {
    const body = withChartSpec("pruned", { sourceRef: { kind: "HelmRepository", name: "apache-airflow", colour: "blue" } });
    const created = (await custom.createNamespacedCustomObject({ ...HR, body: { ...body, extra: 1, spec: { ...body.spec, bogus: true } } })) as Hr & { extra?: number; spec: { bogus?: boolean; chart: { spec: { reconcileStrategy?: string; sourceRef: { colour?: string } } } } };
    expect(created.extra).toBeUndefined();
    expect(created.spec.bogus).toBeUndefined();
    expect(created.spec.chart.spec.sourceRef.colour).toBeUndefined();
    expect(created.spec.chart.spec.reconcileStrategy).toBe("ChartVersion");
    // Helm values are free-form: kept as sent.
    expect((created.spec.values as { executor: string }).executor).toBe("LocalExecutor");
  });

  it("refuses a replace without metadata.resourceVersion; one that changes nothing keeps resourceVersion and generation", async () => {
    await custom.createNamespacedCustomObject({ ...HR, body: helmRelease(airflowValues("LocalExecutor"), "replaced", "val") });
    const ready = await eventually(async () => {
      const hr = (await custom.getNamespacedCustomObject({ ...HR, name: "replaced" })) as Hr;
      return hr.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") && hr.metadata.resourceVersion ? hr : undefined;
    });
    const unconditional = await refusal(custom.replaceNamespacedCustomObject({ ...HR, name: "replaced", body: { ...ready, metadata: { ...ready.metadata, resourceVersion: undefined } } }));
    expect(unconditional.code).toBe(422);
    expect(unconditional.details?.causes?.[0]?.field).toBe("metadata.resourceVersion");
    const same = (await custom.replaceNamespacedCustomObject({ ...HR, name: "replaced", body: ready })) as Hr;
    expect(same.metadata.resourceVersion).toBe(ready.metadata.resourceVersion);
    expect(same.metadata.generation).toBe(ready.metadata.generation);
  });
});

describe("built-in kinds' metadata and defaults", () => {
  it("refuses invalid label keys and values", async () => {
    const key = await refusal(core.createNamespace({ body: { metadata: { name: "badkey", labels: { "bad key": "x" } } } }));
    expect(key).toMatchObject({ code: 422, reason: "Invalid" });
    expect(key.message).toContain('"bad key"');
    const prefix = await refusal(core.createNamespacedConfigMap({ namespace: "val", body: { metadata: { name: "c", labels: { "Example.COM/app": "x" } } } }));
    expect(prefix.code).toBe(422);
    const value = await refusal(core.createNamespacedConfigMap({ namespace: "val", body: { metadata: { name: "c", labels: { app: "-leading-dash" } } } }));
    expect(value.code).toBe(422);
    expect((await core.createNamespacedConfigMap({ namespace: "val", body: { metadata: { name: "c", labels: { "app.kubernetes.io/name": "airflow", empty: "" } } } })).metadata?.name).toBe("c");
  });

  it("makes a Secret without a type Opaque", async () => {
    const created = await core.createNamespacedSecret({ namespace: "val", body: { metadata: { name: "untyped" }, stringData: { a: "b" } } });
    expect(created.type).toBe("Opaque");
  });
});
