import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CoreV1Api, KubeConfig, makeInformer, Watch, type KubernetesObject, type V1ConfigMap } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { kubectls } from "./kubectl-tools.js";
import { eventually, startTestEmulator, type TestEmulator } from "./support.js";

const run = promisify(execFile);

let env: TestEmulator;
let kc: KubeConfig;
let core: CoreV1Api;
let dir: string;

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-watch", "aks-watch");
  await provisionDatabase(env, "rg-watch", "aks-watch");
  kc = cluster.kc;
  core = kc.makeApiClient(CoreV1Api);
  dir = mkdtempSync(path.join(os.tmpdir(), "watch-test-"));
  writeFileSync(path.join(dir, "kubeconfig"), cluster.kubeconfigYaml);
  await core.createNamespace({ body: { metadata: { name: "w" } } });
});
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Seen = { type: string; obj: KubernetesObject & { code?: number; reason?: string } };

/** Runs client-node's Watch until `stop` says enough, collecting every event. */
async function watchUntil(path: string, params: Record<string, string | number | boolean | undefined>, act: () => Promise<void>, stop: (seen: Seen[]) => boolean) {
  const seen: Seen[] = [];
  let ended = false;
  const request = await new Watch(kc).watch(path, params, (type, obj: Seen["obj"]) => void seen.push({ type, obj }), () => void (ended = true));
  await act();
  await eventually(() => stop(seen) || ended, 10_000, "watch events");
  request.abort();
  return { seen, ended };
}

describe("watch", () => {
  it("streams ADDED, MODIFIED and DELETED from a resourceVersion to client-node's Watch", async () => {
    const list = await core.listNamespacedConfigMap({ namespace: "w" });
    const from = list.metadata?.resourceVersion;
    const { seen } = await watchUntil(
      "/api/v1/namespaces/w/configmaps",
      { resourceVersion: from },
      async () => {
        await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "c1" }, data: { a: "1" } } });
        await core.patchNamespacedConfigMap({ name: "c1", namespace: "w", body: [{ op: "replace", path: "/data/a", value: "2" }] });
        await core.deleteNamespacedConfigMap({ name: "c1", namespace: "w" });
      },
      (s) => s.some((e) => e.type === "DELETED"),
    );
    expect(seen.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    expect((seen[1]?.obj as V1ConfigMap).data).toEqual({ a: "2" });
    const rvs = seen.map((e) => Number(e.obj.metadata?.resourceVersion));
    expect(rvs[0]).toBeGreaterThan(Number(from));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
  });

  it("starts with the current objects when no resourceVersion is given, filtered by label", async () => {
    await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "kept", labels: { app: "x" } } } });
    await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "other" } } });
    const { seen } = await watchUntil(
      "/api/v1/namespaces/w/configmaps",
      { labelSelector: "app=x" },
      async () => {
        // Leaving the selection is a DELETED for this watch, as the API server reports it.
        await core.patchNamespacedConfigMap({ name: "kept", namespace: "w", body: [{ op: "remove", path: "/metadata/labels/app" }] });
      },
      (s) => s.some((e) => e.type === "DELETED"),
    );
    expect(seen.map((e) => `${e.type} ${e.obj.metadata?.name}`)).toEqual(["ADDED kept", "DELETED kept"]);
  });

  it("answers a resourceVersion it no longer holds with 410 Expired", async () => {
    const { seen, ended } = await watchUntil("/api/v1/namespaces/w/configmaps", { resourceVersion: "1" }, async () => {}, (s) => s.length > 0);
    expect(seen[0]).toMatchObject({ type: "ERROR", obj: { kind: "Status", code: 410, reason: "Expired" } });
    await eventually(() => ended || undefined, 5_000, "the stream to end");
  });

  it("sends a BOOKMARK before timing out when bookmarks are allowed", async () => {
    const rv = (await core.listNamespacedConfigMap({ namespace: "w" })).metadata?.resourceVersion;
    const { seen, ended } = await watchUntil("/api/v1/namespaces/w/configmaps", { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 1 }, async () => {}, () => false);
    expect(ended).toBe(true);
    expect(seen.map((e) => e.type)).toEqual(["BOOKMARK"]);
    expect(Number(seen[0]?.obj.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
  });

  it("keeps a client-node informer in step", async () => {
    const informer = makeInformer(kc, "/api/v1/namespaces/w/secrets", () => core.listNamespacedSecret({ namespace: "w" }));
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on("add", (s) => added.push(s.metadata?.name ?? ""));
    informer.on("delete", (s) => deleted.push(s.metadata?.name ?? ""));
    await informer.start();
    try {
      await core.createNamespacedSecret({ namespace: "w", body: { metadata: { name: "s1" }, stringData: { k: "v" } } });
      await eventually(() => added.includes("s1") || undefined, 10_000, "the informer's add");
      await core.deleteNamespacedSecret({ name: "s1", namespace: "w" });
      await eventually(() => deleted.includes("s1") || undefined, 10_000, "the informer's delete");
    } finally {
      await informer.stop();
    }
  });
});

const tools = kubectls();

describe.each(tools)("kubectl 1.$minor watches", ({ bin, minor }) => {
  const args = (...rest: string[]) => ["--kubeconfig", path.join(dir, "kubeconfig"), "--cache-dir", path.join(dir, `cache-${minor}`), ...rest];

  it("get -w prints a new object as it appears", async () => {
    const child = spawn(bin, args("get", "configmaps", "-n", "w", "-w", "--request-timeout=0"), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    try {
      await eventually(() => /^other\s/m.test(out) || undefined, 15_000, `kubectl's first listing (${err})`);
      await core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: `appears-${minor}` } } });
      await eventually(() => new RegExp(`^appears-${minor}\\s`, "m").test(out) || undefined, 15_000, `the watched object (${out}${err})`);
      expect(out).toMatch(/^NAME\s/m);
    } finally {
      child.kill();
    }
  });

  it("wait --for=condition=Ready returns when the HelmRelease becomes Ready", async () => {
    const ns = `hr${minor}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const { KubernetesObjectApi } = await import("@kubernetes/client-node");
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await env.control("PATCH", "latencies", { helmRelease: 1500 });
    for (const secret of airflowSecrets(ns)) await objects.create(secret);
    await objects.create(helmRepository(ns));
    await objects.create(helmRelease(airflowValues("LocalExecutor"), "airflow", ns));
    const started = Date.now();
    const { stdout } = await run(bin, args("wait", "--for=condition=Ready", "helmrelease/airflow", "-n", ns, "--timeout=30s"), { timeout: 40_000 });
    expect(stdout).toMatch(/condition met/);
    expect(Date.now() - started).toBeGreaterThan(500);
    await env.control("PATCH", "latencies", { helmRelease: 50 });
  });
});
