import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { kubectls } from "./kubectl-tools.js";
import { eventually, request, startTestEmulator, type TestEmulator } from "./support.js";

const run = promisify(execFile);

type Meta = KubernetesObject & { metadata: { deletionTimestamp?: Date | string; finalizers?: string[]; generation?: number } };

let env: TestEmulator;
let core: CoreV1Api;
let objects: KubernetesObjectApi;
let dir: string;
/** A DELETE as kubectl sends it, read raw: client-node decodes every delete answer as a Status and would hide the object. */
let rawDelete: (path: string) => Promise<Meta>;

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) return { code: err.code, body: JSON.parse(err.body as string) as Record<string, unknown> };
    throw err;
  }
  return { code: 0, body: {} };
};
const hrRef = (namespace: string) => ({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace } });

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-delete", "aks-delete");
  await provisionDatabase(env, "rg-delete", "aks-delete");
  core = cluster.kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  const server = cluster.kc.getCurrentCluster()?.server ?? "";
  const token = cluster.kc.getCurrentUser()?.token ?? "";
  rawDelete = async (p) => JSON.parse((await request(`${server}${p}`, { ca: env.ca, method: "DELETE", headers: { authorization: `Bearer ${token}` } })).text) as Meta;
  dir = mkdtempSync(path.join(os.tmpdir(), "delete-test-"));
  writeFileSync(path.join(dir, "kubeconfig"), cluster.kubeconfigYaml);
});
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function readyRelease(namespace: string) {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const secret of airflowSecrets(namespace)) await objects.create(secret);
  await objects.create(helmRepository(namespace));
  await objects.create(helmRelease(airflowValues("LocalExecutor"), "airflow", namespace));
  return eventually(async () => {
    const hr = await objects.read<Meta & { status?: { conditions?: { type: string; status: string }[] } }>(hrRef(namespace));
    return hr.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? hr : undefined;
  });
}

describe("graceful deletion", () => {
  it("keeps an object with a finalizer, marked for deletion, until the finalizer is removed", async () => {
    await core.createNamespace({ body: { metadata: { name: "fin" } } });
    await core.createNamespacedConfigMap({ namespace: "fin", body: { metadata: { name: "held", finalizers: ["example.com/hold"] }, data: { a: "1" } } });
    const answer = await rawDelete("/api/v1/namespaces/fin/configmaps/held");
    // The API server answers with the object, not a Status, when it is not gone at once.
    expect(answer.kind).toBe("ConfigMap");
    expect(answer.metadata.deletionTimestamp).toBeTruthy();
    const still = await core.readNamespacedConfigMap({ name: "held", namespace: "fin" });
    expect(still.metadata?.deletionTimestamp).toBeTruthy();

    const added = await failure(core.patchNamespacedConfigMap({ name: "held", namespace: "fin", body: { metadata: { finalizers: ["example.com/hold", "example.com/more"] } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)));
    expect(added.code).toBe(422);
    expect(JSON.stringify(added.body)).toContain("no new finalizers can be added if the object is being deleted");

    await core.patchNamespacedConfigMap({ name: "held", namespace: "fin", body: [{ op: "remove", path: "/metadata/finalizers" }] });
    expect((await failure(core.readNamespacedConfigMap({ name: "held", namespace: "fin" }))).code).toBe(404);
  });

  it("keeps a HelmRelease with Flux's finalizer until Flux has uninstalled it", async () => {
    const ready = await readyRelease("hrdel");
    expect(ready.metadata.finalizers).toContain("finalizers.fluxcd.io");
    await env.control("PATCH", "latencies", { helmRelease: 800 });
    try {
      await objects.delete(hrRef("hrdel"));
      const deleting = await objects.read<Meta>(hrRef("hrdel"));
      expect(deleting.metadata.deletionTimestamp).toBeTruthy();
      expect(deleting.metadata.generation).toBe((ready.metadata.generation ?? 0) + 1);
      expect((await core.listNamespacedService({ namespace: "hrdel" })).items.length).toBeGreaterThan(0);
      await eventually(async () => ((await failure(objects.read(hrRef("hrdel")))).code === 404 ? true : undefined), 10_000, "the release to go");
      expect((await core.listNamespacedService({ namespace: "hrdel" })).items).toEqual([]);
    } finally {
      await env.control("PATCH", "latencies", { helmRelease: 50 });
    }
  });

  it("keeps a namespace Terminating while its content goes, refusing new content", async () => {
    await readyRelease("nsdel");
    await env.control("PATCH", "latencies", { namespaceTermination: 1000, helmRelease: 600 });
    try {
      const answer = await rawDelete("/api/v1/namespaces/nsdel");
      expect(answer.metadata.deletionTimestamp).toBeTruthy();
      expect((await core.readNamespace({ name: "nsdel" })).status?.phase).toBe("Terminating");
      const refused = await failure(core.createNamespacedConfigMap({ namespace: "nsdel", body: { metadata: { name: "late" } } }));
      expect(refused.code).toBe(403);
      expect(refused.body).toMatchObject({ reason: "Forbidden", details: { causes: [{ reason: "NamespaceTerminating", field: "metadata.namespace" }] } });
      // The release is being uninstalled, held by its finalizer.
      expect((await objects.read<Meta>(hrRef("nsdel"))).metadata.deletionTimestamp).toBeTruthy();
      await eventually(async () => ((await failure(core.readNamespace({ name: "nsdel" }))).code === 404 ? true : undefined), 10_000, "the namespace to go");
      expect((await failure(objects.read(hrRef("nsdel")))).code).toBe(404);
    } finally {
      await env.control("PATCH", "latencies", { namespaceTermination: 50, helmRelease: 50 });
    }
  });

  it.each(kubectls())("kubectl 1.$minor delete waits until a HelmRelease is really gone", async ({ bin, minor }) => {
    const namespace = `kd${minor}`;
    await readyRelease(namespace);
    await env.control("PATCH", "latencies", { helmRelease: 1000 });
    try {
      const started = Date.now();
      const { stdout } = await run(bin, ["--kubeconfig", path.join(dir, "kubeconfig"), "--cache-dir", path.join(dir, `cache-${minor}`), "delete", "helmrelease", "airflow", "-n", namespace, "--timeout=30s"], { timeout: 40_000 });
      expect(stdout).toMatch(/deleted/);
      expect(Date.now() - started).toBeGreaterThan(800);
      expect((await failure(objects.read(hrRef(namespace)))).code).toBe(404);
    } finally {
      await env.control("PATCH", "latencies", { helmRelease: 50 });
    }
  });
});
