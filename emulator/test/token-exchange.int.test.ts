import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { StorageManagementClient } from "@azure/arm-storage";
import { ClientAssertionCredential, WorkloadIdentityCredential } from "@azure/identity";
import { BlobServiceClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionCluster } from "./cluster-setup.js";
import { msiClient, type Identity } from "./msi-client.js";
import { POLL, SUBSCRIPTION, type TestEmulator, startTestEmulator } from "./support.js";

/** Workload identity federation: a cluster's service account token exchanged for a managed identity's Entra token. */
let env: TestEmulator;
let identity: Identity;
let issuer: string;
let clusterKey: string;

const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUBJECT = "system:serviceaccount:airflow:airflow-worker";
const CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

beforeAll(async () => {
  env = await startTestEmulator();
  await provisionCluster(env, "rg-federation", "aks-federation", false);
  const state = await env.control<{ clusters: { key: string; armId: string }[] }>("GET", "state");
  clusterKey = state.clusters.find((c) => c.armId.endsWith("/aks-federation"))!.key;
  const msi = msiClient(env);
  identity = await msi.userAssignedIdentities.createOrUpdate("rg-federation", "id-airflow", { location: "westeurope" });
  ({ issuer } = await serviceAccountToken());
  await msi.federatedIdentityCredentials.createOrUpdate("rg-federation", "id-airflow", "airflow-worker", { properties: { issuer, subject: SUBJECT, audiences: ["api://AzureADTokenExchange"] } });
});
afterAll(() => env?.close());

const serviceAccountToken = (serviceAccount = "airflow-worker", extra: Record<string, unknown> = {}) =>
  env.control<{ token: string; issuer: string }>("POST", `clusters/${clusterKey}/service-account-token`, { namespace: "airflow", serviceAccount, ...extra });

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
const options = () => ({ authorityHost: env.url, disableInstanceDiscovery: true, tlsOptions: { ca: env.ca } });
const assertionCredential = (serviceAccount?: string, extra?: Record<string, unknown>) =>
  new ClientAssertionCredential(TENANT_ID, identity.properties!.clientId!, async () => (await serviceAccountToken(serviceAccount, extra)).token, options());
const refusal = (promise: Promise<unknown>) => promise.then(() => "", (e: Error) => e.message);

describe("token exchange", () => {
  it("gives the identity's token for a service account its federated credential names: oid is its principal", async () => {
    expect(issuer).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/72f988bf-86f1-41af-91ab-2d7cd011db47\/[0-9a-f-]{36}\/$/);
    const sa = claimsOf((await serviceAccountToken()).token);
    expect(sa).toMatchObject({ iss: issuer, sub: SUBJECT, aud: ["api://AzureADTokenExchange"] });

    const token = await assertionCredential().getToken("https://storage.azure.com/.default");
    expect(claimsOf(token.token)).toMatchObject({
      oid: identity.properties!.principalId,
      sub: identity.properties!.principalId,
      appid: identity.properties!.clientId,
      aud: "https://storage.azure.com",
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      tid: TENANT_ID,
    });
  });

  it("works through WorkloadIdentityCredential with the projected token's file, and the token opens the blob endpoint under the identity's role", async () => {
    const storage = new StorageManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    const account = await storage.storageAccounts.create("rg-federation", "stfederation", { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" }, allowSharedKeyAccess: false }, POLL);
    await storage.blobContainers.create("rg-federation", "stfederation", "airflow-logs", {});
    await new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions).roleAssignments.create(account.id!, randomUUID(), {
      principalId: identity.properties!.principalId!,
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
      principalType: "ServicePrincipal",
    });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "projected-")), "azure-identity-token");
    writeFileSync(file, (await serviceAccountToken()).token);
    const credential = new WorkloadIdentityCredential({ tenantId: TENANT_ID, clientId: identity.properties!.clientId!, tokenFilePath: file, ...options() });
    const blobs = new BlobServiceClient(account.primaryEndpoints!.blob!, credential, { tlsOptions: { ca: env.ca }, retryOptions: { maxTries: 1 } } as StoragePipelineOptions);
    await blobs.getContainerClient("airflow-logs").getBlockBlobClient("probe.log").upload("from the pod", 12);
    expect((await env.control<{ blobs: unknown[] }>("GET", "storage/stfederation/blobs")).blobs).toEqual([{ container: "airflow-logs", name: "probe.log", content: "from the pod" }]);
  });

  it("refuses a subject or an audience no credential names with AADSTS70021, and a bad or expired assertion", async () => {
    const wrongSubject = await refusal(assertionCredential("airflow-scheduler").getToken("https://storage.azure.com/.default"));
    expect(wrongSubject).toContain(
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: 'system:serviceaccount:airflow:airflow-scheduler'. Assertion Audience: 'api://AzureADTokenExchange'.`,
    );
    const wrongAudience = await refusal(assertionCredential("airflow-worker", { audience: "api://other" }).getToken("https://storage.azure.com/.default"));
    expect(wrongAudience).toContain("AADSTS70021");
    expect(wrongAudience).toContain("Assertion Audience: 'api://other'");

    const { token } = await serviceAccountToken();
    const [h, p, sig] = token.split(".") as [string, string, string];
    const tampered = `${h}.${p}.${sig.slice(0, -4)}${sig.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const forged = await refusal(new ClientAssertionCredential(TENANT_ID, identity.properties!.clientId!, async () => tampered, options()).getToken("https://storage.azure.com/.default"));
    expect(forged).toContain("AADSTS700027");
    const expired = await refusal(assertionCredential("airflow-worker", { lifetimeSeconds: -60 }).getToken("https://storage.azure.com/.default"));
    expect(expired).toContain("AADSTS700024");
  });
});
