import { createHash, createPublicKey, verify } from "node:crypto";
import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { ClientSecretCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { failure } from "./msi-client.js";
import { POLL, request, SUBSCRIPTION, TENANT, type TestEmulator, startTestEmulator } from "./support.js";

/** Secrets and keys on a vault's own endpoint, through the Key Vault SDKs, behind challenge auth and RBAC. */
let env: TestEmulator;
let kv: KeyVaultManagementClient;
let auth: AuthorizationManagementClient;
/** A second caller, with its own object id. */
let other: ClientSecretCredential;

const ROLES = {
  secretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  secretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  cryptoOfficer: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  cryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
};

beforeAll(async () => {
  env = await startTestEmulator();
  kv = new KeyVaultManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  auth = new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  other = new ClientSecretCredential(TENANT, "kv-other-client", "other-secret", { authorityHost: env.url, disableInstanceDiscovery: true, tlsOptions: { ca: env.ca } });
  await armClients(env).resources.resourceGroups.createOrUpdate("rg-kv-data", { location: "westeurope" });
});
afterAll(() => env?.close());

const sdkOptions = () => ({ tlsOptions: { ca: env.ca }, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
const newVault = async (name: string, purgeProtection = false) =>
  kv.vaults.createOrUpdate("rg-kv-data", name, { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, ...(purgeProtection ? { enablePurgeProtection: true } : {}) } }, POLL);
const oidOf = async (credential: ClientSecretCredential) => {
  const token = (await credential.getToken("https://vault.azure.net/.default")).token;
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).oid as string;
};
const assign = async (scope: string, credential: ClientSecretCredential, role: string) =>
  auth.roleAssignments.create(scope, randomUUID(), { principalId: await oidOf(credential), roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${role}` });
const vaultToken = async () => (await env.credential.getToken("https://vault.azure.net/.default")).token;

describe("the vault's data plane", () => {
  it("challenges an anonymous caller, refuses a token without a role in Key Vault's words, and serves one with a role", async () => {
    const vault = await newVault("kv-data-auth");
    const uri = vault.properties.vaultUri!;
    const anonymous = await request(`${uri}secrets/x?api-version=2026-04-01`, { ca: env.ca });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toBe(`Bearer authorization="${env.url}/${TENANT}", resource="https://vault.azure.net"`);
    expect(JSON.parse(anonymous.text).error.code).toBe("Unauthorized");
    const wrongAudience = await request(`${uri}secrets/x?api-version=2026-04-01`, { ca: env.ca, headers: { authorization: `Bearer ${(await env.credential.getToken(`${env.url}/.default`)).token}` } });
    expect(wrongAudience.status).toBe(401);
    expect(JSON.parse(wrongAudience.text).error.message).toContain("Invalid audience");

    const forbidden = await request(`${uri}secrets?api-version=2026-04-01`, { ca: env.ca, headers: { authorization: `Bearer ${await vaultToken()}` } });
    expect(forbidden.status).toBe(403);
    const error = JSON.parse(forbidden.text).error;
    expect(error).toMatchObject({ code: "Forbidden", innererror: { code: "ForbiddenByRbac" } });
    expect(error.message).toMatch(/^Caller is not authorized to perform action on resource\./);
    const secrets = new SecretClient(uri, env.credential, sdkOptions());
    expect(await failure(secrets.setSecret("db-password", "s3cret"))).toMatchObject({ statusCode: 403, code: "Forbidden" });

    await assign(vault.id!, env.credential, ROLES.secretsOfficer);
    expect((await secrets.setSecret("db-password", "s3cret")).value).toBe("s3cret");
  });

  it("lets a Secrets User read but not write, and a Secrets Officer set, list, delete, recover, while purge protection refuses a purge", async () => {
    const vault = await newVault("kv-data-roles", true);
    const uri = vault.properties.vaultUri!;
    await assign(vault.id!, env.credential, ROLES.secretsOfficer);
    await assign(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-kv-data`, other, ROLES.secretsUser);
    const officer = new SecretClient(uri, env.credential, sdkOptions());
    const user = new SecretClient(uri, other, sdkOptions());

    const first = await officer.setSecret("conn", "v1", { contentType: "text/plain" });
    const second = await officer.setSecret("conn", "v2");
    expect(second.properties.version).not.toBe(first.properties.version);
    expect((await user.getSecret("conn")).value).toBe("v2");
    expect((await user.getSecret("conn", { version: first.properties.version! })).value).toBe("v1");
    expect(await failure(user.setSecret("conn", "mine"))).toMatchObject({ statusCode: 403 });
    expect(await failure(user.getSecret("missing"))).toMatchObject({ statusCode: 404, code: "SecretNotFound" });

    await officer.setSecret("other", "x");
    const listed: { name: string; value?: unknown }[] = [];
    for await (const p of officer.listPropertiesOfSecrets()) listed.push(p as never);
    expect(listed.map((p) => p.name).sort()).toEqual(["conn", "other"]);
    expect(listed.every((p) => p.value === undefined)).toBe(true);
    let versions = 0;
    for await (const v of officer.listPropertiesOfSecretVersions("conn")) versions += v.version ? 1 : 0;
    expect(versions).toBe(2);
    const updated = await officer.updateSecretProperties("conn", second.properties.version!, { enabled: false, tags: { owner: "airflow" } });
    expect(updated).toMatchObject({ enabled: false, tags: { owner: "airflow" } });
    expect(await failure(officer.getSecret("conn"))).toMatchObject({ statusCode: 403, code: "Forbidden" });

    const deleting = await officer.beginDeleteSecret("other", { intervalInMs: 10 });
    const deleted = await deleting.pollUntilDone();
    expect(deleted.recoveryId).toBe(`${uri}deletedsecrets/other`);
    expect(deleted.scheduledPurgeDate!.getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    expect(await failure(officer.getSecret("other"))).toMatchObject({ statusCode: 404, code: "SecretNotFound" });
    expect(await failure(officer.setSecret("other", "again"))).toMatchObject({ statusCode: 409, code: "Conflict" });
    const purge = await failure(officer.purgeDeletedSecret("other"));
    expect(purge).toMatchObject({ statusCode: 403, code: "Forbidden" });
    expect(purge.message).toContain('Operation "purge" is not allowed because purge protection is enabled for this vault.');
    await (await officer.beginRecoverDeletedSecret("other", { intervalInMs: 10 })).pollUntilDone();
    expect((await officer.getSecret("other")).value).toBe("x");
  });

  it("purges a deleted secret without purge protection, and keeps values and the URI across a restart", async () => {
    const vault = await newVault("kv-data-restart");
    const uri = vault.properties.vaultUri!;
    await assign(vault.id!, env.credential, ROLES.secretsOfficer);
    const secrets = new SecretClient(uri, env.credential, sdkOptions());
    await secrets.setSecret("kept", "survives");
    await secrets.setSecret("gone", "purged");
    await (await secrets.beginDeleteSecret("gone", { intervalInMs: 10 })).pollUntilDone();
    await secrets.purgeDeletedSecret("gone");
    expect(await failure(secrets.getDeletedSecret("gone"))).toMatchObject({ statusCode: 404, code: "SecretNotFound" });

    await env.restart();
    expect((await kv.vaults.get("rg-kv-data", "kv-data-restart")).properties.vaultUri).toBe(uri);
    const after = new SecretClient(uri, env.credential, sdkOptions());
    expect((await after.getSecret("kept")).value).toBe("survives");
    expect(await failure(after.getSecret("gone"))).toMatchObject({ statusCode: 404 });
  });

  it("takes the vault's secrets into the deleted state with it and back on recovery", async () => {
    const vault = await newVault("kv-data-soft");
    const uri = vault.properties.vaultUri!;
    await assign(`/subscriptions/${SUBSCRIPTION}`, env.credential, ROLES.secretsOfficer);
    await new SecretClient(uri, env.credential, sdkOptions()).setSecret("inside", "still here");
    await kv.vaults.delete("rg-kv-data", "kv-data-soft");
    expect(await failure(new SecretClient(uri, env.credential, sdkOptions()).getSecret("inside"))).toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|ECONNRESET|REQUEST_SEND_ERROR/) });
    await kv.vaults.createOrUpdate("rg-kv-data", "kv-data-soft", { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, createMode: "recover" } }, POLL);
    expect((await new SecretClient(uri, env.credential, sdkOptions()).getSecret("inside")).value).toBe("still here");
  });
});

describe("access policies", () => {
  it("decide on a vault without RBAC: the caller's object id and the permission it lists", async () => {
    const oid = await oidOf(env.credential);
    const vault = await kv.vaults.createOrUpdate(
      "rg-kv-data",
      "kv-data-policies",
      { location: "westeurope", properties: { tenantId: TENANT, sku: { family: "A", name: "standard" }, accessPolicies: [{ tenantId: TENANT, objectId: oid, permissions: { secrets: ["get", "list", "set"] } }] } },
      POLL,
    );
    const mine = new SecretClient(vault.properties.vaultUri!, env.credential, sdkOptions());
    expect((await mine.setSecret("policy", "allowed")).value).toBe("allowed");
    const refused = await failure(mine.beginDeleteSecret("policy"));
    expect(refused).toMatchObject({ statusCode: 403, code: "Forbidden" });
    expect(refused.message).toContain("does not have secrets delete permission on key vault 'kv-data-policies;location=westeurope'");
    // A role assignment means nothing to such a vault.
    await assign(vault.id!, other, ROLES.secretsOfficer);
    expect(await failure(new SecretClient(vault.properties.vaultUri!, other, sdkOptions()).getSecret("policy"))).toMatchObject({ statusCode: 403 });
  });
});

describe("keys", () => {
  it("are made in the vault, sign a SHA-256 digest Node's crypto verifies with the public JWK, and never show their private half", async () => {
    const vault = await newVault("kv-data-keys");
    const uri = vault.properties.vaultUri!;
    await assign(vault.id!, env.credential, ROLES.cryptoOfficer);
    await assign(vault.id!, other, ROLES.cryptoUser);
    const keys = new KeyClient(uri, env.credential, sdkOptions());
    const created = await keys.createRsaKey("signing", { keySize: 3072 });
    expect(created.keyType).toBe("RSA");
    expect(created.keyOperations?.sort()).toEqual(["decrypt", "encrypt", "sign", "unwrapKey", "verify", "wrapKey"]);
    expect(await failure(new KeyClient(uri, other, sdkOptions()).createRsaKey("mine"))).toMatchObject({ statusCode: 403 });

    const key = await keys.getKey("signing");
    expect(key.key?.d).toBeUndefined();
    expect(key.key?.p).toBeUndefined();
    const publicKey = createPublicKey({ key: { kty: "RSA", n: Buffer.from(key.key!.n!).toString("base64url"), e: Buffer.from(key.key!.e!).toString("base64url") }, format: "jwk" });
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);

    const message = Buffer.from("dag_id=etl run_id=manual__1");
    const digest = createHash("sha256").update(message).digest();
    const signed = await new CryptographyClient(key.id!, other, sdkOptions()).sign("RS256", digest);
    expect(signed.keyID).toBe(key.id);
    expect(verify("sha256", message, publicKey, Buffer.from(signed.result))).toBe(true);
    expect(verify("sha256", Buffer.from("tampered"), publicKey, Buffer.from(signed.result))).toBe(false);
    const verified = await new CryptographyClient(key.id!, other, sdkOptions()).verify("RS256", digest, signed.result);
    expect(verified.result).toBe(true);

    const raw = await request(`${uri}keys/signing?api-version=2025-07-01`, { ca: env.ca, headers: { authorization: `Bearer ${await vaultToken()}` } });
    expect(Object.keys(JSON.parse(raw.text).key).sort()).toEqual(["e", "key_ops", "kid", "kty", "n"]);
    const state = await request(`${env.url}/_emulator/state`, { ca: env.ca });
    expect(state.text).not.toContain(JSON.parse(raw.text).key.n.slice(0, 40));
  });
});
