import { BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { provisionCluster } from "@/emulator/test/cluster-setup";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import { emulatorStepContext, testEngineConfig, testEnvironment } from "@/scripts/test-support/provisioning-steps";
import { deleteFinishedJobs, deleteLeftBehindDisks } from "./disks";

/**
 * A change's clean-up steps against an emulated cluster: the claims its what-if listed are deleted
 * (one already gone is fine, others are left alone), and the release's finished Jobs make way for
 * the new release's while its unfinished ones and other releases' are kept. Each run twice.
 */
let emulator: TestEmulator;
let core: CoreV1Api;
let batch: BatchV1Api;
const env = testEnvironment("cleanup");
const namespace = env.names.namespace;

const claim = (name: string) => ({
  metadata: { name },
  spec: { accessModes: ["ReadWriteOnce"], storageClassName: "managed-csi", resources: { requests: { storage: "4Gi" } } },
});
const job = (name: string, release: string) => ({
  metadata: { name, labels: { release, component: "run-airflow-migrations" } },
  spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: "apache/airflow:3.2.2" }] } } },
});

beforeAll(async () => {
  emulator = await startTestEmulator();
  const { kc } = await provisionCluster(emulator, env.names.resourceGroup, env.names.cluster, false, { aadProfile: { managed: true, adminGroupObjectIDs: [PLATFORM_ADMINS_GROUP_ID] } });
  core = kc.makeApiClient(CoreV1Api);
  batch = kc.makeApiClient(BatchV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
}, 60_000);
afterAll(() => emulator?.close());

describe("a change's clean-up", () => {
  it("deletes exactly the claims the approved what-if listed", async () => {
    for (const name of ["redis-db-airflow-redis-0", "logs-airflow-worker-0", "logs-airflow-triggerer-0"]) {
      await core.createNamespacedPersistentVolumeClaim({ namespace, body: claim(name) });
    }
    const change = { operationId: "00000000-0000-4000-8000-000000000001", disks: ["redis-db-airflow-redis-0", "logs-airflow-worker-0", "logs-airflow-worker-1"], upgrade: null };
    const h = emulatorStepContext(emulator, SUBSCRIPTION, { ...env, change }, testEngineConfig(PLATFORM_ADMINS_GROUP_ID));
    await deleteLeftBehindDisks(h.ctx);
    const left = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items.filter((c) => !c.metadata?.deletionTimestamp).map((c) => c.metadata!.name);
    expect(left).toEqual(["logs-airflow-triggerer-0"]);
    expect(h.logs).toContain("Claim logs-airflow-worker-1 was already gone");
    // Run again (a resumed change): nothing left to delete, nothing else touched.
    await deleteLeftBehindDisks(h.ctx);
    expect((await core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((c) => c.metadata!.name)).toContain("logs-airflow-triggerer-0");
  });

  it("deletes the release's finished Jobs only", async () => {
    await batch.createNamespacedJob({ namespace, body: job("airflow-run-airflow-migrations", env.names.helmRelease) });
    await batch.createNamespacedJob({ namespace, body: job("other-run-airflow-migrations", "other") });
    const finished = async (name: string) => ((await batch.readNamespacedJob({ name, namespace })).status?.succeeded ?? 0) > 0;
    const deadline = Date.now() + 30_000;
    while (!(await finished("airflow-run-airflow-migrations")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await finished("airflow-run-airflow-migrations")).toBe(true);

    const h = emulatorStepContext(emulator, SUBSCRIPTION, env, testEngineConfig(PLATFORM_ADMINS_GROUP_ID));
    expect(await deleteFinishedJobs(h.ctx)).toEqual({ deleted: ["airflow-run-airflow-migrations"] });
    const names = async () => (await batch.listNamespacedJob({ namespace })).items.filter((j) => !j.metadata?.deletionTimestamp).map((j) => j.metadata!.name);
    expect(await names()).toEqual(["other-run-airflow-migrations"]);
    expect(await deleteFinishedJobs(h.ctx)).toEqual({ deleted: [] });
  });
});
