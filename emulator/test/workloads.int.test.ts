import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { kubectls } from "./kubectl-tools.js";
import { chartSchema, eventually, needs, startTestEmulator, type TestEmulator } from "./support.js";

const run = promisify(execFile);
type Conditioned = KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } };

let env: TestEmulator;
let core: CoreV1Api;
let apps: AppsV1Api;
let objects: KubernetesObjectApi;
let dir: string;
const tools = kubectls();

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-work", "aks-work");
  await provisionDatabase(env, "rg-work", "aks-work");
  core = cluster.kc.makeApiClient(CoreV1Api);
  apps = cluster.kc.makeApiClient(AppsV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  dir = mkdtempSync(path.join(os.tmpdir(), "workloads-test-"));
  writeFileSync(path.join(dir, "kubeconfig"), cluster.kubeconfigYaml);
});
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const kube = async (bin: string, minor: number, ...args: string[]) => {
  try {
    return (await run(bin, ["--kubeconfig", path.join(dir, "kubeconfig"), "--cache-dir", path.join(dir, `cache-${minor}`), ...args], { timeout: 30_000 })).stdout;
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    // kubectl diff exits 1 when there are differences.
    if (e.code === 1 && args[0] === "diff" && e.stdout) return e.stdout;
    throw new Error(`kubectl ${args.join(" ")}: ${e.stderr ?? String(err)}`);
  }
};

/** Installs a release; without `secrets` the portal's Secrets are missing and the pods cannot start. */
async function install(namespace: string, values: Record<string, unknown>, wantReady: boolean, secrets = true) {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  if (secrets) for (const secret of airflowSecrets(namespace)) await objects.create(secret);
  await objects.create(helmRepository(namespace));
  await objects.create(helmRelease(values, "airflow", namespace));
  await eventually(async () => {
    const hr = await objects.read<Conditioned>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace } });
    return hr.status?.conditions?.some((c) => c.type === "Ready" && c.status === (wantReady ? "True" : "False")) ? hr : undefined;
  }, 30_000, `the release in ${namespace}`);
}

describe("the cluster's Nodes", () => {
  it("has one Ready Node per agent pool VM, named as AKS names them", async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes.map((n) => n.metadata?.name)).toEqual([expect.stringMatching(/^aks-system-\d{8}-vmss000000$/), expect.stringMatching(/^aks-system-\d{8}-vmss000001$/)]);
    expect(nodes.every((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))).toBe(true);
    expect(nodes[0]?.metadata?.labels?.agentpool).toBe("system");
    expect(nodes[0]?.status?.nodeInfo?.kubeletVersion).toBe("v1.32.5");
  });

  it.each(tools)("kubectl 1.$minor get nodes shows them Ready", async ({ bin, minor }) => {
    expect(await kube(bin, minor, "get", "nodes")).toMatch(/^aks-system-\d{8}-vmss000000\s+Ready\s+agent\s+\S+\s+v1\.32\.5$/m);
  });
});

describe("an installed release's workloads", () => {
  it("has the chart's Deployments, StatefulSets and Ready Pods for a Celery release", async () => {
    await install("celery", airflowValues("CeleryExecutor"), true);
    const deployments = (await apps.listNamespacedDeployment({ namespace: "celery" })).items;
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual(["airflow-api-server", "airflow-dag-processor", "airflow-pgbouncer", "airflow-scheduler", "airflow-statsd"]);
    expect(deployments.every((d) => d.status?.availableReplicas === 1 && d.status.conditions?.some((c) => c.type === "Available" && c.status === "True"))).toBe(true);
    const sets = (await apps.listNamespacedStatefulSet({ namespace: "celery" })).items;
    expect(sets.map((s) => s.metadata?.name).sort()).toEqual(["airflow-redis", "airflow-triggerer", "airflow-worker"]);
    // The workloads' pods; the migration Job's pod has finished (and goes with the Job, after its TTL).
    const all = (await core.listNamespacedPod({ namespace: "celery", labelSelector: "release=airflow" })).items;
    const pods = all.filter((p) => p.metadata?.ownerReferences?.[0]?.kind !== "Job");
    expect(pods).toHaveLength(8);
    expect(pods.map((p) => p.metadata?.name)).toContain("airflow-worker-0");
    expect(pods.every((p) => p.status?.phase === "Running" && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"))).toBe(true);
    expect(pods.every((p) => p.spec?.nodeName?.startsWith("aks-system-"))).toBe(true);
  });

  it.each(tools)("kubectl 1.$minor get deploy,pods reads as a person expects", async ({ bin, minor }) => {
    const out = await kube(bin, minor, "get", "deploy,pods", "-n", "celery");
    expect(out).toMatch(/^deployment\.apps\/airflow-scheduler\s+1\/1\s+1\s+1\s/m);
    expect(out).toMatch(/^pod\/airflow-scheduler-[a-z0-9]{10}-[a-z0-9]{5}\s+2\/2\s+Running\s+0\s/m);
    expect(out).toMatch(/^pod\/airflow-worker-0\s+2\/2\s+Running/m);
  });

  it("leaves the workloads not Ready when the Secrets their pods read are missing", async () => {
    await install("broken", airflowValues("LocalExecutor"), false, false);
    const scheduler = await apps.readNamespacedStatefulSet({ name: "airflow-scheduler", namespace: "broken" });
    expect(scheduler.status?.readyReplicas ?? 0).toBe(0);
    const api = await apps.readNamespacedDeployment({ name: "airflow-api-server", namespace: "broken" });
    expect(api.status?.conditions?.find((c) => c.type === "Available")?.status).toBe("False");
    const pod = await core.readNamespacedPod({ name: "airflow-scheduler-0", namespace: "broken" });
    expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
    expect(pod.status?.initContainerStatuses?.[0]?.state?.waiting).toEqual({ reason: "CreateContainerConfigError", message: 'secret "airflow-fernet-key" not found' });
  });

  it("has none when the chart's schema refuses the values (Helm renders nothing)", async (ctx) => {
    needs(chartSchema, ctx);
    await install("refused", airflowValues("Kubernetes"), false);
    expect((await apps.listNamespacedDeployment({ namespace: "refused" })).items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: "refused" })).items).toEqual([]);
  });

  it("goes with the release", async () => {
    await objects.delete({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "broken" } });
    await eventually(async () => ((await apps.listNamespacedDeployment({ namespace: "broken" })).items.length === 0 ? true : undefined), 10_000, "the workloads to go");
    expect((await core.listNamespacedPod({ namespace: "broken" })).items).toEqual([]);
  });
});

describe.each(tools)("kubectl 1.$minor diff", ({ bin, minor }) => {
  it("shows what an apply would change, for a built-in kind and a HelmRelease", async () => {
    const file = path.join(dir, `diff-${minor}.yaml`);
    const ns = `diff${minor}`;
    const manifest = (executor: string, mode: string) =>
      [{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: ns }, data: { mode } }, helmRepository(ns), helmRelease(airflowValues(executor), "airflow", ns)]
        .map((o) => dump(o))
        .join("---\n");
    writeFileSync(file, manifest("LocalExecutor", "demo"));
    await kube(bin, minor, "apply", "-f", file);
    writeFileSync(file, manifest("CeleryExecutor", "prod"));
    const out = await kube(bin, minor, "diff", "-f", file);
    expect(out).toMatch(/^-\s+mode: demo$/m);
    expect(out).toMatch(/^\+\s+mode: prod$/m);
    expect(out).toMatch(/^\+\s+executor: CeleryExecutor$/m);
    // A dry run: nothing changed on the cluster.
    expect((await core.readNamespacedConfigMap({ name: "settings", namespace: ns })).data?.mode).toBe("demo");
  });
});
