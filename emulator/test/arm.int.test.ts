import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, failNextDelete } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { POLL, request, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

let env: TestEmulator;
let resources: ReturnType<typeof armClients>["resources"];
let aks: ReturnType<typeof armClients>["aks"];

beforeAll(async () => {
  env = await startTestEmulator();
  ({ resources, aks } = armClients(env));
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

  it("accepts Azure's region names in any spelling, and refuses an unknown location", async () => {
    for (const [given, canonical] of [["Sweden Central", "swedencentral"], ["GermanyWestCentral", "germanywestcentral"], ["east us 2", "eastus2"]]) {
      expect((await resources.resourceGroups.createOrUpdate(`rg-${canonical}`, { location: given as string })).location).toBe(canonical);
    }
    const refused = resources.resourceGroups.createOrUpdate("rg-nowhere", { location: "westeruope" });
    await expect(refused).rejects.toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceGroup" });
    await expect(refused).rejects.toThrow(/'westeruope' is not available for resource group\. List of available regions is '.*westeurope.*'/);
    await expect(resources.resourceGroups.get("rg-nowhere")).rejects.toMatchObject({ statusCode: 404 });
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

describe("a resource group delete that fails", () => {
  it("leaves the group and what is in it usable", async () => {
    await resources.resourceGroups.createOrUpdate("rg-undeleted", { location: "westeurope", tags: { environment: "dev" } });
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-undeleted", "aks-undeleted", clusterBody(), POLL);
    await failNextDelete(env, "rg-undeleted");
    await expect(resources.resourceGroups.beginDeleteAndWait("rg-undeleted", POLL)).rejects.toMatchObject({ code: "InternalOperationError", message: "The delete could not be completed." });

    expect((await resources.resourceGroups.get("rg-undeleted")).properties?.provisioningState).toBe("Succeeded");
    const again = await resources.resourceGroups.createOrUpdate("rg-undeleted", { location: "westeurope", tags: { environment: "dev", retried: "yes" } });
    expect(again.tags).toEqual({ environment: "dev", retried: "yes" });
    expect((await aks.managedClusters.get("rg-undeleted", "aks-undeleted")).provisioningState).toBe("Succeeded");
    // A second delete, without the fault, goes through.
    await resources.resourceGroups.beginDeleteAndWait("rg-undeleted", POLL);
    await expect(resources.resourceGroups.get("rg-undeleted")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });
});

describe("the control API", () => {
  it("POST /_emulator/reset empties the cloud and clears faults", async () => {
    await resources.resourceGroups.createOrUpdate("rg-before-reset", { location: "westeurope" });
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-before-reset", "aks-before-reset", clusterBody(), POLL);
    await env.control("POST", "faults", { type: "http", status: 500, match: { kind: "postgresServer" } });
    await env.control("PATCH", "latencies", { managedCluster: 12_345 });

    const answer = await env.control<{ resources: unknown[] }>("POST", "reset");
    expect(answer.resources).toEqual([]);
    const state = await env.control<Record<string, unknown> & { latencies: { managedCluster: number } }>("GET", "state");
    expect(state).toMatchObject({ resources: [], counts: {}, operations: [], clusters: [], airflow: [], faults: [] });
    expect(state.latencies.managedCluster).not.toBe(12_345);
    await expect(resources.resourceGroups.get("rg-before-reset")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    // The cloud works as new afterwards.
    expect((await resources.resourceGroups.createOrUpdate("rg-before-reset", { location: "westeurope" })).properties?.provisioningState).toBe("Succeeded");
  });
});
