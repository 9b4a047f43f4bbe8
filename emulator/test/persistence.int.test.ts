import { ContainerServiceClient } from "@azure/arm-containerservice";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { ResourceManagementClient } from "@azure/arm-resources";
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, clusterBody, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { eventually, POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

type State = { resources: { id: string }[]; counts: Record<string, { created: number; puts: number; deletes: number }>; airflow: { url: string }[] };

let env: TestEmulator;

beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env?.close());

describe("state across a restart", () => {
  it("keeps resources, objects, tokens and Airflow addresses, and finishes in-flight operations", async () => {
    const resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    const aks = new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions);
    const pg = new PostgreSQLManagementFlexibleServerClient(env.credential, SUBSCRIPTION, env.clientOptions);

    const { kc } = await provisionCluster(env, "rg-keep", "aks-keep");
    await provisionDatabase(env, "rg-keep", "aks-keep");
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "airflow" } } });
    for (const secret of airflowSecrets()) await objects.create(secret);
    await objects.patch(helmRepository() as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
    await objects.patch(helmRelease(airflowValues("LocalExecutor")) as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
    const before = await eventually(async () => {
      const s = await env.control<State>("GET", "state");
      const hr = await objects.read<KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } }>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
      const ready = hr.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      return s.airflow.length === 1 && ready ? s : undefined;
    }, 30_000, "the release to be Ready");
    const airflowUrl = before.airflow[0]?.url as string;
    expect((await fetch(airflowUrl)).status).toBe(200);

    // An operation still running when the emulator stops.
    await env.control("PATCH", "latencies", { postgresServer: 1500 });
    const poller = await pg.servers.beginCreateOrUpdate("rg-keep", "pg-keep-abcdef", { location: "westeurope", sku: { name: "Standard_B1ms", tier: "Burstable" }, administratorLogin: "airflowadmin", administratorLoginPassword: "S3cure-Passw0rd!" }, POLL);

    await env.restart();

    const after = await env.control<State>("GET", "state");
    expect(after.resources.map((r) => r.id)).toEqual(expect.arrayContaining(before.resources.map((r) => r.id)));
    expect(after.resources.some((r) => r.id.includes("pg-keep-abcdef"))).toBe(true);
    const server = await poller.pollUntilDone();
    expect(server.state).toBe("Ready");

    // Nothing was created twice, and a PUT of what exists is an update.
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-keep", "aks-keep", clusterBody(), POLL);
    await resources.resourceGroups.createOrUpdate("rg-keep", { location: "westeurope" });
    const counts = (await env.control<State>("GET", "state")).counts;
    for (const [id, c] of Object.entries(counts)) expect(c.created, id).toBeLessThanOrEqual(1);
    expect(counts[`/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-keep/providers/microsoft.containerservice/managedclusters/aks-keep`]).toMatchObject({ created: 1, puts: 2 });

    // The old kubeconfig and the objects in the cluster are still good, and Airflow answers where it did.
    expect((await core.readNamespace({ name: "airflow" })).metadata?.name).toBe("airflow");
    const hr = await objects.read<KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } }>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
    expect(hr.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect((await fetch(`${airflowUrl}api/v2/monitor/health`)).status).toBe(200);
    expect((await env.control<State>("GET", "state")).airflow[0]?.url).toBe(airflowUrl);
  });

  it("puts back a resource whose delete fails after a restart", async () => {
    const resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    const aks = new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions);
    await resources.resourceGroups.createOrUpdate("rg-half-deleted", { location: "westeurope" });
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-half-deleted", "aks-half-deleted", clusterBody(), POLL);
    await env.control("PATCH", "latencies", { delete: 1500 });
    await env.control("POST", "faults", [
      { type: "operationFailed", code: "InternalOperationError", match: { kind: "delete", name: "rg-half-deleted" }, count: 1 },
      { type: "operationFailed", code: "InternalOperationError", match: { kind: "delete", name: "aks-half-deleted" }, count: 1 },
    ]);
    const groupDelete = await resources.resourceGroups.beginDelete("rg-half-deleted", POLL);
    const clusterDelete = await aks.managedClusters.beginDelete("rg-half-deleted", "aks-half-deleted", POLL);
    expect((await resources.resourceGroups.get("rg-half-deleted")).properties?.provisioningState).toBe("Deleting");

    await env.restart();

    await expect(groupDelete.pollUntilDone()).rejects.toThrow(/InternalOperationError/);
    await expect(clusterDelete.pollUntilDone()).rejects.toThrow(/InternalOperationError/);
    expect((await resources.resourceGroups.get("rg-half-deleted")).properties?.provisioningState).toBe("Succeeded");
    expect((await aks.managedClusters.get("rg-half-deleted", "aks-half-deleted")).provisioningState).toBe("Failed");
    await resources.resourceGroups.createOrUpdate("rg-half-deleted", { location: "westeurope", tags: { retried: "yes" } });
  });
});
