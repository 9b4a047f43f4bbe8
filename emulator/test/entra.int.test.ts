import { ClientSecretCredential } from "@azure/identity";
import { ApiException, ApisApi, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { decodeJwt } from "jose";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { objectIdOf, PLATFORM_ADMINS_GROUP_ID } from "../src/cloud/groups.js";
import { armClients } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { POLL, startTestEmulator, TENANT, type TestEmulator } from "./support.js";

type Kubeconfig = { clusters: { cluster: Record<string, string> }[]; users: { user: Record<string, unknown> }[] };

const AKS_SERVER = "6dae42f8-4368-4678-94ff-3960e28e3630";
const OTHER_GROUP = "0b8e7f2c-1d4a-4e5b-9c6d-7e8f9a0b1c2d";

let env: TestEmulator;
let aks: ReturnType<typeof armClients>["aks"];

const kubeconfigOf = (creds: { kubeconfigs?: { value?: Uint8Array }[] }) => Buffer.from(creds.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8");

/** A client-node client of `server` that sends an Entra token for the AKS server application. */
async function asClient(server: string, credential = env.credential) {
  const token = (await credential.getToken(`${AKS_SERVER}/.default`))?.token ?? "";
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: "c", server, caData: Buffer.from(env.ca).toString("base64") }], users: [{ name: "u", token }], contexts: [{ name: "x", cluster: "c", user: "u" }], currentContext: "x" });
  return kc;
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) return { code: err.code, body: (typeof err.body === "string" ? JSON.parse(err.body) : (err.body ?? {})) as { kind: string; reason: string; message: string } };
    throw err;
  }
  throw new Error("expected the call to fail");
};

beforeAll(async () => {
  env = await startTestEmulator();
  const clients = armClients(env);
  aks = clients.aks;
  await clients.resources.resourceGroups.createOrUpdate("rg-entra", { location: "westeurope" });
});
afterAll(() => env?.close());

describe("AKS-managed Entra clusters", () => {
  it("refuses disableLocalAccounts without managed Entra integration, as AKS does since 1.25", async () => {
    const body = clusterBody({ disableLocalAccounts: true });
    const create = aks.managedClusters.beginCreateOrUpdateAndWait("rg-entra", "aks-local-off", body, POLL);
    await expect(create).rejects.toMatchObject({ statusCode: 400, code: "BadRequest" });
    await expect(create).rejects.toThrow(/disableLocalAccounts can only be set on Azure AD integration enabled cluster/);
  });

  it("refuses the admin credential when local accounts are disabled, and hands out a kubelogin user kubeconfig", async () => {
    const body = clusterBody({ disableLocalAccounts: true, aadProfile: { managed: true, adminGroupObjectIDs: [PLATFORM_ADMINS_GROUP_ID] } });
    const cluster = await aks.managedClusters.beginCreateOrUpdateAndWait("rg-entra", "aks-entra", body, POLL);
    expect(cluster).toMatchObject({ disableLocalAccounts: true, aadProfile: { managed: true, adminGroupObjectIDs: [PLATFORM_ADMINS_GROUP_ID], tenantID: expect.stringMatching(/^[0-9a-f-]{36}$/) } });

    const admin = aks.managedClusters.listClusterAdminCredentials("rg-entra", "aks-entra");
    await expect(admin).rejects.toMatchObject({ name: "RestError", statusCode: 400, code: "BadRequest" });
    await expect(admin).rejects.toThrow("Getting static credential is not allowed because this cluster is set to disable local accounts.");

    const kubeconfig = load(kubeconfigOf(await aks.managedClusters.listClusterUserCredentials("rg-entra", "aks-entra"))) as Kubeconfig;
    expect(kubeconfig.clusters[0]?.cluster.server).toMatch(new RegExp(`^${env.url}/k8s/aks-entra-[0-9a-f]{8}$`));
    expect(Buffer.from(kubeconfig.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64").toString()).toBe(env.ca);
    const user = kubeconfig.users[0]?.user ?? {};
    expect(user.token).toBeUndefined();
    expect(user.exec).toMatchObject({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "kubelogin",
      args: ["get-token", "--login", "devicecode", "--server-id", AKS_SERVER, "--client-id", "80faf920-1908-4b52-b5ef-a8e7bedfc67a", "--tenant-id", cluster.aadProfile?.tenantID, "--environment", "AzurePublicCloud"],
    });
  });

  it("lets in an AKS-audience token from a member of an admin group: by default every client", async () => {
    const token = decodeJwt((await env.credential.getToken(`${AKS_SERVER}/.default`))?.token ?? "");
    expect(token).toMatchObject({ aud: AKS_SERVER, appid: "portal-client", oid: objectIdOf("portal-client"), groups: [PLATFORM_ADMINS_GROUP_ID] });
    expect(token.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);

    const server = (load(kubeconfigOf(await aks.managedClusters.listClusterUserCredentials("rg-entra", "aks-entra"))) as Kubeconfig).clusters[0]?.cluster.server as string;
    const core = (await asClient(server)).makeApiClient(CoreV1Api);
    expect((await core.listNamespace()).items.map((n) => n.metadata?.name)).toContain("default");
    await core.createNamespace({ body: { metadata: { name: "airflow" } } });
  });

  it("forbids a token whose groups are not the cluster's admin groups, in Kubernetes RBAC's words", async () => {
    const body = clusterBody({ aadProfile: { managed: true, adminGroupObjectIDs: [OTHER_GROUP] } });
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-entra", "aks-others", body, POLL);
    const adminKubeconfig = kubeconfigOf(await aks.managedClusters.listClusterAdminCredentials("rg-entra", "aks-others"));
    const server = (load(adminKubeconfig) as Kubeconfig).clusters[0]?.cluster.server as string;
    const kc = await asClient(server);
    const core = kc.makeApiClient(CoreV1Api);
    const oid = objectIdOf("portal-client");

    const list = await failure(core.listNamespace());
    expect(list).toMatchObject({ code: 403, body: { kind: "Status", reason: "Forbidden", message: `namespaces is forbidden: User "${oid}" cannot list resource "namespaces" in API group "" at the cluster scope` } });
    const create = await failure(core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s" } } }));
    expect(create.body.message).toBe(`secrets is forbidden: User "${oid}" cannot create resource "secrets" in API group "" in the namespace "default"`);
    const read = await failure(core.readNamespace({ name: "default" }));
    expect(read.body.message).toBe(`namespaces "default" is forbidden: User "${oid}" cannot get resource "namespaces" in API group "" at the cluster scope`);
    // Discovery is open to any authenticated user; the cluster's local admin account still works.
    expect((await kc.makeApiClient(ApisApi).getAPIVersions()).kind).toBe("APIGroupList");
    const local = new KubeConfig();
    local.loadFromString(adminKubeconfig);
    expect((await local.makeApiClient(CoreV1Api).listNamespace()).items.length).toBeGreaterThan(0);
  });

  it("keeps Entra tokens out of a cluster without Entra integration, and its static user token working", async () => {
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg-entra", "aks-plain", clusterBody(), POLL);
    const userKubeconfig = kubeconfigOf(await aks.managedClusters.listClusterUserCredentials("rg-entra", "aks-plain"));
    const server = (load(userKubeconfig) as Kubeconfig).clusters[0]?.cluster.server as string;
    expect((await failure((await asClient(server)).makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
    const kc = new KubeConfig();
    kc.loadFromString(userKubeconfig);
    expect((await kc.makeApiClient(CoreV1Api).listNamespace()).items.length).toBeGreaterThan(0);
  });

  it("gives each client its own stable object id", async () => {
    const other = new ClientSecretCredential(TENANT, "engine-client", "engine-secret", { authorityHost: env.url, disableInstanceDiscovery: true, tlsOptions: { ca: env.ca } });
    const a = decodeJwt((await other.getToken(`${AKS_SERVER}/.default`))?.token ?? "");
    const b = decodeJwt((await other.getToken("https://management.azure.com/.default"))?.token ?? "");
    expect(a.oid).toBe(b.oid);
    expect(a.oid).toBe(objectIdOf("engine-client"));
    expect(a.oid).not.toBe(objectIdOf("portal-client"));
  });
});
