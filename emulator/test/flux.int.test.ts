import { ResourceManagementClient } from "@azure/arm-resources";
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject, type V1Service } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { chartSchema, eventually, needs, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

type Condition = { type: string; status: string; reason: string; message: string };
type HelmRelease = KubernetesObject & { status?: { conditions?: Condition[]; observedGeneration?: number; lastAppliedRevision?: string; history?: { status: string; version: number }[] } };

let env: TestEmulator;
let core: CoreV1Api;
let objects: KubernetesObjectApi;

const apply = (obj: object) => objects.patch<HelmRelease>(obj as HelmRelease, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);

/** Applies a release into its own namespace and waits until Flux has decided (Ready True or False). */
async function install(name: string, values: Record<string, unknown>) {
  await core.createNamespace({ body: { metadata: { name } } });
  for (const secret of airflowSecrets(name)) await objects.create(secret);
  await apply(helmRepository(name));
  await apply(helmRelease(values, "airflow", name));
  return eventually(async () => {
    const hr = await objects.read<HelmRelease>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: name } });
    const ready = hr.status?.conditions?.find((c) => c.type === "Ready");
    return ready && ready.status !== "Unknown" && ready.reason !== "SourceNotReady" ? { hr, ready } : undefined;
  }, 10_000, `HelmRelease ${name}/airflow to settle`);
}

/** The Airflow UI address the way the portal finds it: the LoadBalancer ingress and port of the UI Service. */
function uiAddress(svc: V1Service) {
  const ip = svc.status?.loadBalancer?.ingress?.[0]?.ip;
  const port = svc.spec?.ports?.[0]?.port;
  expect(svc.spec?.type).toBe("LoadBalancer");
  return `http://${ip}:${port}`;
}

beforeAll(async () => {
  env = await startTestEmulator();
  const { kc } = await provisionCluster(env, "rg-flux", "aks-flux");
  await provisionDatabase(env, "rg-flux", "aks-flux");
  core = kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
});
afterAll(() => env?.close());

describe("Flux and the stand-in Airflow", () => {
  it("fails the install with the chart schema's message when values break it", async (ctx) => {
    needs(chartSchema, ctx);
    const { ready, hr } = await install("broken", airflowValues("Kubernetes"));
    expect(ready).toMatchObject({ status: "False", reason: "InstallFailed" });
    expect(ready.message).toMatch(/values don't meet the specifications of the schema/);
    expect(ready.message).toMatch(/- at '\/executor': must match pattern/);
    expect(hr.status?.history?.[0]?.status).toBe("failed");
    const services = await core.listNamespacedService({ namespace: "broken" });
    expect(services.items).toEqual([]);
  });

  for (const [executor, airflowVersion] of [
    ["LocalExecutor", "3.0.5"],
    ["CeleryExecutor", "3.0.5"],
    ["KubernetesExecutor", "2.10.5"],
  ] as const) {
    it(`installs ${executor} on Airflow ${airflowVersion}: Ready, its Services, a healthy Airflow`, async () => {
      const ns = executor.toLowerCase().replace("executor", "");
      const major = Number(airflowVersion[0]);
      const values = major >= 3 ? airflowValues(executor, { airflowVersion }) : { ...airflowValues(executor, { airflowVersion }), apiServer: undefined, webserver: { service: { type: "LoadBalancer" } } };
      const { ready, hr } = await install(ns, values);
      expect(ready).toMatchObject({ status: "True", reason: "InstallSucceeded" });
      expect(hr.status).toMatchObject({ observedGeneration: 1, lastAppliedRevision: "1.18.0", history: [{ status: "deployed", version: 1 }] });

      const services = (await core.listNamespacedService({ namespace: ns })).items;
      const names = services.map((s) => s.metadata?.name);
      expect(names).toContain(major >= 3 ? `${"airflow"}-api-server` : "airflow-webserver");
      expect(names.includes("airflow-redis")).toBe(executor === "CeleryExecutor");
      expect(names).toContain("airflow-pgbouncer");
      expect(names).not.toContain("airflow-postgresql");

      const ui = services.find((s) => s.metadata?.name === (major >= 3 ? "airflow-api-server" : "airflow-webserver")) as V1Service;
      const base = uiAddress(ui);
      const page = await fetch(`${base}/`);
      expect(await page.text()).toContain(executor);
      const health = (await (await fetch(`${base}${major >= 3 ? "/api/v2/monitor/health" : "/health"}`)).json()) as Record<string, { status: string | null }>;
      expect(health.metadatabase?.status).toBe("healthy");
      expect(health.scheduler).toMatchObject({ status: "healthy", latest_scheduler_heartbeat: expect.any(String) });
      expect(health.triggerer?.status).toBe("healthy");
      expect(health.dag_processor?.status).toBe(major >= 3 ? "healthy" : null);
    });
  }

  it("names the environment on its page from the resource group's environment tag, else the cluster", async () => {
    const base = uiAddress(await core.readNamespacedService({ name: "airflow-api-server", namespace: "local" }));
    const row = async (name: string) => new RegExp(`<th scope="row">${name}</th><td>([^<]*)</td>`).exec(await (await fetch(`${base}/`)).text())?.[1];
    expect(await row("Environment")).toBe("aks-flux");
    expect(await row("Release")).toBe("airflow");
    const resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    await resources.resourceGroups.update("rg-flux", { tags: { environment: "sales-analytics", team: "data" } });
    expect(await row("Environment")).toBe("sales-analytics");
    expect(await row("Release")).toBe("airflow");
  });

  it("answers unhealthy JSON when an unhealthy Airflow is injected, and upgrades on a new generation", async () => {
    const svc = await core.readNamespacedService({ name: "airflow-api-server", namespace: "celery" });
    const base = uiAddress(svc);
    await env.control("POST", "faults", { type: "airflowUnhealthy", component: "scheduler", match: { name: "airflow" } });
    const sick = (await (await fetch(`${base}/api/v2/monitor/health`)).json()) as Record<string, { status: string }>;
    expect(sick.scheduler?.status).toBe("unhealthy");
    expect(sick.metadatabase?.status).toBe("healthy");
    await env.control("DELETE", "faults");

    await apply(helmRelease(airflowValues("KubernetesExecutor", { airflowVersion: "3.0.5" }), "airflow", "celery"));
    await eventually(async () => {
      const hr = await objects.read<HelmRelease>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "celery" } });
      return hr.status?.observedGeneration === 2 && hr.status.conditions?.some((c) => c.reason === "UpgradeSucceeded") ? hr : undefined;
    });
    const names = (await core.listNamespacedService({ namespace: "celery" })).items.map((s) => s.metadata?.name);
    expect(names).not.toContain("airflow-redis");
    // The address does not move on an upgrade.
    expect(uiAddress(await core.readNamespacedService({ name: "airflow-api-server", namespace: "celery" }))).toBe(base);
  });

  it("fails an install on an injected Helm failure", async () => {
    await env.control("POST", "faults", { type: "helmInstallFailed", message: "timed out waiting for the condition", match: { name: "airflow" }, count: 1 });
    const { ready } = await install("injected", airflowValues("LocalExecutor"));
    expect(ready).toMatchObject({ status: "False", reason: "InstallFailed" });
    expect(ready.message).toContain("timed out waiting for the condition");
  });
});
