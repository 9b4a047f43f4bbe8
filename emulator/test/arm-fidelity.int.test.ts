import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, serverBody } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { POLL, request, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

let env: TestEmulator;
let clients: ReturnType<typeof armClients>;

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ statusCode: 0, code: "" }),
    (err: { statusCode?: number; code?: string }) => ({ statusCode: err.statusCode ?? -1, code: err.code ?? "" }),
  );

beforeAll(async () => {
  env = await startTestEmulator();
  clients = armClients(env);
  await clients.resources.resourceGroups.createOrUpdate("rg-fid", { location: "westeurope" });
});
afterAll(() => env?.close());

describe("ARM lists", () => {
  it("page with nextLink, which the SDKs follow", async () => {
    await env.control("PATCH", "settings", { armPageSize: 1 });
    try {
      for (const g of ["rg-page-a", "rg-page-b"]) await clients.resources.resourceGroups.createOrUpdate(g, { location: "westeurope" });
      const token = (await env.credential.getToken("https://management.azure.com/.default"))?.token ?? "";
      const first = await request(`${env.url}/subscriptions/${SUBSCRIPTION}/resourcegroups?api-version=2021-04-01`, { ca: env.ca, headers: { authorization: `Bearer ${token}` } });
      const page = JSON.parse(first.text) as { value: unknown[]; nextLink?: string };
      expect(page.value).toHaveLength(1);
      expect(page.nextLink).toMatch(/\$skiptoken=/);
      const names: string[] = [];
      for await (const g of clients.resources.resourceGroups.list()) names.push(g.name ?? "");
      expect(names.sort()).toEqual(["rg-fid", "rg-page-a", "rg-page-b"]);
    } finally {
      await env.control("PATCH", "settings", { armPageSize: 100 });
    }
  });
});

describe("PostgreSQL flexible server", () => {
  it("accepts a create with 202 and no body, as the service does", async () => {
    const token = (await env.credential.getToken("https://management.azure.com/.default"))?.token ?? "";
    const url = `${env.url}/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-fid/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-fid-raw-1?api-version=2024-08-01`;
    const res = await request(url, { ca: env.ca, method: "PUT", body: { ...serverBody(), properties: { ...serverBody() } }, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(202);
    expect(res.text).toBe("");
    expect(res.headers["azure-asyncoperation"]).toBeTruthy();
    // The SDK's create still ends with the server, read by its final GET.
    const server = await clients.pg.servers.beginCreateOrUpdateAndWait("rg-fid", "pg-fid-sdk-1", serverBody(), POLL);
    expect(server.state).toBe("Ready");
  });

  it("refuses a server name already used anywhere (a global DNS name), and a move to another region", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-fid-other", { location: "westeurope" });
    expect(await codeOf(clients.pg.servers.beginCreateOrUpdateAndWait("rg-fid-other", "pg-fid-sdk-1", serverBody(), POLL))).toEqual({ statusCode: 409, code: "ServerNameAlreadyExists" });
    expect(await codeOf(clients.pg.servers.beginCreateOrUpdateAndWait("rg-fid", "pg-fid-sdk-1", { ...serverBody(), location: "eastus2" }, POLL))).toEqual({ statusCode: 409, code: "InvalidResourceLocation" });
  });

  it("has readable configurations", async () => {
    const configs: string[] = [];
    for await (const c of clients.pg.configurations.listByServer("rg-fid", "pg-fid-sdk-1")) configs.push(c.name ?? "");
    expect(configs).toEqual(expect.arrayContaining(["max_connections", "require_secure_transport", "azure.extensions"]));
    expect((await clients.pg.configurations.get("rg-fid", "pg-fid-sdk-1", "max_connections")).value).toBe("50");
  });
});

describe("AKS managed cluster", () => {
  it("has its agent pools readable under it", async () => {
    await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-fid", "aks-fid", clusterBody(), POLL);
    const pools: string[] = [];
    for await (const p of clients.aks.agentPools.list("rg-fid", "aks-fid")) pools.push(p.name ?? "");
    expect(pools).toEqual(["system"]);
    expect(await clients.aks.agentPools.get("rg-fid", "aks-fid", "system")).toMatchObject({ name: "system", count: 2, vmSize: "Standard_D4ds_v5", mode: "System" });
    expect((await codeOf(clients.aks.agentPools.get("rg-fid", "aks-fid", "missing"))).statusCode).toBe(404);
  });

  it("refuses to change its location, its DNS prefix, or to downgrade Kubernetes", async () => {
    const create = (overrides: Parameters<typeof clusterBody>[0]) => codeOf(clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-fid", "aks-fid", clusterBody(overrides), POLL));
    expect(await create({ location: "swedencentral" })).toEqual({ statusCode: 409, code: "InvalidResourceLocation" });
    expect(await create({ dnsPrefix: "another-prefix" })).toEqual({ statusCode: 400, code: "PropertyChangeNotAllowed" });
    expect(await create({ kubernetesVersion: "1.31" })).toEqual({ statusCode: 400, code: "NotAllowedK8sVersionDowngrading" });
    expect((await create({ kubernetesVersion: "1.33" })).statusCode).toBe(0);
  });
});
