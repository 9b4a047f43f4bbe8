import { BatchV1Api, CoreV1Api, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { eventually, startTestEmulator, type TestEmulator } from "./support.js";

type Condition = { type: string; status: string; reason: string; message: string };
type Hr = KubernetesObject & { metadata: { resourceVersion?: string }; status?: { conditions?: Condition[]; history?: { status: string }[] } };

let env: TestEmulator;
let core: CoreV1Api;
let batch: BatchV1Api;
let objects: KubernetesObjectApi;

const read = (namespace: string) => objects.read<Hr>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace } });
const cond = (hr: Hr, type: string) => hr.status?.conditions?.find((c) => c.type === type);
const settled = (namespace: string, status: string) => eventually(async () => ((await read(namespace)).status?.conditions?.some((c) => c.type === "Ready" && c.status === status) ? read(namespace) : undefined), 30_000, `Ready=${status}`);

async function setUp(namespace: string, release: object, withRepository = true) {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const secret of airflowSecrets(namespace)) await objects.create(secret);
  if (withRepository) await objects.create(helmRepository(namespace));
  await objects.create(release);
}

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-fv", "aks-fv");
  await provisionDatabase(env, "rg-fv", "aks-fv");
  core = cluster.kc.makeApiClient(CoreV1Api);
  batch = cluster.kc.makeApiClient(BatchV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
});
afterAll(() => env?.close());

describe("Flux's values and remediation", () => {
  it("is Ready=False / ValuesError while a valuesFrom Secret is missing, and installs with its values once it exists", async () => {
    const hr = helmRelease(airflowValues("LocalExecutor", { executor: undefined }), "airflow", "vf");
    await setUp("vf", { ...hr, spec: { ...hr.spec, valuesFrom: [{ kind: "Secret", name: "airflow-values" }] } });
    const waiting = await settled("vf", "False");
    expect(cond(waiting, "Ready")).toMatchObject({ reason: "ValuesError", message: `could not resolve Secret chart values reference 'vf/airflow-values' with key 'values.yaml': secrets "airflow-values" not found` });

    await core.createNamespacedSecret({ namespace: "vf", body: { metadata: { name: "airflow-values" }, stringData: { "values.yaml": dump({ executor: "CeleryExecutor" }) } } });
    await settled("vf", "True");
    const services = (await core.listNamespacedService({ namespace: "vf" })).items.map((s) => s.metadata?.name);
    expect(services).toContain("airflow-worker");
  });

  it("takes a null value as Helm does: the key is removed, the chart's default with it", async () => {
    // The chart leaves a Job without a TTL when the value is absent: the null takes away its default of 300.
    const job = { useHelmHooks: false, applyCustomEnv: false, ttlSecondsAfterFinished: null };
    await setUp("nulls", helmRelease({ ...airflowValues("LocalExecutor"), migrateDatabaseJob: job }, "airflow", "nulls"));
    const ready = await settled("nulls", "True");
    expect(cond(ready, "Ready")?.reason).toBe("InstallSucceeded");
    const migrations = await batch.readNamespacedJob({ name: "airflow-run-airflow-migrations", namespace: "nulls" });
    expect(migrations.spec?.ttlSecondsAfterFinished).toBeUndefined();

    // Without an executor the chart's templates fail, in Helm's words.
    await setUp("nonull", helmRelease({ ...airflowValues("LocalExecutor"), executor: null }, "airflow", "nonull"));
    const refused = await settled("nonull", "False");
    expect(cond(refused, "Ready")?.message).toMatch(/at <\.Values\.executor>: wrong type for value; expected string; got interface \{\}$/);
  });

  it("is Stalled / RetriesExceeded after a failed install without retries", async () => {
    await env.control("POST", "faults", { type: "helmInstallFailed", message: "context deadline exceeded", match: { name: "airflow" }, count: 1 });
    await setUp("stall", helmRelease(airflowValues("LocalExecutor"), "airflow", "stall"));
    const failed = await settled("stall", "False");
    expect(cond(failed, "Ready")?.reason).toBe("InstallFailed");
    expect(cond(failed, "Stalled")).toMatchObject({ status: "True", reason: "RetriesExceeded", message: "Failed to install after 1 attempt(s)" });
  });

  it("retries a failed install while install.remediation.retries allows", async () => {
    await env.control("POST", "faults", { type: "helmInstallFailed", message: "context deadline exceeded", match: { name: "airflow" }, count: 1 });
    const hr = helmRelease(airflowValues("LocalExecutor"), "airflow", "retry");
    await setUp("retry", { ...hr, spec: { ...hr.spec, install: { remediation: { retries: 2 } } } });
    const ready = await settled("retry", "True");
    // The failed attempt and the one that worked, newest first.
    expect(ready.status?.history?.map((h) => h.status)).toEqual(["deployed", "failed"]);
    expect(cond(ready, "Stalled")).toBeUndefined();
  });

  it("stays Ready=False without churning its resourceVersion while its source is missing", async () => {
    await setUp("nosource", helmRelease(airflowValues("LocalExecutor"), "airflow", "nosource"), false);
    const first = await settled("nosource", "False");
    expect(cond(first, "Ready")?.reason).toBe("SourceNotReady");
    await new Promise((r) => setTimeout(r, 600));
    const later = await read("nosource");
    expect(later.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(cond(later, "Ready")?.status).toBe("False");
  });
});
