import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { StorageManagementClient } from "@azure/arm-storage";
import { BlobServiceClient, StorageSharedKeyCredential, type StoragePipelineOptions } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { failure } from "./msi-client.js";
import { POLL, request, SUBSCRIPTION, type TestEmulator, startTestEmulator } from "./support.js";

/** Storage accounts and containers through ARM, and their blob endpoint behind Entra authorization. */
let env: TestEmulator;
let storage: StorageManagementClient;
let clients: ReturnType<typeof armClients>;

beforeAll(async () => {
  env = await startTestEmulator();
  storage = new StorageManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  clients = armClients(env);
});
afterAll(() => env?.close());

const CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const settings = { allowSharedKeyAccess: false, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false } as const;
/** What the product sends (the SDK flattens the properties; `enableHttpsTrafficOnly` is `supportsHttpsTrafficOnly` on the wire). */
const accountBody = { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" }, ...settings, enableHttpsTrafficOnly: true } as const;
const blobOptions = () => ({ tlsOptions: { ca: env.ca }, retryOptions: { maxTries: 1 } }) as StoragePipelineOptions;
const text = async (download: Promise<{ readableStreamBody?: NodeJS.ReadableStream }>) => {
  const chunks: Buffer[] = [];
  for await (const c of (await download).readableStreamBody!) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
};

describe("storage accounts", () => {
  it("are created through the poller (202, then the account), read, updated, listed and deleted", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-storage", { location: "westeurope" });
    const account = await storage.storageAccounts.create("rg-storage", "stairflowlogs1", { ...accountBody, tags: { env: "e1" } }, POLL);
    expect(account).toMatchObject({
      name: "stairflowlogs1",
      kind: "StorageV2",
      location: "westeurope",
      sku: { name: "Standard_LRS", tier: "Standard" },
      tags: { env: "e1" },
      provisioningState: "Succeeded",
      allowSharedKeyAccess: false,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      enableHttpsTrafficOnly: true,
    });
    expect(account.primaryEndpoints?.blob).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/stairflowlogs1\/$/);

    // The initial answer is the provider's: 202 with a Location only.
    const raw = await request(`${env.url}/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/stairflowlogs2?api-version=2026-06-01`, {
      ca: env.ca,
      method: "PUT",
      body: { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" }, properties: { ...settings, supportsHttpsTrafficOnly: true } },
      headers: { authorization: `Bearer ${(await env.credential.getToken(`${env.url}/.default`)).token}` },
    });
    expect(raw.status).toBe(202);
    expect(raw.headers.location).toMatch(/\/providers\/Microsoft\.Storage\/locations\/westeurope\/asyncoperations\//);
    expect(raw.headers["azure-asyncoperation"]).toBeUndefined();

    // A PUT of an existing account updates it at once.
    expect((await storage.storageAccounts.create("rg-storage", "stairflowlogs1", { ...accountBody, tags: { env: "e2" } }, POLL)).tags).toEqual({ env: "e2" });
    expect((await storage.storageAccounts.update("rg-storage", "stairflowlogs1", { tags: { env: "e3" } })).tags).toEqual({ env: "e3" });
    expect((await storage.storageAccounts.getProperties("rg-storage", "stairflowlogs1")).tags).toEqual({ env: "e3" });
    const names: string[] = [];
    for await (const a of storage.storageAccounts.listByResourceGroup("rg-storage")) names.push(a.name ?? "");
    expect(names.sort()).toEqual(["stairflowlogs1", "stairflowlogs2"]);

    await storage.storageAccounts.delete("rg-storage", "stairflowlogs2");
    expect(await failure(storage.storageAccounts.getProperties("rg-storage", "stairflowlogs2"))).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("refuse bad and taken names", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-storage-rules", { location: "westeurope" });
    for (const bad of ["ab", "UpperCase1", "has-hyphen", "a".repeat(25)]) {
      const refused = await failure(storage.storageAccounts.create("rg-storage-rules", bad, accountBody, POLL));
      expect(refused).toMatchObject({ statusCode: 400, code: "AccountNameInvalid" });
      expect(refused.message).toBe(`${bad} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`);
    }
    await storage.storageAccounts.create("rg-storage-rules", "sttaken", accountBody, POLL);
    await clients.resources.resourceGroups.createOrUpdate("rg-storage-other", { location: "westeurope" });
    const taken = await failure(storage.storageAccounts.create("rg-storage-other", "sttaken", accountBody, POLL));
    expect(taken).toMatchObject({ statusCode: 409, code: "StorageAccountAlreadyTaken", message: "The storage account named sttaken is already taken." });
  });

  it("have containers through ARM that exist in the data plane, refuse public access, and go with their resource group", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-storage-gone", { location: "westeurope" });
    await storage.storageAccounts.create("rg-storage-gone", "stgone", accountBody, POLL);
    const created = await storage.blobContainers.create("rg-storage-gone", "stgone", "airflow-logs", {});
    expect(created).toMatchObject({ name: "airflow-logs", publicAccess: "None" });
    expect(await failure(storage.blobContainers.create("rg-storage-gone", "stgone", "Bad_Name", {}))).toMatchObject({ statusCode: 400 });
    const refused = await failure(storage.blobContainers.create("rg-storage-gone", "stgone", "public", { publicAccess: "Container" }));
    expect(refused).toMatchObject({ statusCode: 409, code: "PublicAccessNotPermitted", message: "Public access is not permitted on this storage account." });
    const listed: string[] = [];
    for await (const c of storage.blobContainers.list("rg-storage-gone", "stgone")) listed.push(c.name ?? "");
    expect(listed).toEqual(["airflow-logs"]);
    expect((await env.control<{ blobs: unknown[] }>("GET", "storage/stgone/blobs")).blobs).toEqual([]);

    // The container is in the data plane: a writer sees it.
    const principalId = randomUUID();
    const accountId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-storage-gone/providers/Microsoft.Storage/storageAccounts/stgone`;
    await new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions).roleAssignments.create(accountId, randomUUID(), {
      principalId: (await tokenOid(env)) ?? principalId,
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
    });
    const blobs = new BlobServiceClient((await storage.storageAccounts.getProperties("rg-storage-gone", "stgone")).primaryEndpoints!.blob!, env.credential, blobOptions());
    await blobs.getContainerClient("airflow-logs").getBlockBlobClient("a.log").upload("hello", 5);
    expect((await env.control<{ blobs: unknown[] }>("GET", "storage/stgone/blobs")).blobs).toEqual([{ container: "airflow-logs", name: "a.log", content: "hello" }]);

    await clients.resources.resourceGroups.beginDeleteAndWait("rg-storage-gone", POLL);
    expect(await failure(storage.storageAccounts.getProperties("rg-storage-gone", "stgone"))).toMatchObject({ statusCode: 404 });
    const gone = await request(`${env.url}/_emulator/storage/stgone/blobs`, { ca: env.ca });
    expect(gone.status).toBe(404);
  });
});

/** The `oid` of the portal client's storage tokens. */
async function tokenOid(e: TestEmulator): Promise<string | undefined> {
  const token = (await e.credential.getToken("https://storage.azure.com/.default")).token;
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).oid as string | undefined;
}

describe("the blob endpoint", () => {
  it("refuses a token without a data role, takes one after a role assignment, reads with Reader only, and refuses Shared Key", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-blob", { location: "westeurope" });
    const account = await storage.storageAccounts.create("rg-blob", "stblobauth", accountBody, POLL);
    await storage.blobContainers.create("rg-blob", "stblobauth", "airflow-logs", {});
    const endpoint = account.primaryEndpoints!.blob!;
    const container = new BlobServiceClient(endpoint, env.credential, blobOptions()).getContainerClient("airflow-logs");

    const denied = await failure(container.getBlockBlobClient("x.log").upload("x", 1));
    expect(denied).toMatchObject({ statusCode: 403, code: "AuthorizationPermissionMismatch" });
    expect(denied.message).toContain("This request is not authorized to perform this operation using this permission.");

    const auth = new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    const oid = (await tokenOid(env))!;
    const reader = await auth.roleAssignments.create(account.id!, randomUUID(), { principalId: oid, roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${READER}` });
    expect(await failure(container.getBlockBlobClient("x.log").upload("x", 1))).toMatchObject({ statusCode: 403, code: "AuthorizationPermissionMismatch" });
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    expect(names).toEqual([]);
    await auth.roleAssignments.delete(account.id!, reader.name!);

    // A Contributor at the resource group counts for the account below it.
    await auth.roleAssignments.create(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-blob`, randomUUID(), { principalId: oid, roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}` });
    await container.getBlockBlobClient("dag_id=d/x.log").upload("written", 7);
    expect(await text(container.getBlobClient("dag_id=d/x.log").download())).toBe("written");
    // Blob data is kept with the cloud's state: a restart keeps it, at the same endpoint.
    await env.restart();
    expect((await storage.storageAccounts.getProperties("rg-blob", "stblobauth")).primaryEndpoints?.blob).toBe(endpoint);
    expect(await text(container.getBlobClient("dag_id=d/x.log").download())).toBe("written");

    const sharedKey = new BlobServiceClient(endpoint, new StorageSharedKeyCredential("stblobauth", Buffer.from("not-the-key").toString("base64")), blobOptions());
    expect(await failure(sharedKey.getContainerClient("airflow-logs").getBlockBlobClient("y.log").upload("y", 1))).toMatchObject({ statusCode: 403, code: "KeyBasedAuthenticationNotPermitted" });

    const anonymous = await request(`${endpoint}airflow-logs/dag_id%3Dd/x.log`, { ca: env.ca });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["x-ms-error-code"]).toBe("NoAuthenticationInformation");
  });
});
