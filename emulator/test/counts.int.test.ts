import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients, serverBody } from "./arm-setup.js";
import { airflowValues, helmRelease, helmRepository, provisionCluster } from "./cluster-setup.js";
import { POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

type Counter = { created: number; puts?: number; deletes: number };
type State = { counts: Record<string, Counter>; countsByType: Record<string, Counter>; kubeCounts: Record<string, Record<string, Counter>>; clusters: { key: string; armId: string }[] };

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env?.close());

describe("creation counts in the state dump", () => {
  it("counts each ARM resource and each Kubernetes object's creations, across deletes and re-creations", async () => {
    const { pg } = armClients(env);
    const { kc } = await provisionCluster(env, "rg-count", "aks-count");
    await pg.servers.beginCreateOrUpdateAndWait("rg-count", "pg-count-123456", serverBody(), POLL);
    // A PATCH (a password reset) is counted apart: "puts" stays what creation attempts sent.
    await pg.servers.beginUpdateAndWait("rg-count", "pg-count-123456", { administratorLoginPassword: "An0ther-Passw0rd!" }, POLL);
    await pg.databases.beginCreateAndWait("rg-count", "pg-count-123456", "airflow", {}, POLL);
    await pg.firewallRules.beginCreateOrUpdateAndWait("rg-count", "pg-count-123456", "aks-outbound", { startIpAddress: "20.1.2.3", endIpAddress: "20.1.2.3" }, POLL);

    const core = kc.makeApiClient(CoreV1Api);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const apply = (obj: object) => objects.patch(obj as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
    await core.createNamespace({ body: { metadata: { name: "airflow" } } });
    await core.createNamespacedSecret({ namespace: "airflow", body: { metadata: { name: "airflow-metadata" }, stringData: { connection: "x" } } });
    await core.deleteNamespacedSecret({ name: "airflow-metadata", namespace: "airflow" });
    await core.createNamespacedSecret({ namespace: "airflow", body: { metadata: { name: "airflow-metadata" }, stringData: { connection: "y" } } });
    for (let i = 0; i < 2; i++) {
      await apply(helmRepository());
      await apply(helmRelease(airflowValues("LocalExecutor")));
    }

    const state = await env.control<State>("GET", "state");
    const rg = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-count`;
    const cluster = `${rg}/providers/microsoft.containerservice/managedclusters/aks-count`;
    const server = `${rg}/providers/microsoft.dbforpostgresql/flexibleservers/pg-count-123456`;
    for (const id of [rg, cluster, `${cluster}/providers/microsoft.kubernetesconfiguration/extensions/flux`, server, `${server}/databases/airflow`, `${server}/firewallrules/aks-outbound`, `/subscriptions/${SUBSCRIPTION}/resourcegroups/mc_rg-count_aks-count_westeurope`]) {
      expect(state.counts[id], id).toMatchObject({ created: 1, deletes: 0 });
    }
    expect(state.counts[server]).toMatchObject({ puts: 1, patches: 1 });
    expect(state.countsByType["microsoft.network/publicipaddresses"]).toMatchObject({ created: 1 });

    const key = state.clusters.find((c) => c.armId.toLowerCase() === cluster)?.key as string;
    expect(state.kubeCounts[key]).toMatchObject({
      "Namespace/airflow": { created: 1, deletes: 0 },
      "Secret/airflow/airflow-metadata": { created: 2, deletes: 1 },
      "HelmRepository/airflow/apache-airflow": { created: 1, deletes: 0 },
      "HelmRelease/airflow/airflow": { created: 1, deletes: 0 },
    });
  });
});
