import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceProxy } from "@/lib/kubernetes/service-proxy";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { airflowCharts, eventually, needs, request, startTestEmulator, type TestEmulator } from "./support.js";

/**
 * The API server's service proxy (`services/<name>:<port>/proxy/<path>`): what `kubectl proxy` and
 * the worker's health check reach Airflow through, with no network path into the cluster.
 */
let env: TestEmulator;
let cluster: Awaited<ReturnType<typeof provisionCluster>>;
let core: CoreV1Api;

/** A GET through the proxy with the cluster's own credentials, as the worker sends it. */
async function viaProxy(service: string, port: number | string, rest: string, headers: Record<string, string> = {}) {
  const proxy = serviceProxy(cluster.kc, "airflow", service, port);
  return request(new URL(rest, proxy.base).toString(), { ca: proxy.ca, headers: { ...proxy.headers, ...headers } });
}

beforeAll(async () => {
  env = await startTestEmulator();
  cluster = await provisionCluster(env, "rg-proxy", "aks-proxy");
  await provisionDatabase(env, "rg-proxy", "aks-proxy");
  core = cluster.kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  await core.createNamespace({ body: { metadata: { name: "airflow" } } });
  for (const secret of airflowSecrets()) await objects.create(secret);
  await objects.create(helmRepository());
  await objects.create(helmRelease(airflowValues("LocalExecutor", { apiServer: { service: { type: "ClusterIP" } } })) as KubernetesObject);
  await eventually(async () => {
    const pods = (await core.listNamespacedPod({ namespace: "airflow", labelSelector: "component=api-server" })).items;
    return pods.some((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) ? true : undefined;
  }, 20_000, "the API server's pod to be Ready");
}, 60_000);
afterAll(async () => {
  await env?.close();
});

describe("the API server's service proxy", () => {
  it("reaches the Airflow behind the UI Service by port number or name, path and query kept", async (ctx) => {
    needs(airflowCharts, ctx);
    const byNumber = await viaProxy("airflow-api-server", 8080, "api/v2/monitor/health");
    expect(byNumber.status).toBe(200);
    expect(JSON.parse(byNumber.text)).toMatchObject({ scheduler: { status: "healthy" } });
    const byName = await viaProxy("airflow-api-server", "api-server", "api/v2/monitor/health?x=1");
    expect(byName.status).toBe(200);
    // The only port may be left out.
    const bare = await request(`${cluster.kc.getCurrentCluster()!.server}/api/v1/namespaces/airflow/services/airflow-api-server/proxy/api/v2/monitor/health`, {
      ca: env.ca,
      headers: { authorization: `Bearer ${cluster.kc.getCurrentUser()!.token}` },
    });
    expect(bare.status).toBe(200);
  });

  it("answers as the API server does when nothing can be reached", async (ctx) => {
    needs(airflowCharts, ctx);
    const missing = await viaProxy("nothing", 80, "");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ kind: "Status", reason: "NotFound", message: 'services "nothing" not found' });

    const wrongPort = await viaProxy("airflow-api-server", 9999, "");
    expect(wrongPort.status).toBe(503);
    expect(JSON.parse(wrongPort.text).message).toBe('no endpoints available for service "airflow-api-server:9999"');

    await core.createNamespacedService({ namespace: "airflow", body: { metadata: { name: "lonely" }, spec: { selector: { app: "none" }, ports: [{ port: 80 }] } } });
    const noPods = await viaProxy("lonely", 80, "");
    expect(JSON.parse(noPods.text)).toMatchObject({ code: 503, message: 'no endpoints available for service "lonely:80"' });

    // StatsD has a Ready pod but nothing in the emulator speaks HTTP there.
    const statsd = await viaProxy("airflow-statsd", 9102, "metrics");
    expect(statsd.status).toBe(503);
    expect(JSON.parse(statsd.text).message).toMatch(/^error trying to reach service: dial tcp 10\.244\.\d+\.\d+:9102: connect: connection refused$/);
  });

  it("refuses without credentials, as any request to the API server", async () => {
    const proxy = serviceProxy(cluster.kc, "airflow", "airflow-api-server", 8080);
    const anonymous = await request(new URL("api/v2/monitor/health", proxy.base).toString(), { ca: proxy.ca });
    expect(anonymous.status).toBe(401);
  });
});
