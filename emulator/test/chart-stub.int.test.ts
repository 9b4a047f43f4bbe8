import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster } from "./cluster-setup.js";
import { eventually, startTestEmulator, type TestEmulator } from "./support.js";

/**
 * Without unpacked charts (a newcomer's `npm run dev`) the repository serves packages without
 * templates: a release then gets only its UI Service, Ready, with the stand-in Airflow behind it.
 */
type Release = KubernetesObject & { status?: { conditions?: { type: string; status: string; reason: string }[] } };

let env: TestEmulator;
let core: CoreV1Api;
let apps: AppsV1Api;
let objects: KubernetesObjectApi;
let emptyCharts: string;
const logged = vi.spyOn(console, "log");

async function install(namespace: string) {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const secret of airflowSecrets(namespace)) await objects.create(secret);
  await objects.create(helmRepository(namespace));
  await objects.create(helmRelease(airflowValues("LocalExecutor"), "airflow", namespace));
  return eventually(async () => {
    const hr = await objects.read<Release>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace } });
    return hr.status?.conditions?.find((c) => c.type === "Ready" && c.status !== "Unknown");
  }, 30_000, `the release in ${namespace}`);
}

beforeAll(async () => {
  emptyCharts = mkdtempSync(path.join(os.tmpdir(), "no-charts-"));
  env = await startTestEmulator({ charts: emptyCharts });
  const cluster = await provisionCluster(env, "rg-stub", "aks-stub");
  core = cluster.kc.makeApiClient(CoreV1Api);
  apps = cluster.kc.makeApiClient(AppsV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
});
afterAll(async () => {
  await env?.close();
  rmSync(emptyCharts, { recursive: true, force: true });
});

describe("a release of a chart package without templates", () => {
  it("is Ready with only its UI Service, the stand-in Airflow answering at its load balancer's address", async () => {
    expect(await install("first")).toMatchObject({ status: "True", reason: "InstallSucceeded" });
    const ui = await core.readNamespacedService({ name: "airflow-api-server", namespace: "first" });
    const address = `http://${ui.status?.loadBalancer?.ingress?.[0]?.ip}:${ui.spec?.ports?.[0]?.port}`;
    const health = (await (await fetch(`${address}/api/v2/monitor/health`)).json()) as Record<string, { status: string }>;
    expect(health.scheduler?.status).toBe("healthy");
    expect((await apps.listNamespacedDeployment({ namespace: "first" })).items).toEqual([]);
  });

  it("says so once, however many releases", async () => {
    expect(await install("second")).toMatchObject({ status: "True" });
    const notes = logged.mock.calls.map((c) => String(c[0])).filter((line) => line.includes("is a stub without templates"));
    expect(notes).toHaveLength(1);
  });
});
