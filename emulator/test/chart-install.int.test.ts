import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AppsV1Api, BatchV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import type { CoreV1Event, KubernetesObject, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowHelmValues } from "@/lib/helm/airflow-values";
import { airflowSecrets, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { kubectls } from "./kubectl-tools.js";
import { airflowCharts, eventually, needs, startTestEmulator, type TestEmulator } from "./support.js";

/**
 * The emulated Flux installs what the official chart renders, as helm-controller does: hooks, the
 * objects, Helm's wait for them, on a kubelet that decides readiness from the objects. Through the
 * real client-node and kubectl.
 */
type Condition = { type: string; status: string; reason: string; message: string };
type Release = KubernetesObject & { status?: { conditions?: Condition[]; observedGeneration?: number } };

const run = promisify(execFile);
const tools = kubectls();
let env: TestEmulator;
let core: CoreV1Api;
let apps: AppsV1Api;
let batch: BatchV1Api;
let objects: KubernetesObjectApi;
let dir: string;

const portalValues = (executor: "CeleryExecutor" | "LocalExecutor" | "KubernetesExecutor" = "CeleryExecutor") =>
  airflowHelmValues({ executor, airflowVersion: "3.0.2", size: "small", dagSource: null });

/** The values the portal gave before it knew better: the chart's jobs as Helm hooks. */
function oldValues() {
  const values = portalValues() as Record<string, unknown>;
  delete values.migrateDatabaseJob;
  delete values.createUserJob;
  return values;
}

const apply = (obj: object) =>
  objects.patch(obj as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
const readRelease = (namespace: string) =>
  objects.read<Release>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace } });
const ready = (hr: Release) => hr.status?.conditions?.find((c) => c.type === "Ready");

/** The portal's order: namespace, its Secrets, the repository, the release; then Flux's verdict. */
async function install(namespace: string, values: Record<string, unknown>, secrets = airflowSecrets(namespace)) {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const secret of secrets) await objects.create(secret);
  await apply(helmRepository(namespace));
  await apply(helmRelease(values, "airflow", namespace));
  return settled(namespace);
}

function settled(namespace: string, generation = 1) {
  return eventually(async () => {
    const hr = await readRelease(namespace);
    const condition = ready(hr);
    const decided = condition && condition.status !== "Unknown" && hr.status?.observedGeneration === generation;
    return decided ? { hr, ready: condition } : undefined;
  }, 30_000, `HelmRelease ${namespace}/airflow to settle`);
}

const podsOf = async (namespace: string, component: string) =>
  (await core.listNamespacedPod({ namespace, labelSelector: `component=${component}` })).items;

const kubectl = async (bin: string, minor: number, ...args: string[]) =>
  (await run(bin, ["--kubeconfig", path.join(dir, "kubeconfig"), "--cache-dir", path.join(dir, `cache-${minor}`), ...args], {
    timeout: 30_000,
  })).stdout;

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-chart", "aks-chart");
  await provisionDatabase(env, "rg-chart", "aks-chart");
  core = cluster.kc.makeApiClient(CoreV1Api);
  apps = cluster.kc.makeApiClient(AppsV1Api);
  batch = cluster.kc.makeApiClient(BatchV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  dir = mkdtempSync(path.join(os.tmpdir(), "chart-install-"));
  writeFileSync(path.join(dir, "kubeconfig"), cluster.kubeconfigYaml);
});
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a release of the official chart", () => {
  it("installs with the portal's values: hooks run, every workload ready, the migration Job complete", async (ctx) => {
    needs(airflowCharts, ctx);
    // A day's TTL (seconds here, scaled) keeps the finished Job to be listed; the chart's 5 minutes are 80 ms.
    const values = { ...portalValues(), migrateDatabaseJob: { useHelmHooks: false, applyCustomEnv: false, ttlSecondsAfterFinished: 86_400 } };
    const { ready: verdict } = await install("portal", values);
    expect(verdict).toMatchObject({ status: "True", reason: "InstallSucceeded" });

    const deployments = (await apps.listNamespacedDeployment({ namespace: "portal" })).items;
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual([
      "airflow-api-server",
      "airflow-dag-processor",
      "airflow-scheduler",
      "airflow-statsd",
    ]);
    expect(deployments.every((d) => d.status?.readyReplicas === d.spec?.replicas)).toBe(true);
    const sets = (await apps.listNamespacedStatefulSet({ namespace: "portal" })).items;
    const readiness = sets.map((s) => [s.metadata?.name, s.status?.readyReplicas]);
    expect(readiness).toEqual([["airflow-redis", 1], ["airflow-triggerer", 1], ["airflow-worker", 1]]);
    const job = await batch.readNamespacedJob({ name: "airflow-run-airflow-migrations", namespace: "portal" });
    const complete = expect.objectContaining({ type: "Complete", status: "True" });
    expect(job.status).toMatchObject({ succeeded: 1, conditions: expect.arrayContaining([complete]) });
    // The chart's pre-install hooks made the broker's Secrets; its objects are Helm's, its hooks are not.
    const broker = await core.readNamespacedSecret({ name: "airflow-broker-url", namespace: "portal" });
    expect(broker.metadata?.annotations?.["helm.sh/hook"]).toBe("pre-install");
    const config = await core.readNamespacedConfigMap({ name: "airflow-config", namespace: "portal" });
    expect(config.metadata?.annotations).toMatchObject({ "meta.helm.sh/release-name": "airflow", "meta.helm.sh/release-namespace": "portal" });
    expect(config.metadata?.labels).toMatchObject({ "app.kubernetes.io/managed-by": "Helm", "helm.toolkit.fluxcd.io/name": "airflow" });
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: "portal" })).items;
    const bound = claims.map((c) => [c.metadata?.name, c.status?.phase, c.spec?.storageClassName]);
    expect(bound).toContainEqual(["logs-airflow-worker-0", "Bound", "managed-csi"]);
    const ui = await core.readNamespacedService({ name: "airflow-api-server", namespace: "portal" });
    // The portal's default exposure is an internal load balancer: an address of AKS's aks-subnet (10.224.0.0/16), from .4.
    expect(ui.status?.loadBalancer?.ingress?.[0]?.ip).toBe("10.224.0.4");
  });

  it.each(tools)("lists the release's pods, deployments, jobs and claims with kubectl 1.$minor", async ({ bin, minor }) => {
    const out = await kubectl(bin, minor, "get", "pods,deploy,sts,job,pvc,svc,cm,secret", "-n", "portal");
    expect(out).toMatch(/^pod\/airflow-scheduler-[a-z0-9]{10}-[a-z0-9]{5}\s+2\/2\s+Running\s+0\s/m);
    expect(out).toMatch(/^pod\/airflow-worker-0\s+2\/2\s+Running\s/m);
    expect(out).toMatch(/^pod\/airflow-run-airflow-migrations-[a-z0-9]{5}\s+0\/1\s+Completed\s+0\s/m);
    expect(out).toMatch(/^deployment\.apps\/airflow-api-server\s+1\/1\s+1\s+1\s/m);
    expect(out).toMatch(/^statefulset\.apps\/airflow-worker\s+1\/1\s/m);
    expect(out).toMatch(/^job\.batch\/airflow-run-airflow-migrations\s+(Complete\s+)?1\/1\s/m);
    expect(out).toMatch(/^persistentvolumeclaim\/logs-airflow-triggerer-0\s+Bound\s/m);
    expect(out).toMatch(/^persistentvolumeclaim\/logs-airflow-worker-0\s+Bound\s/m);
    expect(out).toMatch(/^configmap\/airflow-config\s/m);
    expect(out).not.toMatch(/pgbouncer/);
    const pods = await kubectl(bin, minor, "get", "pods", "-n", "portal");
    expect(pods).toMatch(/^airflow-scheduler-[a-z0-9]{10}-[a-z0-9]{5}\s+2\/2\s+Running\s/m);
    expect(pods).toMatch(/^airflow-run-airflow-migrations-[a-z0-9]{5}\s+0\/1\s+Completed\s/m);
    // One attempt was enough: the database was there, its firewall open.
    expect(out.match(/^pod\/airflow-run-airflow-migrations-/gm)).toHaveLength(1);
  });

  it("fails with the old values: the migration Job is a post-install hook, the pods wait for it, Helm's wait times out", async (ctx) => {
    needs(airflowCharts, ctx);
    const { hr, ready: verdict } = await install("old", oldValues());
    expect(verdict).toMatchObject({
      status: "False",
      reason: "InstallFailed",
      message: "Helm install failed for release old/airflow with chart airflow@1.18.0: context deadline exceeded",
    });
    expect(hr.status?.conditions?.find((c) => c.type === "Stalled")).toMatchObject({ status: "True", reason: "RetriesExceeded" });
    // Helm never got to its post-install hooks: there is no migration Job, and the pods still wait for one.
    await expect(batch.readNamespacedJob({ name: "airflow-run-airflow-migrations", namespace: "old" })).rejects.toMatchObject({ code: 404 });
    const [api] = await podsOf("old", "api-server");
    expect(api?.status?.initContainerStatuses?.[0]).toMatchObject({ name: "wait-for-airflow-migrations", state: { running: expect.anything() } });
    // helm-controller's warning event says what the wait was waiting for.
    const events = (await core.listNamespacedEvent({ namespace: "old", fieldSelector: "involvedObject.name=airflow" })).items as CoreV1Event[];
    const warning = events.find((e) => e.type === "Warning" && e.reason === "InstallFailed");
    expect(warning?.message).toMatch(/Last Helm logs:\n\n.*Deployment is not ready: old\/airflow-api-server\. 0 out of 1 expected pods are ready/s);
  });

  it("keeps a Deployment from becoming ready while a Secret it reads lacks a key, in the kubelet's words", async (ctx) => {
    needs(airflowCharts, ctx);
    const secrets = airflowSecrets("nokey").map((s) => (s.metadata.name === "airflow-metadata" ? { ...s, stringData: { uri: "postgresql://x" } } : s));
    const { ready: verdict } = await install("nokey", portalValues("LocalExecutor"), secrets);
    expect(verdict).toMatchObject({ status: "False", reason: "InstallFailed", message: expect.stringMatching(/context deadline exceeded$/) });
    const [pod] = (await podsOf("nokey", "scheduler")) as V1Pod[];
    expect(pod?.status?.phase).toBe("Pending");
    expect(pod?.status?.initContainerStatuses?.[0]?.state?.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: "couldn't find key connection in Secret nokey/airflow-metadata",
    });
    const api = await apps.readNamespacedDeployment({ name: "airflow-api-server", namespace: "nokey" });
    expect(api.status?.conditions?.find((c) => c.type === "Available")).toMatchObject({ status: "False", reason: "MinimumReplicasUnavailable" });

    // The key appears: the kubelet starts the pods by itself; the release stays failed until its spec changes, as in Flux.
    await core.replaceNamespacedSecret({ name: "airflow-metadata", namespace: "nokey", body: airflowSecrets("nokey")[0]! });
    const apiReady = async () => (await apps.readNamespacedDeployment({ name: "airflow-api-server", namespace: "nokey" })).status?.readyReplicas;
    await eventually(async () => ((await apiReady()) === 1 ? true : undefined), 10_000, "the API server to become ready");
    expect(ready(await readRelease("nokey"))?.reason).toBe("InstallFailed");
  });

  it("leaves a claim of a storage class AKS does not have Pending, and its StatefulSet not ready", async (ctx) => {
    needs(airflowCharts, ctx);
    const values = { ...portalValues("LocalExecutor"), triggerer: { persistence: { storageClassName: "premium-zrs" } } };
    const { ready: verdict } = await install("noclass", values);
    expect(verdict).toMatchObject({ status: "False", reason: "InstallFailed" });
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: "logs-airflow-triggerer-0", namespace: "noclass" });
    expect(claim.status?.phase).toBe("Pending");
    const [pod] = await podsOf("noclass", "triggerer");
    expect(pod?.status?.conditions?.[0]).toMatchObject({
      type: "PodScheduled",
      status: "False",
      reason: "Unschedulable",
      message: expect.stringContaining("pod has unbound immediate PersistentVolumeClaims"),
    });
  });

  it("fails an upgrade that changes the migration Job before its TTL took it away: a Job's pod template cannot change", async (ctx) => {
    needs(airflowCharts, ctx);
    const job = { useHelmHooks: false, applyCustomEnv: false, ttlSecondsAfterFinished: 86_400 };
    await install("early", { ...portalValues("CeleryExecutor"), migrateDatabaseJob: job });
    await apply(helmRelease({ ...portalValues("LocalExecutor"), migrateDatabaseJob: job }, "airflow", "early"));
    const { ready: verdict } = await settled("early", 2);
    expect(verdict).toMatchObject({ status: "False", reason: "UpgradeFailed" });
    expect(verdict.message).toBe(
      'Helm upgrade failed for release early/airflow with chart airflow@1.18.0: cannot patch "airflow-run-airflow-migrations" with kind Job: ' +
        'Job.batch "airflow-run-airflow-migrations" is invalid: spec.template: Invalid value: field is immutable',
    );
  });

  it("upgrades on a new generation: applies the changes and deletes what is no longer rendered", async (ctx) => {
    needs(airflowCharts, ctx);
    await install("upgrade", portalValues("CeleryExecutor"));
    // The finished migration Job goes after its TTL (scaled); a new one runs for the upgrade.
    const gone = () => batch.readNamespacedJob({ name: "airflow-run-airflow-migrations", namespace: "upgrade" }).then(() => undefined, () => true);
    await eventually(gone, 10_000, "the migration Job's TTL");
    await apply(helmRelease(portalValues("LocalExecutor"), "airflow", "upgrade"));
    const { ready: verdict } = await settled("upgrade", 2);
    expect(verdict).toMatchObject({ status: "True", reason: "UpgradeSucceeded" });
    const sets = (await apps.listNamespacedStatefulSet({ namespace: "upgrade" })).items.map((s) => s.metadata?.name);
    // LocalExecutor: no Redis, no Celery workers; the scheduler runs tasks and keeps their logs (a StatefulSet).
    expect(sets.sort()).toEqual(["airflow-scheduler", "airflow-triggerer"]);
    const deployments = (await apps.listNamespacedDeployment({ namespace: "upgrade" })).items.map((d) => d.metadata?.name);
    expect(deployments).not.toContain("airflow-scheduler");
    await expect(core.readNamespacedService({ name: "airflow-redis", namespace: "upgrade" })).rejects.toMatchObject({ code: 404 });
    expect((await podsOf("upgrade", "worker")).length).toBe(0);
  });
});
