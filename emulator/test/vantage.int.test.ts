import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster } from "./cluster-setup.js";
import { eventually, POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

/**
 * An internal load balancer's address comes from the cluster's node subnet, and only a machine in
 * that VNet, or in one peered with it both ways, reaches it: the control API's vantage proxies.
 */
type Release = KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } };

const INTERNAL = { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" };
const vnetIdOf = (group: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${name}`;
const HUB = vnetIdOf("rg-platform", "vnet-hub");
const SPOKE = vnetIdOf("rg-env", "vnet-env");

let env: TestEmulator;
let network: NetworkManagementClient;
let core: CoreV1Api;
let objects: KubernetesObjectApi;
let emptyCharts: string;

/** GET through a forward proxy: the status, or the error the client saw and how long it waited. */
function viaProxy(proxy: string, target: string) {
  const { hostname, port } = new URL(proxy);
  const started = Date.now();
  return new Promise<{ status?: number; body?: string; error?: string; ms: number }>((resolve) => {
    const req = http.request({ host: hostname, port, path: target, method: "GET", agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8"), ms: Date.now() - started }));
    });
    req.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message, ms: Date.now() - started }));
    req.end();
  });
}

const vantage = async (virtualNetworkId: string) => (await env.control<{ proxy: string }>("POST", "networks/vantage", { virtualNetworkId })).proxy;

beforeAll(async () => {
  emptyCharts = mkdtempSync(path.join(os.tmpdir(), "no-charts-"));
  env = await startTestEmulator({ charts: emptyCharts });
  const resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  network = new NetworkManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  for (const group of ["rg-platform", "rg-env"]) await resources.resourceGroups.createOrUpdate(group, { location: "westeurope" });
  await network.virtualNetworks.beginCreateOrUpdateAndWait("rg-platform", "vnet-hub", { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, POLL);
  await network.virtualNetworks.beginCreateOrUpdateAndWait("rg-env", "vnet-env", { location: "westeurope", addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, subnets: [{ name: "aks", addressPrefix: "10.1.0.0/22" }] }, POLL);
  const cluster = await provisionCluster(env, "rg-env", "aks-env", true, {
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
    agentPoolProfiles: [{ name: "system", mode: "System", count: 2, vmSize: "Standard_D4ds_v5", vnetSubnetID: `${SPOKE}/subnets/aks` }],
  });
  core = cluster.kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  await core.createNamespace({ body: { metadata: { name: "airflow" } } });
  for (const secret of airflowSecrets("airflow")) await objects.create(secret);
  await objects.create(helmRepository("airflow"));
  await objects.create(helmRelease(airflowValues("LocalExecutor", { apiServer: { service: { type: "LoadBalancer", annotations: INTERNAL } } })));
  await eventually(async () => {
    const hr = await objects.read<Release>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
    return hr.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  }, 30_000, "the release");
}, 60_000);
afterAll(async () => {
  await env?.close();
  rmSync(emptyCharts, { recursive: true, force: true });
});

const uiAddress = async () => {
  const ui = await eventually(async () => {
    const svc = await core.readNamespacedService({ name: "airflow-api-server", namespace: "airflow" });
    return svc.status?.loadBalancer?.ingress?.[0]?.ip ? svc : undefined;
  }, 10_000, "the UI Service's address");
  return `http://${ui.status?.loadBalancer?.ingress?.[0]?.ip}:${ui.spec?.ports?.[0]?.port}`;
};

describe("internal load balancers", () => {
  it("get the first free address of the node subnet from .4, kept across restarts; public ones keep the loopback", async () => {
    const address = await uiAddress();
    expect(address).toMatch(/^http:\/\/10\.1\.0\.4:\d+$/);
    await core.createNamespacedService({ namespace: "airflow", body: { metadata: { name: "other-internal", annotations: INTERNAL }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } });
    await core.createNamespacedService({ namespace: "airflow", body: { metadata: { name: "public" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } });
    const ip = (name: string) =>
      eventually(async () => (await core.readNamespacedService({ name, namespace: "airflow" })).status?.loadBalancer?.ingress?.[0]?.ip, 10_000, `${name}'s address`);
    expect(await ip("other-internal")).toBe("10.1.0.5");
    expect(await ip("public")).toBe("127.0.0.1");
    await env.restart();
    expect(await uiAddress()).toBe(address);
    expect(await ip("other-internal")).toBe("10.1.0.5");
  });
});

describe("vantage proxies", () => {
  it("reach the stand-in behind an internal load balancer from its own VNet, and from a peered one only once Connected", async () => {
    const address = await uiAddress();
    const inSpoke = await vantage(SPOKE);
    const fromSpoke = await viaProxy(inSpoke, `${address}/api/v2/monitor/health`);
    expect(fromSpoke.status).toBe(200);
    expect(JSON.parse(fromSpoke.body ?? "{}")).toMatchObject({ scheduler: { status: "healthy" } });

    const inHub = await vantage(HUB);
    expect(await vantage(HUB)).toBe(inHub);
    expect(inHub).not.toBe(inSpoke);
    const dropped = await viaProxy(inHub, `${address}/api/v2/monitor/health`);
    expect(dropped.status).toBeUndefined();
    expect(dropped.error).toBeDefined();
    expect(dropped.ms).toBeGreaterThanOrEqual(900);
    expect(dropped.ms).toBeLessThan(3_000);

    const peer = (group: string, vnet: string, name: string, remote: string) =>
      network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(group, vnet, name, { remoteVirtualNetwork: { id: remote }, allowVirtualNetworkAccess: true }, POLL);
    await peer("rg-platform", "vnet-hub", "to-env", SPOKE);
    expect((await viaProxy(inHub, `${address}/api/v2/monitor/health`)).status).toBeUndefined();
    await peer("rg-env", "vnet-env", "to-hub", HUB);
    expect((await viaProxy(inHub, `${address}/api/v2/monitor/health`)).status).toBe(200);

    await network.virtualNetworkPeerings.beginDeleteAndWait("rg-env", "vnet-env", "to-hub", POLL);
    expect((await viaProxy(inHub, `${address}/api/v2/monitor/health`)).status).toBeUndefined();
  });

  it("answers 404 for a VNet that does not exist", async () => {
    await expect(vantage(vnetIdOf("rg-env", "vnet-none"))).rejects.toThrow(/404/);
  });
});
