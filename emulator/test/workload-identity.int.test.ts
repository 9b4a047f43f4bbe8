import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { collect, failure, msiClient, type FederatedIdentityCredential } from "./msi-client.js";
import { POLL, SUBSCRIPTION, type TestEmulator, startTestEmulator } from "./support.js";

/** User-assigned identities, their federated credentials, and the AKS OIDC issuer they trust. */
let env: TestEmulator;
let msi: ReturnType<typeof msiClient>;
let clients: ReturnType<typeof armClients>;

beforeAll(async () => {
  env = await startTestEmulator();
  msi = msiClient(env);
  clients = armClients(env);
});
afterAll(() => env?.close());

const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISSUER = "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0b6f4c2a-1d3e-4f5a-8b7c-9d0e1f2a3b4c/";
const credential = (subject: string, issuer = ISSUER, audiences = ["api://AzureADTokenExchange"]): FederatedIdentityCredential => ({ properties: { issuer, subject, audiences } });

describe("user-assigned identities", () => {
  it("are created synchronously with stable tenant, principal and client ids, updated, listed and deleted", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-identities", { location: "westeurope" });
    const created = await msi.userAssignedIdentities.createOrUpdateWithStatus("rg-identities", "id-airflow-team", { location: "West Europe", tags: { team: "data" } });
    expect(created.status).toBe(201);
    const identity = created.body;
    expect(identity).toMatchObject({
      id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-airflow-team`,
      name: "id-airflow-team",
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      location: "westeurope",
      tags: { team: "data" },
      properties: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
    });
    expect(identity.properties?.principalId).toMatch(GUID);
    expect(identity.properties?.clientId).toMatch(GUID);
    expect(identity.properties?.clientId).not.toBe(identity.properties?.principalId);

    const again = await msi.userAssignedIdentities.createOrUpdateWithStatus("rg-identities", "id-airflow-team", { location: "westeurope", tags: { team: "ml" } });
    expect(again.status).toBe(200);
    expect(again.body.properties).toEqual(identity.properties);
    expect(await msi.userAssignedIdentities.get("rg-identities", "ID-AIRFLOW-TEAM")).toMatchObject({ tags: { team: "ml" }, properties: identity.properties });
    expect((await msi.userAssignedIdentities.update("rg-identities", "id-airflow-team", { tags: { team: "bi" } })).tags).toEqual({ team: "bi" });

    await msi.userAssignedIdentities.createOrUpdate("rg-identities", "id-other", { location: "westeurope" });
    expect((await collect(msi.userAssignedIdentities.listByResourceGroup("rg-identities"))).map((i) => i.name)).toEqual(["id-airflow-team", "id-other"]);
    expect((await collect(msi.userAssignedIdentities.listBySubscription())).map((i) => i.name)).toEqual(expect.arrayContaining(["id-airflow-team", "id-other"]));

    expect(await msi.userAssignedIdentities.delete("rg-identities", "id-other")).toBe(200);
    expect(await msi.userAssignedIdentities.delete("rg-identities", "id-other")).toBe(204);
    expect(await failure(msi.userAssignedIdentities.get("rg-identities", "id-other"))).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });

    // The ids are kept across a restart.
    await env.restart();
    expect((await msi.userAssignedIdentities.get("rg-identities", "id-airflow-team")).properties).toEqual(identity.properties);
  });

  it("are refused as ARM refuses them: missing group, location, bad name, a move, an unknown api-version", async () => {
    expect(await failure(msi.userAssignedIdentities.createOrUpdate("rg-missing", "id-x", { location: "westeurope" }))).toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    await clients.resources.resourceGroups.createOrUpdate("rg-identity-rules", { location: "westeurope" });
    expect(await failure(msi.userAssignedIdentities.createOrUpdate("rg-identity-rules", "id-x", {}))).toMatchObject({ statusCode: 400, code: "LocationRequired" });
    expect(await failure(msi.userAssignedIdentities.createOrUpdate("rg-identity-rules", "id-x", { location: "mars" }))).toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceType" });
    expect(await failure(msi.userAssignedIdentities.createOrUpdate("rg-identity-rules", "-bad", { location: "westeurope" }))).toMatchObject({ statusCode: 400, code: "InvalidResourceName" });
    await msi.userAssignedIdentities.createOrUpdate("rg-identity-rules", "id-here", { location: "westeurope" });
    expect(await failure(msi.userAssignedIdentities.createOrUpdate("rg-identity-rules", "id-here", { location: "eastus2" }))).toMatchObject({ statusCode: 409, code: "InvalidResourceLocation" });
    // 2023-01-31 (what many tools pin) is taken; a version Azure does not have is not.
    await expect(msiClient(env, "2023-01-31").userAssignedIdentities.get("rg-identity-rules", "id-here")).resolves.toMatchObject({ name: "id-here" });
    const refused = await failure(msiClient(env, "2023-02-01").userAssignedIdentities.get("rg-identity-rules", "id-here"));
    expect(refused).toMatchObject({ statusCode: 400, code: "InvalidApiVersionParameter" });
    expect(refused.message).toContain("2024-11-30");
  });

  it("go with their resource group, federated credentials included; a deleted one's principal is gone from the directory", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-identity-gone", { location: "westeurope" });
    const identity = await msi.userAssignedIdentities.createOrUpdate("rg-identity-gone", "id-gone", { location: "westeurope" });
    const authz = new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    const scope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-identity-gone`;
    const assign = () => authz.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: identity.properties?.principalId ?? "" });
    await expect(assign()).resolves.toMatchObject({ principalId: identity.properties?.principalId });
    await msi.federatedIdentityCredentials.createOrUpdate("rg-identity-gone", "id-gone", "fic-gone", credential("system:serviceaccount:airflow:worker"));
    await clients.resources.resourceGroups.beginDeleteAndWait("rg-identity-gone", POLL);
    await clients.resources.resourceGroups.createOrUpdate("rg-identity-gone", { location: "westeurope" });
    expect(await failure(msi.userAssignedIdentities.get("rg-identity-gone", "id-gone"))).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(await failure(assign())).toMatchObject({ statusCode: 400, code: "PrincipalNotFound" });
    // Made again under the same name, it has the same ids (they derive from the resource id).
    expect((await msi.userAssignedIdentities.createOrUpdate("rg-identity-gone", "id-gone", { location: "westeurope" })).properties).toEqual(identity.properties);
    const state = await env.control<{ counts: Record<string, { created: number; deletes: number }> }>("GET", "state");
    const id = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-identity-gone/providers/microsoft.managedidentity/userassignedidentities/id-gone`;
    expect(state.counts[id]).toMatchObject({ created: 2, deletes: 1 });
    expect(state.counts[`${id}/federatedidentitycredentials/fic-gone`]).toMatchObject({ created: 1, deletes: 1 });
  });
});

describe("federated identity credentials", () => {
  beforeAll(async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-fic", { location: "westeurope" });
    await msi.userAssignedIdentities.createOrUpdate("rg-fic", "id-fic", { location: "westeurope" });
  });

  it("are written (201, then 200), read, listed and deleted synchronously", async () => {
    const created = await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-fic", "airflow-worker", credential("system:serviceaccount:airflow:airflow-worker"));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-fic/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-fic/federatedIdentityCredentials/airflow-worker`,
      name: "airflow-worker",
      type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
      properties: { issuer: ISSUER, subject: "system:serviceaccount:airflow:airflow-worker", audiences: ["api://AzureADTokenExchange"] },
    });
    const updated = await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-fic", "airflow-worker", credential("system:serviceaccount:airflow:airflow-scheduler"));
    expect(updated.status).toBe(200);
    expect((await msi.federatedIdentityCredentials.get("rg-fic", "id-fic", "airflow-worker")).properties?.subject).toBe("system:serviceaccount:airflow:airflow-scheduler");
    await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-fic", "airflow_triggerer", credential("system:serviceaccount:airflow:airflow-triggerer"));
    expect((await collect(msi.federatedIdentityCredentials.list("rg-fic", "id-fic"))).map((c) => c.name)).toEqual(["airflow_triggerer", "airflow-worker"]);

    expect(await msi.federatedIdentityCredentials.delete("rg-fic", "id-fic", "airflow_triggerer")).toBe(200);
    expect(await msi.federatedIdentityCredentials.delete("rg-fic", "id-fic", "airflow_triggerer")).toBe(204);
    expect(await failure(msi.federatedIdentityCredentials.get("rg-fic", "id-fic", "airflow_triggerer"))).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(await failure(msi.federatedIdentityCredentials.get("rg-fic", "id-missing", "airflow-worker"))).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(await msi.federatedIdentityCredentials.delete("rg-fic", "id-fic", "airflow-worker")).toBe(200);
  });

  it("need an https issuer, a subject and exactly one audience; names follow Azure's rule", async () => {
    const put = (name: string, body: FederatedIdentityCredential) => failure(msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-fic", name, body));
    expect(await put("no-subject", { properties: { issuer: ISSUER, audiences: ["api://AzureADTokenExchange"] } })).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: "The request format was unexpected. Federated Identity Credential must specify 'issuer', 'subject' and 'audience'.",
    });
    expect(await put("no-audience", credential("sa", ISSUER, []))).toMatchObject({ statusCode: 400, code: "BadRequest" });
    expect(await put("plain-http", credential("sa", "http://issuer.example.com/"))).toMatchObject({ statusCode: 400, code: "BadRequest", message: expect.stringContaining("https") });
    expect(await put("not-a-url", credential("sa", "issuer"))).toMatchObject({ statusCode: 400, code: "BadRequest" });
    expect(await put("two-audiences", credential("sa", ISSUER, ["api://AzureADTokenExchange", "api://other"]))).toMatchObject({ statusCode: 400, code: "BadRequest", message: expect.stringContaining("exactly one") });
    for (const name of ["ab", "-starts-with-hyphen", "has.dot", "x".repeat(121)]) {
      expect(await put(name, credential(`sa-${name}`)), name).toMatchObject({ statusCode: 400, code: "InvalidResourceName" });
    }
    expect((await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-fic", "x".repeat(120), credential("sa-long"))).status).toBe(201);
    await msi.federatedIdentityCredentials.delete("rg-fic", "id-fic", "x".repeat(120));
  });

  it("are unique per issuer and subject within an identity, and at most 20 per identity", async () => {
    await msi.userAssignedIdentities.createOrUpdate("rg-fic", "id-limit", { location: "westeurope" });
    await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-limit", "fic-0", credential("system:serviceaccount:team:sa-0"));
    const twin = await failure(msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-limit", "fic-twin", credential("system:serviceaccount:team:sa-0")));
    expect(twin).toMatchObject({ statusCode: 400, code: "BadRequest", message: expect.stringContaining("must be unique") });
    // The same pair on another identity, or another issuer for the same subject, is fine.
    await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-fic", "fic-0", credential("system:serviceaccount:team:sa-0"));
    await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-limit", "fic-1", credential("system:serviceaccount:team:sa-0", "https://token.actions.githubusercontent.com"));

    for (let i = 2; i < 20; i++) await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-limit", `fic-${i}`, credential(`system:serviceaccount:team:sa-${i}`));
    expect(await collect(msi.federatedIdentityCredentials.list("rg-fic", "id-limit"))).toHaveLength(20);
    const over = await failure(msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-limit", "fic-20", credential("system:serviceaccount:team:sa-20")));
    expect(over).toMatchObject({ statusCode: 400, code: "BadRequest", message: expect.stringContaining("maximum number of federated identity credentials (20)") });
    // Updating one of the twenty is still allowed; after a delete there is room again.
    expect((await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-limit", "fic-19", credential("system:serviceaccount:team:sa-19b"))).status).toBe(200);
    await msi.federatedIdentityCredentials.delete("rg-fic", "id-limit", "fic-19");
    expect((await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-limit", "fic-20", credential("system:serviceaccount:team:sa-20"))).status).toBe(201);

    // Deleting the identity takes its credentials with it.
    await msi.userAssignedIdentities.delete("rg-fic", "id-limit");
    await msi.userAssignedIdentities.createOrUpdate("rg-fic", "id-limit", { location: "westeurope" });
    expect(await collect(msi.federatedIdentityCredentials.list("rg-fic", "id-limit"))).toEqual([]);
  });

  it("answer faults by their kind (a 503 the client's pipeline retries)", async () => {
    await msi.federatedIdentityCredentials.createOrUpdate("rg-fic", "id-fic", "fic-faulty", credential("system:serviceaccount:airflow:faulty"));
    await env.control("POST", "faults", { type: "http", status: 503, retryAfterSeconds: 0, match: { kind: "federatedIdentityCredential", name: "fic-faulty", method: "GET" }, count: 1 });
    await expect(msi.federatedIdentityCredentials.get("rg-fic", "id-fic", "fic-faulty")).resolves.toMatchObject({ name: "fic-faulty" });
    const served = await env.control<{ rules: { served: number; match?: { kind?: string } }[] }>("GET", "faults/served");
    expect(served.rules.find((r) => r.match?.kind === "federatedIdentityCredential")?.served).toBe(1);
    await env.control("DELETE", "faults");
  });
});

describe("AKS OIDC issuer and workload identity", () => {
  const GROUP = "rg-oidc";
  beforeAll(() => clients.resources.resourceGroups.createOrUpdate(GROUP, { location: "westeurope" }));

  it("answers the issuer URL in AKS's form, the same across updates, and echoes workload identity", async () => {
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-oidc", clusterBody(), POLL);
    expect(cluster.securityProfile?.workloadIdentity).toEqual({ enabled: true });
    expect(cluster.oidcIssuerProfile?.enabled).toBe(true);
    expect(cluster.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/72f988bf-86f1-41af-91ab-2d7cd011db47\/[0-9a-f-]{36}\/$/);

    // A PUT that leaves both out keeps them, as the issuer cannot be switched off.
    const { oidcIssuerProfile: _oidc, securityProfile: _security, ...rest } = clusterBody({ tags: { team: "ml" } });
    const updated = await clients.aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-oidc", rest, POLL);
    expect(updated.oidcIssuerProfile).toEqual(cluster.oidcIssuerProfile);
    expect(updated.securityProfile?.workloadIdentity).toEqual({ enabled: true });
    // Workload identity can be switched off; the issuer stays.
    const off = await clients.aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-oidc", clusterBody({ securityProfile: { workloadIdentity: { enabled: false } } }), POLL);
    expect(off.securityProfile?.workloadIdentity).toEqual({ enabled: false });
    expect((await clients.aks.managedClusters.get(GROUP, "aks-oidc")).oidcIssuerProfile).toEqual(cluster.oidcIssuerProfile);

    // The issuer is a valid issuer for a federated credential.
    await msi.userAssignedIdentities.createOrUpdate(GROUP, "id-oidc", { location: "westeurope" });
    const fic = await msi.federatedIdentityCredentials.createOrUpdate(GROUP, "id-oidc", "airflow", credential("system:serviceaccount:airflow:airflow-worker", cluster.oidcIssuerProfile?.issuerURL));
    expect(fic.body.properties?.issuer).toBe(cluster.oidcIssuerProfile?.issuerURL);
  });

  it("refuses switching the issuer off once on, and workload identity without the issuer", async () => {
    const disabled = await failure(clients.aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-oidc", clusterBody({ oidcIssuerProfile: { enabled: false }, securityProfile: {} }), POLL));
    expect(disabled).toMatchObject({ statusCode: 400, code: "BadRequest", message: "OIDC issuer feature cannot be disabled." });
    const noIssuer = await failure(
      clients.aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-no-issuer", clusterBody({ oidcIssuerProfile: { enabled: false }, securityProfile: { workloadIdentity: { enabled: true } } }), POLL),
    );
    expect(noIssuer).toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    expect(await failure(clients.aks.managedClusters.get(GROUP, "aks-no-issuer"))).toMatchObject({ statusCode: 404 });
  });

  it("leaves a cluster that sets neither as before, and lets it turn the issuer on later", async () => {
    const { oidcIssuerProfile: _oidc, securityProfile: _security, ...plain } = clusterBody();
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-plain", plain, POLL);
    expect(cluster.oidcIssuerProfile).toEqual({ enabled: false });
    expect(cluster.securityProfile).toBeUndefined();
    const on = await clients.aks.managedClusters.beginCreateOrUpdateAndWait(GROUP, "aks-plain", { ...plain, oidcIssuerProfile: { enabled: true } }, POLL);
    expect(on.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
    expect(on.oidcIssuerProfile?.issuerURL).not.toBe((await clients.aks.managedClusters.get(GROUP, "aks-oidc")).oidcIssuerProfile?.issuerURL);
  });
});
