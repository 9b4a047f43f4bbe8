import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ApisApi, CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, failNextDelete, serverBody } from "./arm-setup.js";
import { airflowValues, clusterBody, helmRelease, helmRepository, provisionCluster } from "./cluster-setup.js";
import { eventually, POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

type State = { clusters: { armId: string; fluxInstalled: boolean }[]; airflow: { clusterName: string }[] };

let env: TestEmulator;
let resources: ReturnType<typeof armClients>["resources"];
let aks: ReturnType<typeof armClients>["aks"];
let pg: ReturnType<typeof armClients>["pg"];
let extensions: ReturnType<typeof armClients>["extensions"];

beforeAll(async () => {
  env = await startTestEmulator();
  ({ resources, aks, pg, extensions } = armClients(env));
});
afterAll(() => env?.close());

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
    const nowhere = aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", "aks-nowhere", clusterBody({ location: "atlantis" }), POLL);
    await expect(nowhere).rejects.toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceType" });
    await expect(nowhere).rejects.toThrow(/'atlantis' is not available for resource type 'Microsoft\.ContainerService\/managedClusters'/);
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

describe("managed cluster deletes", () => {
  it("deletes a cluster: it answers 404 ResourceNotFound and its API server goes", async () => {
    await resources.resourceGroups.createOrUpdate("rg-aks-doomed", { location: "westeurope" });
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks-doomed", "aks-doomed", clusterBody(), POLL);
    const poller = await aks.managedClusters.beginDelete("rg-aks-doomed", "aks-doomed", POLL);
    expect((await aks.managedClusters.get("rg-aks-doomed", "aks-doomed")).provisioningState).toBe("Deleting");
    await poller.pollUntilDone();

    await expect(aks.managedClusters.get("rg-aks-doomed", "aks-doomed")).rejects.toMatchObject({ name: "RestError", statusCode: 404, code: "ResourceNotFound" });
    const left = [];
    for await (const c of aks.managedClusters.listByResourceGroup("rg-aks-doomed")) left.push(c.name);
    expect(left).toEqual([]);
    const state = await env.control<State>("GET", "state");
    expect(state.clusters.filter((c) => c.armId.includes("aks-doomed"))).toEqual([]);
  });
});

describe("a managed cluster delete that fails", () => {
  it("leaves the cluster Failed, as AKS does, and a PUT brings it back", async () => {
    await resources.resourceGroups.createOrUpdate("rg-aks-undeleted", { location: "westeurope" });
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks-undeleted", "aks-undeleted", clusterBody(), POLL);
    await failNextDelete(env, "aks-undeleted");
    await expect(aks.managedClusters.beginDeleteAndWait("rg-aks-undeleted", "aks-undeleted", POLL)).rejects.toThrow(/InternalOperationError/);
    expect((await aks.managedClusters.get("rg-aks-undeleted", "aks-undeleted")).provisioningState).toBe("Failed");
    const repaired = await aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks-undeleted", "aks-undeleted", clusterBody(), POLL);
    expect(repaired).toMatchObject({ provisioningState: "Succeeded", powerState: { code: "Running" } });
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

describe("the Flux extension", () => {
  const ext = ["Microsoft.ContainerService", "managedClusters"] as const;

  it("lists it, and deleting it takes the Flux kinds and their releases out of the cluster", async () => {
    const { kc } = await provisionCluster(env, "rg-flux-ext", "aks-flux-ext");
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    const groups = async () => (await kc.makeApiClient(ApisApi).getAPIVersions()).groups.map((g) => g.name);
    await core.createNamespace({ body: { metadata: { name: "airflow" } } });
    for (const obj of [helmRepository(), helmRelease(airflowValues("LocalExecutor"))]) {
      await objects.patch(obj as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
    }
    await eventually(async () => ((await env.control<State>("GET", "state")).airflow.some((a) => a.clusterName === "aks-flux-ext") ? true : undefined), 10_000, "the release's Airflow");
    expect(await groups()).toEqual(expect.arrayContaining(["helm.toolkit.fluxcd.io", "source.toolkit.fluxcd.io"]));

    const listed = [];
    for await (const e of extensions.extensions.list("rg-flux-ext", ...ext, "aks-flux-ext")) listed.push([e.name, e.extensionType, e.provisioningState]);
    expect(listed).toEqual([["flux", "microsoft.flux", "Succeeded"]]);

    await extensions.extensions.beginDeleteAndWait("rg-flux-ext", ...ext, "aks-flux-ext", "flux", POLL);
    await expect(extensions.extensions.get("rg-flux-ext", ...ext, "aks-flux-ext", "flux")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    const after = [];
    for await (const e of extensions.extensions.list("rg-flux-ext", ...ext, "aks-flux-ext")) after.push(e.name);
    expect(after).toEqual([]);

    // As on AKS, the CRDs go with the extension, and the releases with them.
    const remaining = await groups();
    expect(remaining).not.toContain("helm.toolkit.fluxcd.io");
    expect(remaining).not.toContain("source.toolkit.fluxcd.io");
    await expect(objects.list("helm.toolkit.fluxcd.io/v2", "HelmRelease", "airflow")).rejects.toMatchObject({ code: 404 });
    const state = await env.control<State>("GET", "state");
    expect(state.clusters.find((c) => c.armId.includes("aks-flux-ext"))?.fluxInstalled).toBe(false);
    await eventually(async () => ((await env.control<State>("GET", "state")).airflow.some((a) => a.clusterName === "aks-flux-ext") ? undefined : true), 5_000, "the release's Airflow to go");
    expect((await core.listNamespacedService({ namespace: "airflow" })).items).toEqual([]);
    // The cluster itself is untouched.
    expect((await core.readNamespace({ name: "airflow" })).metadata?.name).toBe("airflow");
  });
});
