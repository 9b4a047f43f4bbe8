import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowValues, helmRelease, helmRepository, provisionCluster } from "./cluster-setup.js";
import { kubectls } from "./kubectl-tools.js";
import { startTestEmulator, type TestEmulator } from "./support.js";

const run = promisify(execFile);
const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

let env: TestEmulator;
let core: CoreV1Api;
let objects: KubernetesObjectApi;
let dir: string;

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-smp", "aks-smp");
  core = cluster.kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  dir = mkdtempSync(path.join(os.tmpdir(), "smp-test-"));
  writeFileSync(path.join(dir, "kubeconfig"), cluster.kubeconfigYaml);
  await core.createNamespace({ body: { metadata: { name: "smp" } } });
});
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("strategic merge patch", () => {
  it("merges a Service's ports by port, deletes with $patch and orders with $setElementOrder", async () => {
    await core.createNamespacedService({ namespace: "smp", body: { metadata: { name: "web" }, spec: { ports: [{ name: "http", port: 80 }, { name: "metrics", port: 9090 }] } } });
    const merged = await core.patchNamespacedService({ name: "web", namespace: "smp", body: { spec: { ports: [{ port: 80, targetPort: 8080 }, { name: "https", port: 443 }] } } }, strategic);
    expect(merged.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ["http", 80, 8080],
      ["metrics", 9090, 9090],
      ["https", 443, 443],
    ]);
    const ordered = await core.patchNamespacedService(
      { name: "web", namespace: "smp", body: { spec: { "$setElementOrder/ports": [{ port: 443 }, { port: 80 }], ports: [{ port: 9090, $patch: "delete" }] } } },
      strategic,
    );
    expect(ordered.spec?.ports?.map((p) => p.port)).toEqual([443, 80]);
  });

  it("merges a Pod's containers by name and their env by name, and switches a volume's source with $retainKeys", async () => {
    await core.createNamespacedPod({
      namespace: "smp",
      body: {
        metadata: { name: "p", finalizers: ["example.com/a"] },
        spec: {
          containers: [
            { name: "app", image: "app:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] },
            { name: "sidecar", image: "side:1" },
          ],
          volumes: [{ name: "data", hostPath: { path: "/data" } }],
        },
      },
    });
    const patched = await core.patchNamespacedPod(
      {
        name: "p",
        namespace: "smp",
        body: {
          metadata: { finalizers: ["example.com/b"] },
          spec: {
            containers: [{ name: "app", env: [{ name: "B", value: "3" }, { name: "C", value: "4" }] }, { name: "sidecar", $patch: "delete" }],
            volumes: [{ name: "data", $retainKeys: ["name", "emptyDir"], emptyDir: {} }],
          },
        },
      },
      strategic,
    );
    expect(patched.metadata?.finalizers).toEqual(["example.com/a", "example.com/b"]);
    expect(patched.spec?.containers.map((c) => c.name)).toEqual(["app"]);
    expect(patched.spec?.containers[0]?.image).toBe("app:1");
    expect(patched.spec?.containers[0]?.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "3" },
      { name: "C", value: "4" },
    ]);
    expect(patched.spec?.volumes).toEqual([{ name: "data", emptyDir: {} }]);
    await core.patchNamespacedPod({ name: "p", namespace: "smp", body: { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/a", "example.com/b"] } } }, strategic);
  });

  it("answers 415 to a strategic merge patch of a custom resource, as for any CRD", async () => {
    await objects.create(helmRepository("smp"));
    await objects.create(helmRelease(airflowValues("LocalExecutor"), "airflow", "smp"));
    const code = await objects.patch({ ...helmRelease(airflowValues("CeleryExecutor"), "airflow", "smp") }, undefined, undefined, undefined, undefined, PatchStrategy.StrategicMergePatch).then(
      () => 0,
      (err: unknown) => (err instanceof ApiException ? err.code : -1),
    );
    expect(code).toBe(415);
  });

  it.each(kubectls())("kubectl 1.$minor apply of a changed Service keeps ports by port (its patch is strategic)", async ({ bin, minor }) => {
    const file = path.join(dir, `svc-${minor}.yaml`);
    const kube = (...args: string[]) => run(bin, ["--kubeconfig", path.join(dir, "kubeconfig"), "--cache-dir", path.join(dir, `cache-${minor}`), ...args], { timeout: 30_000 });
    const svc = (ports: object[]) => dump({ apiVersion: "v1", kind: "Service", metadata: { name: `k${minor}`, namespace: "smp" }, spec: { ports } });
    writeFileSync(file, svc([{ name: "a", port: 80 }, { name: "b", port: 81 }]));
    await kube("apply", "-f", file);
    // Another writer adds a field to the first port; the second apply must not wipe it, only drop port 81.
    await core.patchNamespacedService({ name: `k${minor}`, namespace: "smp", body: { spec: { ports: [{ port: 80, targetPort: 8080 }] } } }, strategic);
    writeFileSync(file, svc([{ name: "c", port: 82 }, { name: "a", port: 80 }]));
    await kube("apply", "-f", file);
    const read = await core.readNamespacedService({ name: `k${minor}`, namespace: "smp" });
    expect(read.spec?.ports?.map((p) => [p.port, p.targetPort])).toEqual([
      [82, 82],
      [80, 8080],
    ]);
  });
});
