import { ClientSecretCredential } from "@azure/identity";
import { ApiException, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { decodeJwt } from "jose";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "../src/cloud/groups.js";
import { armClients } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { POLL, startTestEmulator, TENANT, type TestEmulator } from "./support.js";

const AKS_SERVER = "6dae42f8-4368-4678-94ff-3960e28e3630";
const OPERATORS = "6a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const READERS = "7b2d3c4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";

let env: TestEmulator;
let server: string;

const credentialFor = (clientId: string) => new ClientSecretCredential(TENANT, clientId, "secret", { authorityHost: env.url, disableInstanceDiscovery: true, tlsOptions: { ca: env.ca } });

async function statusFor(clientId: string) {
  const token = (await credentialFor(clientId).getToken(`${AKS_SERVER}/.default`))?.token ?? "";
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: "c", server, caData: Buffer.from(env.ca).toString("base64") }], users: [{ name: "u", token }], contexts: [{ name: "x", cluster: "c", user: "u" }], currentContext: "x" });
  try {
    await kc.makeApiClient(CoreV1Api).listNamespace();
    return 200;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
}

beforeAll(async () => {
  vi.stubEnv("EMULATOR_GROUP_MEMBERS", JSON.stringify({ [OPERATORS]: ["engine-client"], [READERS]: ["engine-client", "reader-client"] }));
  env = await startTestEmulator();
  const { resources, aks } = armClients(env);
  await resources.resourceGroups.createOrUpdate("rg-groups", { location: "westeurope" });
  await aks.managedClusters.beginCreateOrUpdateAndWait("rg-groups", "aks-groups", clusterBody({ aadProfile: { managed: true, adminGroupObjectIDs: [OPERATORS] } }), POLL);
  const creds = await aks.managedClusters.listClusterUserCredentials("rg-groups", "aks-groups");
  server = (load(Buffer.from(creds.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8")) as { clusters: { cluster: { server: string } }[] }).clusters[0]?.cluster.server as string;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await env?.close();
});

describe("EMULATOR_GROUP_MEMBERS", () => {
  it("puts exactly the configured groups in each client's token, and no default group", async () => {
    const groups = async (clientId: string) => decodeJwt((await credentialFor(clientId).getToken(`${AKS_SERVER}/.default`))?.token ?? "").groups;
    expect(await groups("engine-client")).toEqual([OPERATORS, READERS]);
    expect(await groups("reader-client")).toEqual([READERS]);
    expect(await groups("nobody-client")).toEqual([]);
    expect(await groups("portal-client")).not.toContain(PLATFORM_ADMINS_GROUP_ID);
  });

  it("admits members of the cluster's admin groups only", async () => {
    expect(await statusFor("engine-client")).toBe(200);
    expect(await statusFor("reader-client")).toBe(403);
    expect(await statusFor("nobody-client")).toBe(403);
  });
});
