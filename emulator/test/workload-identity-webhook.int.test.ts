import { AppsV1Api, CoreV1Api, type V1Container, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionCluster } from "./cluster-setup.js";
import { eventually, startTestEmulator, type TestEmulator } from "./support.js";

/** AKS's workload identity webhook: what a pod gets at creation, through the real client-node. */
let env: TestEmulator;
let core: CoreV1Api;
let apps: AppsV1Api;
let plainCore: CoreV1Api;

const CLIENT_ID = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const NS = "wi";

const container = (name: string, extra: Partial<V1Container> = {}): V1Container => ({ name, image: "apache/airflow:3.0.2", ...extra });
const pod = (name: string, serviceAccountName: string, labelled: boolean, extra: Partial<V1Pod["spec"]> = {}): V1Pod => ({
  metadata: { name, labels: labelled ? { "azure.workload.identity/use": "true", app: name } : { app: name } },
  spec: { serviceAccountName, containers: [container("base")], ...extra },
});
const envOf = (c: V1Container | undefined) => Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

beforeAll(async () => {
  env = await startTestEmulator();
  const cluster = await provisionCluster(env, "rg-webhook", "aks-webhook", false);
  core = cluster.kc.makeApiClient(CoreV1Api);
  apps = cluster.kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: "federated", annotations: { "azure.workload.identity/client-id": CLIENT_ID } } } });
  await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: "plain" } } });
  await core.createNamespacedServiceAccount({
    namespace: NS,
    body: { metadata: { name: "other-tenant", annotations: { "azure.workload.identity/client-id": CLIENT_ID, "azure.workload.identity/tenant-id": "33333333-3333-4333-8333-333333333333" } } },
  });
  const off = await provisionCluster(env, "rg-webhook", "aks-no-wi", false, { securityProfile: { workloadIdentity: { enabled: false } } });
  plainCore = off.kc.makeApiClient(CoreV1Api);
  await plainCore.createNamespace({ body: { metadata: { name: NS } } });
  await plainCore.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: "federated", annotations: { "azure.workload.identity/client-id": CLIENT_ID } } } });
});
afterAll(() => env?.close());

describe("the workload identity webhook", () => {
  it("gives a labelled pod of an annotated service account azure-identity's environment and the projected token, in every container", async () => {
    const created = await core.createNamespacedPod({
      namespace: NS,
      body: pod("task", "federated", true, { initContainers: [container("wait")], containers: [container("base", { env: [{ name: "AIRFLOW__CORE__EXECUTOR", value: "KubernetesExecutor" }] }), container("sidecar")] }),
    });
    // The answer to the create already carries the mutation, and so does what is stored.
    for (const p of [created, await core.readNamespacedPod({ name: "task", namespace: NS })]) {
      for (const c of [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])]) {
        expect(envOf(c)).toMatchObject({
          AZURE_CLIENT_ID: CLIENT_ID,
          AZURE_TENANT_ID: TENANT_ID,
          AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token",
          AZURE_AUTHORITY_HOST: `${env.url}/`,
        });
        expect(c.volumeMounts).toContainEqual({ name: "azure-identity-token", mountPath: "/var/run/secrets/azure/tokens", readOnly: true });
      }
      expect(p.spec?.volumes).toContainEqual({
        name: "azure-identity-token",
        projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: "api://AzureADTokenExchange", expirationSeconds: 3600, path: "azure-identity-token" } }] },
      });
    }
    // What the container had stays first and untouched.
    expect(created.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(["AIRFLOW__CORE__EXECUTOR", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST"]);
  });

  it("keeps a variable the pod sets itself, takes the tenant from the service account's annotation and the expiration from the pod's", async () => {
    const body = pod("own-client", "other-tenant", true, { containers: [container("base", { env: [{ name: "AZURE_CLIENT_ID", value: "mine" }] })] });
    body.metadata!.annotations = { "azure.workload.identity/service-account-token-expiration": "7200" };
    const created = await core.createNamespacedPod({ namespace: NS, body });
    const vars = envOf(created.spec?.containers[0]);
    expect(vars.AZURE_CLIENT_ID).toBe("mine");
    expect(vars.AZURE_TENANT_ID).toBe("33333333-3333-4333-8333-333333333333");
    expect(created.spec?.volumes?.find((v) => v.name === "azure-identity-token")?.projected?.sources?.[0]?.serviceAccountToken?.expirationSeconds).toBe(7200);
  });

  it("leaves alone a pod without the label, a pod whose service account has no client id, and pods of a cluster without workload identity", async () => {
    const untouched = async (api: CoreV1Api, name: string, sa: string, labelled: boolean) => {
      const created = await api.createNamespacedPod({ namespace: NS, body: pod(name, sa, labelled) });
      expect(created.spec?.containers[0]?.env ?? []).toEqual([]);
      expect(created.spec?.containers[0]?.volumeMounts ?? []).toEqual([]);
      expect((created.spec?.volumes ?? []).map((v) => v.name)).not.toContain("azure-identity-token");
    };
    await untouched(core, "unlabelled", "federated", false);
    await untouched(core, "not-federated", "plain", true);
    await untouched(core, "no-account", "missing", true);
    await untouched(plainCore, "addon-off", "federated", true);
  });

  it("mutates the pods a controller makes from a labelled template too", async () => {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: "scheduler" },
        spec: {
          selector: { matchLabels: { app: "scheduler" } },
          template: { metadata: { labels: { app: "scheduler", "azure.workload.identity/use": "true" } }, spec: { serviceAccountName: "federated", containers: [container("scheduler")] } },
        },
      },
    });
    const made = await eventually(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: "app=scheduler" })).items[0], 10_000, "the Deployment's pod");
    expect(envOf(made.spec?.containers[0]).AZURE_CLIENT_ID).toBe(CLIENT_ID);
    // The Deployment's own template is not mutated: only pods are.
    const deployment = await apps.readNamespacedDeployment({ name: "scheduler", namespace: NS });
    expect(deployment.spec?.template.spec?.containers[0]?.env ?? []).toEqual([]);
  });
});
