import { ContainerServiceClient } from "@azure/arm-containerservice";
import { SourceControlConfigurationClient } from "@azure/arm-kubernetesconfiguration";
import { PostgreSQLManagementFlexibleServerClient, type Server } from "@azure/arm-postgresql-flexible";
import { ResourceManagementClient } from "@azure/arm-resources";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterBody } from "./cluster-setup.js";
import { POLL, request, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

let env: TestEmulator;
let resources: ResourceManagementClient;
let aks: ContainerServiceClient;
let pg: PostgreSQLManagementFlexibleServerClient;
let extensions: SourceControlConfigurationClient;

const serverBody = (): Server => ({
  location: "westeurope",
  sku: { name: "Standard_B1ms", tier: "Burstable" },
  version: "16",
  administratorLogin: "airflowadmin",
  administratorLoginPassword: "S3cure-Passw0rd!",
  storage: { storageSizeGB: 32 },
});

beforeAll(async () => {
  env = await startTestEmulator();
  resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  aks = new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions);
  pg = new PostgreSQLManagementFlexibleServerClient(env.credential, SUBSCRIPTION, env.clientOptions);
  extensions = new SourceControlConfigurationClient(env.credential, SUBSCRIPTION, env.clientOptions);
});
afterAll(() => env?.close());

describe("resource groups", () => {
  it("creates, reads, lists, and PUTs again as an update", async () => {
    const created = await resources.resourceGroups.createOrUpdate("rg-airflow-one", { location: "West Europe", tags: { team: "data" } });
    expect(created).toMatchObject({ name: "rg-airflow-one", location: "westeurope", properties: { provisioningState: "Succeeded" } });
    await resources.resourceGroups.createOrUpdate("rg-airflow-one", { location: "westeurope", tags: { team: "data", env: "dev" } });
    expect((await resources.resourceGroups.get("rg-airflow-one")).tags).toEqual({ team: "data", env: "dev" });
    const names = [];
    for await (const rg of resources.resourceGroups.list()) names.push(rg.name);
    expect(names).toContain("rg-airflow-one");
    expect((await resources.resourceGroups.checkExistence("rg-airflow-one")).body).toBe(true);
    const state = await env.control<{ counts: Record<string, { created: number; puts: number }> }>("GET", "state");
    expect(state.counts[`/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-airflow-one`]).toMatchObject({ created: 1, puts: 2 });
  });

  it("refuses bad names and a missing location with ARM's codes", async () => {
    await expect(resources.resourceGroups.createOrUpdate("bad#name", { location: "westeurope" })).rejects.toMatchObject({ statusCode: 400, code: "InvalidResourceGroup" });
    await expect(resources.resourceGroups.createOrUpdate("rg-ok", { location: "" })).rejects.toMatchObject({ statusCode: 400, code: "LocationRequired" });
  });

  it("answers 404 ResourceGroupNotFound", async () => {
    await expect(resources.resourceGroups.get("rg-missing")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    await expect(aks.managedClusters.get("rg-missing", "aks-x")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });

  it("requires a bearer token it signed, and an api-version", async () => {
    const url = `${env.url}/subscriptions/${SUBSCRIPTION}/resourcegroups`;
    const anonymous = await request(`${url}?api-version=2025-04-01`, { ca: env.ca });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { code: "AuthenticationFailed" } });
    const forged = await request(`${url}?api-version=2025-04-01`, { ca: env.ca, headers: { authorization: "Bearer eyJhbGciOiJub25lIn0.e30." } });
    expect(JSON.parse(forged.text)).toMatchObject({ error: { code: "InvalidAuthenticationToken" } });
    const token = await env.credential.getToken("https://management.azure.com/.default");
    const noVersion = await request(url, { ca: env.ca, headers: { authorization: `Bearer ${token.token}` } });
    expect(noVersion.status).toBe(400);
    expect(JSON.parse(noVersion.text)).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
  });
});

describe("managed clusters", () => {
  it("creates through a long-running operation, then stops, starts and hands out kubeconfigs", async () => {
    await resources.resourceGroups.createOrUpdate("rg-aks", { location: "westeurope" });
    const poller = await aks.managedClusters.beginCreateOrUpdate("rg-aks", "aks-airflow-one", clusterBody(), POLL);
    expect(poller.getOperationState().status).toBe("running");
    expect((await aks.managedClusters.get("rg-aks", "aks-airflow-one")).provisioningState).toBe("Creating");
    const cluster = await poller.pollUntilDone();
    expect(cluster).toMatchObject({ name: "aks-airflow-one", provisioningState: "Succeeded", powerState: { code: "Running" }, oidcIssuerProfile: { enabled: true } });
    expect(cluster.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\//);
    expect(cluster.fqdn).toMatch(/azmk8s\.io$/);
    expect(cluster.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);

    const updated = await aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", "aks-airflow-one", clusterBody({ tags: { team: "ml" } }), POLL);
    expect(updated.tags).toEqual({ team: "ml" });

    const listed = [];
    for await (const c of aks.managedClusters.listByResourceGroup("rg-aks")) listed.push(c.name);
    for await (const c of aks.managedClusters.list()) listed.push(c.name);
    expect(listed).toEqual(["aks-airflow-one", "aks-airflow-one"]);

    await aks.managedClusters.beginStopAndWait("rg-aks", "aks-airflow-one", POLL);
    expect((await aks.managedClusters.get("rg-aks", "aks-airflow-one")).powerState?.code).toBe("Stopped");
    await aks.managedClusters.beginStartAndWait("rg-aks", "aks-airflow-one", POLL);
    expect((await aks.managedClusters.get("rg-aks", "aks-airflow-one")).powerState?.code).toBe("Running");

    for (const creds of [await aks.managedClusters.listClusterUserCredentials("rg-aks", "aks-airflow-one"), await aks.managedClusters.listClusterAdminCredentials("rg-aks", "aks-airflow-one")]) {
      const kubeconfig = load(Buffer.from(creds.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8")) as { clusters: { cluster: Record<string, string> }[]; users: { user: { token: string } }[] };
      expect(kubeconfig.clusters[0]?.cluster.server).toMatch(new RegExp(`^${env.url}/k8s/aks-airflow-one-[0-9a-f]{8}$`));
      expect(Buffer.from(kubeconfig.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64").toString()).toBe(env.ca);
      expect(kubeconfig.users[0]?.user.token).toMatch(/^[0-9a-f]{64}$/);
    }
    const state = await env.control<{ counts: Record<string, { created: number; puts: number }> }>("GET", "state");
    expect(state.counts[`/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/aks-airflow-one`]).toMatchObject({ created: 1, puts: 2 });
  });

  it("validates names and agent pools", async () => {
    await expect(aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", "-bad-", clusterBody(), POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidResourceName" });
    const noPools = clusterBody({ agentPoolProfiles: [{ name: "System", count: 1, vmSize: "Standard_D2s_v5" }] });
    await expect(aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", "aks-bad", noPools, POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
  });

  it("reports an operation that ends Failed (QuotaExceeded) as the SDK's error", async () => {
    await env.control("POST", "faults", { type: "operationFailed", code: "QuotaExceeded", message: "Operation could not be completed as it results in exceeding approved Total Regional Cores quota.", match: { kind: "managedCluster", name: "aks-quota" }, count: 1 });
    await expect(aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", "aks-quota", clusterBody(), POLL)).rejects.toThrow(/QuotaExceeded/);
    expect((await aks.managedClusters.get("rg-aks", "aks-quota")).provisioningState).toBe("Failed");
    // A retry is an update of the failed cluster, and succeeds.
    expect((await aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", "aks-quota", clusterBody(), POLL)).provisioningState).toBe("Succeeded");
  });

  it("lets the SDK retry a 429 with Retry-After, and surfaces a 500", async () => {
    await env.control("POST", "faults", { type: "http", status: 429, retryAfterSeconds: 0, match: { kind: "managedCluster", method: "GET" }, count: 2 });
    expect((await aks.managedClusters.get("rg-aks", "aks-airflow-one")).name).toBe("aks-airflow-one");
    const noRetry = new ContainerServiceClient(env.credential, SUBSCRIPTION, { ...env.clientOptions, retryOptions: { maxRetries: 0 } });
    await env.control("POST", "faults", { type: "http", status: 500, match: { kind: "managedCluster" }, count: 1 });
    await expect(noRetry.managedClusters.get("rg-aks", "aks-airflow-one")).rejects.toMatchObject({ statusCode: 500, code: "InternalServerError" });
    expect(await env.control("GET", "faults")).toEqual([]);
  });
});

describe("PostgreSQL flexible servers", () => {
  it("creates a server, a database and a firewall rule, stops and starts it", async () => {
    await resources.resourceGroups.createOrUpdate("rg-pg", { location: "westeurope" });
    const server = await pg.servers.beginCreateOrUpdateAndWait("rg-pg", "pg-airflow-one-a1b2c3", serverBody(), POLL);
    expect(server).toMatchObject({ state: "Ready", fullyQualifiedDomainName: "pg-airflow-one-a1b2c3.postgres.database.azure.com", version: "16" });
    expect(server.administratorLoginPassword).toBeUndefined();
    const db = await pg.databases.beginCreateAndWait("rg-pg", "pg-airflow-one-a1b2c3", "airflow", { charset: "UTF8", collation: "en_US.utf8" }, POLL);
    expect(db.name).toBe("airflow");
    const rule = await pg.firewallRules.beginCreateOrUpdateAndWait("rg-pg", "pg-airflow-one-a1b2c3", "allow-aks", { startIpAddress: "10.0.0.1", endIpAddress: "10.0.0.9" }, POLL);
    expect(rule.startIpAddress).toBe("10.0.0.1");
    const dbs = [];
    for await (const d of pg.databases.listByServer("rg-pg", "pg-airflow-one-a1b2c3")) dbs.push(d.name);
    expect(dbs).toContain("airflow");
    await pg.servers.beginStopAndWait("rg-pg", "pg-airflow-one-a1b2c3", POLL);
    expect((await pg.servers.get("rg-pg", "pg-airflow-one-a1b2c3")).state).toBe("Stopped");
    await pg.servers.beginStartAndWait("rg-pg", "pg-airflow-one-a1b2c3", POLL);
    expect((await pg.servers.get("rg-pg", "pg-airflow-one-a1b2c3")).state).toBe("Ready");
    await pg.firewallRules.beginDeleteAndWait("rg-pg", "pg-airflow-one-a1b2c3", "allow-aks", POLL);
    await expect(pg.firewallRules.get("rg-pg", "pg-airflow-one-a1b2c3", "allow-aks")).rejects.toMatchObject({ statusCode: 404 });
    await pg.databases.beginDeleteAndWait("rg-pg", "pg-airflow-one-a1b2c3", "airflow", POLL);
  });

  it("validates server names, SKUs and firewall addresses", async () => {
    await expect(pg.servers.beginCreateOrUpdateAndWait("rg-pg", "PG_Upper", serverBody(), POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidResourceName" });
    await expect(pg.servers.beginCreateOrUpdateAndWait("rg-pg", "pg-bad-sku", { ...serverBody(), sku: { name: "Standard_D2ds_v4", tier: "Burstable" } }, POLL)).rejects.toMatchObject({ statusCode: 400 });
    await expect(pg.firewallRules.beginCreateOrUpdateAndWait("rg-pg", "pg-airflow-one-a1b2c3", "bad", { startIpAddress: "10.0.0.9", endIpAddress: "10.0.0.1" }, POLL)).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("cluster extensions and deletes", () => {
  it("installs microsoft.flux, then a resource group delete removes everything in it", async () => {
    await resources.resourceGroups.createOrUpdate("rg-del", { location: "westeurope" });
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-del", "aks-del", clusterBody(), POLL);
    const ext = await extensions.extensions.beginCreateAndWait("rg-del", "Microsoft.ContainerService", "managedClusters", "aks-del", "flux", { extensionType: "microsoft.flux", configurationProtectedSettings: { secret: "x" } }, POLL);
    expect(ext).toMatchObject({ extensionType: "microsoft.flux", provisioningState: "Succeeded" });
    expect((await extensions.extensions.get("rg-del", "Microsoft.ContainerService", "managedClusters", "aks-del", "flux")).configurationProtectedSettings).toEqual({ secret: "" });
    await pg.servers.beginCreateOrUpdateAndWait("rg-del", "pg-del-123456", serverBody(), POLL);

    await resources.resourceGroups.beginDeleteAndWait("rg-del", POLL);
    await expect(resources.resourceGroups.get("rg-del")).rejects.toMatchObject({ statusCode: 404 });
    const state = await env.control<{ resources: { id: string }[]; clusters: { armId: string }[] }>("GET", "state");
    expect(state.resources.filter((r) => r.id.includes("rg-del"))).toEqual([]);
    expect(state.clusters.filter((c) => c.armId.includes("rg-del"))).toEqual([]);
    // Deleting what is already gone is a no-op, as in ARM.
    await aks.managedClusters.beginDeleteAndWait("rg-aks", "aks-gone", POLL);
  });
});
