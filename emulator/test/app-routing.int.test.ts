import { randomUUID } from "node:crypto";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { DnsManagementClient } from "@azure/arm-dns";
import { CoreV1Api, KubernetesObjectApi, NetworkingV1Api, Watch, type KubernetesObject, type V1Ingress } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { airflowSecrets, airflowValues, clusterBody, helmRelease, helmRepository, provisionCluster } from "./cluster-setup.js";
import { eventually, POLL, request, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

const ZONE = "airflow.localhost";
const PLATFORM_RG = "rg-platform";
const ZONE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}/providers/Microsoft.Network/dnszones/${ZONE}`;
const VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}/providers/Microsoft.KeyVault/vaults/kv-platform`;
const CERT_URI = "https://kv-platform.vault.azure.net/certificates/airflow-wildcard";
const role = (guid: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const DNS_ZONE_CONTRIBUTOR = role("befefa01-2a29-4197-83a8-272ff33ce314");
const KV_CERTIFICATE_USER = role("db79e9a7-68ee-4b58-9aeb-b90e7c24fcba");
const routing = { webAppRouting: { enabled: true, dnsZoneResourceIds: [ZONE_ID] } };

let env: TestEmulator;
let clients: ReturnType<typeof armClients>;
let dns: DnsManagementClient;
let authz: AuthorizationManagementClient;
let ingressPort: number;

beforeAll(async () => {
  env = await startTestEmulator();
  clients = armClients(env);
  dns = new DnsManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  authz = new AuthorizationManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  await clients.resources.resourceGroups.createOrUpdate(PLATFORM_RG, { location: "westeurope" });
  ingressPort = (await env.control<{ ingressPort: number }>("GET", "state")).ingressPort;
});
afterAll(() => env?.close());

/** An HTTPS request to the ingress port on 127.0.0.1 with `host` as SNI and Host, as a browser resolving it to loopback sends it. */
function viaIngress(host: string, path = "/", options: { trusted?: boolean } = {}) {
  return new Promise<{ status: number; text: string; headers: Record<string, unknown>; cert: X509Certificate }>((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port: ingressPort, path, servername: host, headers: { host: `${host}:${ingressPort}` }, ca: env.ca, rejectUnauthorized: options.trusted ?? false, agent: false, checkServerIdentity: () => undefined },
      (res) => {
        const raw = (res.socket as TLSSocket).getPeerX509Certificate();
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers, cert: raw as X509Certificate }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function records(zone = ZONE) {
  const out: { name?: string; type?: string; ip?: string[]; txt?: string[] }[] = [];
  for await (const r of dns.recordSets.listByDnsZone(PLATFORM_RG, zone)) {
    out.push({ name: r.name, type: r.type?.split("/").pop(), ip: r.aRecords?.map((a) => a.ipv4Address as string), txt: r.txtRecords?.flatMap((t) => t.value ?? []) });
  }
  return out.filter((r) => r.type === "A" || r.type === "TXT");
}

function ingress(name: string, host: string, extra: Partial<V1Ingress> = {}, annotations: Record<string, string> = { "kubernetes.azure.com/tls-cert-keyvault-uri": CERT_URI }): V1Ingress {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: "airflow", annotations },
    spec: {
      ingressClassName: "webapprouting.kubernetes.azure.com",
      tls: [{ hosts: [host], secretName: `keyvault-${name}` }],
      rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "airflow-api-server", port: { number: 8080 } } } }] } }],
      ...extra,
    },
  };
}

describe("AKS's application routing add-on settings", () => {
  it("stores webAppRouting with its zones and answers the add-on's identity, stable across updates", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-routing", { location: "westeurope" });
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-routing", clusterBody({ ingressProfile: routing }), POLL);
    const web = cluster.ingressProfile?.webAppRouting;
    expect(web).toMatchObject({ enabled: true, dnsZoneResourceIds: [ZONE_ID], nginx: { defaultIngressControllerType: "AnnotationControlled" } });
    expect(web?.identity?.objectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(web?.identity?.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(web?.identity?.resourceId).toBe(`/subscriptions/${SUBSCRIPTION}/resourcegroups/MC_rg-routing_aks-routing_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/webapprouting-aks-routing`);
    const again = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-routing", clusterBody({ tags: { team: "ml" } }), POLL);
    expect(again.ingressProfile?.webAppRouting?.identity).toEqual(web?.identity);
  });

  it("stores the Key Vault secrets provider with AKS's defaults and its identity, kept by a PUT that leaves add-ons out", async () => {
    const addonProfiles = { azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } } };
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-addons", clusterBody({ addonProfiles }), POLL);
    const provider = cluster.addonProfiles?.azureKeyvaultSecretsProvider;
    expect(provider).toMatchObject({ enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } });
    expect(provider?.identity?.resourceId).toBe(
      `/subscriptions/${SUBSCRIPTION}/resourcegroups/MC_rg-routing_aks-addons_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-aks-addons`,
    );
    const again = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-addons", clusterBody({ tags: { team: "ml" } }), POLL);
    expect(again.addonProfiles?.azureKeyvaultSecretsProvider?.identity).toEqual(provider?.identity);
    const off = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-addons", clusterBody({ addonProfiles: { azureKeyvaultSecretsProvider: { enabled: false } } }), POLL);
    expect(off.addonProfiles?.azureKeyvaultSecretsProvider).toMatchObject({ enabled: false });
    expect(off.addonProfiles?.azureKeyvaultSecretsProvider?.identity).toBeUndefined();
  });

  it("refuses add-ons AKS does not have and settings it would not take", async () => {
    const put = (addonProfiles: object) => clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-bad", clusterBody({ addonProfiles } as never), POLL);
    await expect(put({ keyVault: { enabled: true } })).rejects.toMatchObject({ statusCode: 400, code: "AddonInvalid" });
    await expect(put({ azureKeyvaultSecretsProvider: { config: {} } })).rejects.toMatchObject({ statusCode: 400, code: "InvalidRequestContent" });
    await expect(put({ azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "yes" } } })).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    await expect(put({ azureKeyvaultSecretsProvider: { enabled: true, config: { rotationPollInterval: "two minutes" } } })).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
  });

  it("refuses zone ids that are not DNS zone ids, as AKS does", async () => {
    const bad = clusterBody({ ingressProfile: { webAppRouting: { enabled: true, dnsZoneResourceIds: [`/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}/providers/Microsoft.Network/publicIPAddresses/x`] } } });
    await expect(clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-bad", bad, POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    const split = clusterBody({ ingressProfile: { webAppRouting: { enabled: true, dnsZoneResourceIds: [ZONE_ID, `/subscriptions/${SUBSCRIPTION}/resourceGroups/other/providers/Microsoft.Network/dnszones/example.org`] } } });
    await expect(clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-routing", "aks-bad", split, POLL)).rejects.toMatchObject({ statusCode: 400, code: "InvalidParameter" });
  });
});

describe("Azure DNS zones and record sets", () => {
  it("creates a zone with its apex records and serves record sets with etags and preconditions", async () => {
    const zone = await dns.zones.createOrUpdate(PLATFORM_RG, "example.org", { location: "global", tags: { owner: "platform" } });
    expect(zone).toMatchObject({ name: "example.org", location: "global", zoneType: "Public", numberOfRecordSets: 2 });
    expect(zone.nameServers?.[0]).toMatch(/^ns1-0\d\.azure-dns\.com\.$/);
    const created = await dns.recordSets.createOrUpdate(PLATFORM_RG, "example.org", "www", "A", { ttl: 300, aRecords: [{ ipv4Address: "10.1.2.3" }] }, { ifNoneMatch: "*" });
    expect(created).toMatchObject({ name: "www", fqdn: "www.example.org.", ttl: 300, provisioningState: "Succeeded", aRecords: [{ ipv4Address: "10.1.2.3" }] });
    await expect(dns.recordSets.createOrUpdate(PLATFORM_RG, "example.org", "www", "A", { ttl: 60, aRecords: [] }, { ifNoneMatch: "*" })).rejects.toMatchObject({ statusCode: 412, code: "PreconditionFailed" });
    await expect(dns.recordSets.createOrUpdate(PLATFORM_RG, "example.org", "www", "A", { ttl: 60, aRecords: [] }, { ifMatch: "stale" })).rejects.toMatchObject({ statusCode: 412 });
    const updated = await dns.recordSets.createOrUpdate(PLATFORM_RG, "example.org", "www", "A", { ttl: 60, aRecords: [{ ipv4Address: "10.1.2.4" }] }, { ifMatch: created.etag });
    expect(updated.etag).not.toBe(created.etag);
    await dns.recordSets.createOrUpdate(PLATFORM_RG, "example.org", "www", "TXT", { ttl: 60, txtRecords: [{ value: ["hello"] }] });
    expect((await dns.recordSets.get(PLATFORM_RG, "example.org", "www", "A")).aRecords).toEqual([{ ipv4Address: "10.1.2.4" }]);
    const byType = [];
    for await (const r of dns.recordSets.listByType(PLATFORM_RG, "example.org", "TXT")) byType.push(r.name);
    expect(byType).toEqual(["www"]);
    expect((await dns.zones.get(PLATFORM_RG, "example.org")).numberOfRecordSets).toBe(4);
    await dns.recordSets.delete(PLATFORM_RG, "example.org", "www", "TXT");
    await expect(dns.recordSets.get(PLATFORM_RG, "example.org", "www", "TXT")).rejects.toMatchObject({ statusCode: 404 });
    const zones = [];
    for await (const z of dns.zones.listByResourceGroup(PLATFORM_RG)) zones.push(z.name);
    expect(zones).toContain("example.org");
    await dns.zones.beginDeleteAndWait(PLATFORM_RG, "example.org", POLL);
    await expect(dns.zones.get(PLATFORM_RG, "example.org")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("refuses a zone outside the global location and an api-version Azure DNS does not have", async () => {
    await expect(dns.zones.createOrUpdate(PLATFORM_RG, "example.net", { location: "westeurope" })).rejects.toMatchObject({ statusCode: 400, code: "LocationNotAvailableForResourceType" });
    const res = await request(`${env.url}/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}/providers/Microsoft.Network/dnsZones?api-version=2025-05-01`, {
      ca: env.ca,
      headers: { authorization: `Bearer ${(await env.credential.getToken("https://management.azure.com/.default")).token}` },
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("InvalidApiVersionParameter");
  });
});

describe("role assignments", () => {
  it("creates, reads, lists and deletes at any scope, with ARM's conflicts", async () => {
    await dns.zones.createOrUpdate(PLATFORM_RG, "roles.example", { location: "global" });
    const scope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}/providers/Microsoft.Network/dnszones/roles.example`;
    const principalId = randomUUID();
    const name = randomUUID();
    const made = await authz.roleAssignments.create(scope, name, { roleDefinitionId: DNS_ZONE_CONTRIBUTOR, principalId, principalType: "ServicePrincipal" });
    expect(made).toMatchObject({ name, scope, principalId, principalType: "ServicePrincipal", roleDefinitionId: DNS_ZONE_CONTRIBUTOR });
    expect(made.id).toBe(`${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    expect((await authz.roleAssignments.get(scope, name)).principalId).toBe(principalId);
    // The same assignment again under its own name is fine; under another name it is a conflict.
    await authz.roleAssignments.create(scope, name, { roleDefinitionId: DNS_ZONE_CONTRIBUTOR, principalId });
    await expect(authz.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: DNS_ZONE_CONTRIBUTOR, principalId })).rejects.toMatchObject({ statusCode: 409, code: "RoleAssignmentExists" });
    await expect(authz.roleAssignments.create(scope, name, { roleDefinitionId: KV_CERTIFICATE_USER, principalId })).rejects.toMatchObject({ statusCode: 409, code: "RoleAssignmentUpdateNotPermitted" });
    await expect(authz.roleAssignments.create(scope, "not-a-guid", { roleDefinitionId: DNS_ZONE_CONTRIBUTOR, principalId })).rejects.toMatchObject({ statusCode: 400, code: "InvalidRoleAssignmentId" });
    await expect(authz.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: role(randomUUID()), principalId })).rejects.toMatchObject({ statusCode: 400, code: "RoleDefinitionDoesNotExist" });

    const atGroup = [];
    for await (const a of authz.roleAssignments.listForScope(`/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}`, { filter: `principalId eq '${principalId}'` })) atGroup.push(a.name);
    expect(atGroup).toEqual([name]);
    const others = [];
    for await (const a of authz.roleAssignments.listForScope(scope, { filter: `principalId eq '${randomUUID()}'` })) others.push(a.name);
    expect(others).toEqual([]);

    expect((await authz.roleAssignments.delete(scope, name)).name).toBe(name);
    await expect(authz.roleAssignments.get(scope, name)).rejects.toMatchObject({ statusCode: 404, code: "RoleAssignmentNotFound" });
    await authz.roleAssignments.delete(scope, name);
  });

  it("refuses a principal that went with its cluster (PrincipalNotFound)", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-gone", { location: "westeurope" });
    const cluster = await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-gone", "aks-gone", clusterBody({ ingressProfile: routing }), POLL);
    const principalId = cluster.ingressProfile?.webAppRouting?.identity?.objectId as string;
    const scope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}`;
    const name = randomUUID();
    await authz.roleAssignments.create(scope, name, { roleDefinitionId: KV_CERTIFICATE_USER, principalId, principalType: "ServicePrincipal" });
    await authz.roleAssignments.delete(scope, name);
    await clients.resources.resourceGroups.beginDeleteAndWait("rg-gone", POLL);
    await expect(authz.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: KV_CERTIFICATE_USER, principalId })).rejects.toMatchObject({ statusCode: 400, code: "PrincipalNotFound" });
  });
});

describe("Ingress through the add-on", () => {
  let networking: NetworkingV1Api;
  let objects: KubernetesObjectApi;
  let identity: string;
  let kcHandle: Awaited<ReturnType<typeof provisionCluster>>;

  beforeAll(async () => {
    await dns.zones.createOrUpdate(PLATFORM_RG, ZONE, { location: "global" });
    kcHandle = await provisionCluster(env, "rg-env", "aks-env", true, { ingressProfile: routing });
    networking = kcHandle.kc.makeApiClient(NetworkingV1Api);
    objects = KubernetesObjectApi.makeApiClient(kcHandle.kc);
    identity = (await clients.aks.managedClusters.get("rg-env", "aks-env")).ingressProfile?.webAppRouting?.identity?.objectId as string;
    const core = kcHandle.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "airflow" } } });
    for (const secret of airflowSecrets()) await objects.create(secret);
    await objects.create(helmRepository());
    await objects.create(helmRelease(airflowValues("LocalExecutor", { apiServer: { service: { type: "ClusterIP" } } })));
    await eventually(async () => (await core.readNamespacedService({ name: "airflow-api-server", namespace: "airflow" })).metadata?.name, 10_000, "the release's UI Service");
  });

  it("has the add-on's IngressClass, and Ingress in discovery with table output", async () => {
    const classes = (await networking.listIngressClass()).items;
    expect(classes.map((c) => [c.metadata?.name, c.spec?.controller])).toEqual([["webapprouting.kubernetes.azure.com", "webapprouting.kubernetes.azure.com/nginx"]]);
    const token = (kcHandle.kc.getCurrentUser()?.token ?? "") as string;
    const server = kcHandle.kc.getCurrentCluster()?.server as string;
    const group = await request(`${server}/apis/networking.k8s.io/v1`, { ca: env.ca, headers: { authorization: `Bearer ${token}` } });
    expect(JSON.parse(group.text).resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(["ingresses", "ingresses/status", "ingressclasses"]));
    await networking.createNamespacedIngress({ namespace: "airflow", body: ingress("table", "table.example.com", {}, {}) });
    const table = await request(`${server}/apis/networking.k8s.io/v1/namespaces/airflow/ingresses`, { ca: env.ca, headers: { authorization: `Bearer ${token}`, accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } });
    const parsed = JSON.parse(table.text) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(parsed.columnDefinitions.map((c) => c.name)).toEqual(["Name", "Class", "Hosts", "Address", "Ports", "Age"]);
    expect(parsed.rows[0]?.cells.slice(0, 3)).toEqual(["table", "webapprouting.kubernetes.azure.com", "table.example.com"]);
    await expect(networking.createNamespacedIngress({ namespace: "airflow", body: { metadata: { name: "bad" }, spec: { rules: [{ host: "Bad_Host", http: { paths: [{ path: "/", backend: { service: { name: "x", port: { number: 80 } } } } as never] } }] } } })).rejects.toMatchObject({ code: 422 });
    await networking.deleteNamespacedIngress({ name: "table", namespace: "airflow" });
  });

  it("gives an Ingress an address, serves it by SSA and watch, and publishes its host in the zone once the identity may write it", async () => {
    const host = `env1.${ZONE}`;
    const seen: string[] = [];
    const watch = await new Watch(kcHandle.kc).watch("/apis/networking.k8s.io/v1/namespaces/airflow/ingresses", {}, (type, obj: V1Ingress) => seen.push(`${type}:${obj.status?.loadBalancer?.ingress?.[0]?.ip ?? ""}`), () => undefined);
    await objects.patch(ingress("airflow-ui", host) as KubernetesObject, undefined, undefined, "airflow-portal", true, "application/apply-patch+yaml" as never);
    const addressed = await eventually(async () => {
      const i = await networking.readNamespacedIngress({ name: "airflow-ui", namespace: "airflow" });
      return i.status?.loadBalancer?.ingress?.[0]?.ip ? i : undefined;
    }, 5_000, "the Ingress's address");
    expect(addressed.status?.loadBalancer?.ingress).toEqual([{ ip: "127.0.0.1" }]);
    await eventually(() => (seen.includes("MODIFIED:127.0.0.1") ? true : undefined), 5_000, "the watch to see the address");
    watch.abort();

    // No role on the zone yet: external-dns cannot write there.
    await new Promise((r) => setTimeout(r, 200));
    expect(await records()).toEqual([]);
    await authz.roleAssignments.create(`/subscriptions/${SUBSCRIPTION}/resourceGroups/${PLATFORM_RG}`, randomUUID(), { roleDefinitionId: DNS_ZONE_CONTRIBUTOR, principalId: identity, principalType: "ServicePrincipal" });
    const published = await eventually(async () => {
      const r = await records();
      return r.length === 2 ? r : undefined;
    }, 5_000, "the A and TXT records");
    expect(published).toEqual(
      expect.arrayContaining([
        { name: "env1", type: "A", ip: ["127.0.0.1"], txt: undefined },
        { name: "a-env1", type: "TXT", ip: undefined, txt: [expect.stringMatching(/^heritage=external-dns,external-dns\/owner=[^,]+,external-dns\/resource=ingress\/airflow\/airflow-ui$/)] },
      ]),
    );
    expect((await dns.recordSets.get(PLATFORM_RG, ZONE, "env1", "A")).ttl).toBe(300);
  });

  it("routes https by host to the release's stand-in Airflow, with the vault's certificate once the identity may read it", async () => {
    const host = `env1.${ZONE}`;
    const withoutRole = await viaIngress(host);
    expect(withoutRole.cert.subject).toContain("CN=Kubernetes Ingress Controller Fake Certificate");
    expect(withoutRole.status).toBe(200);
    expect(withoutRole.text).toContain("airflow");

    await authz.roleAssignments.create(VAULT_ID, randomUUID(), { roleDefinitionId: KV_CERTIFICATE_USER, principalId: identity, principalType: "ServicePrincipal" });
    // The role alone is not enough: NGINX reads the vault through the Key Vault secrets provider add-on.
    const withoutProvider = await viaIngress(host);
    expect(withoutProvider.cert.subject).toContain("CN=Kubernetes Ingress Controller Fake Certificate");
    const provider = { azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } } };
    await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-env", "aks-env", clusterBody({ ingressProfile: routing, addonProfiles: provider }), POLL);
    const trusted = await viaIngress(host, "/api/v2/monitor/health", { trusted: true });
    expect(trusted.cert.subject).toContain(`CN=*.${ZONE}`);
    expect(trusted.cert.subjectAltName).toContain(`DNS:*.${ZONE}`);
    expect(trusted.cert.checkIssued(new X509Certificate(env.ca))).toBe(true);
    expect(trusted.status).toBe(200);
    expect(JSON.parse(trusted.text)).toHaveProperty("scheduler");
    expect(trusted.headers.server).toBe("nginx");

    const unknown = await viaIngress(`nobody.${ZONE}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("<center>nginx</center>");
    expect(unknown.cert.subject).toContain("Fake Certificate");

    // The certificate's dates are kept: a restart serves the same one.
    await env.restart();
    const after = await viaIngress(host, "/", { trusted: true });
    expect(after.cert.validTo).toBe(trusted.cert.validTo);
    expect(after.cert.serialNumber).toBe(trusted.cert.serialNumber);
    expect((await env.control<{ ingressPort: number }>("GET", "state")).ingressPort).toBe(ingressPort);
  });

  it("removes the records with the Ingress, and leaves them when the cluster's resource group goes", async () => {
    await networking.deleteNamespacedIngress({ name: "airflow-ui", namespace: "airflow" });
    await eventually(async () => ((await records()).length === 0 ? true : undefined), 5_000, "the records to go");

    await networking.createNamespacedIngress({ namespace: "airflow", body: ingress("airflow-ui", `env2.${ZONE}`) });
    await eventually(async () => ((await records()).length === 2 ? true : undefined), 5_000, "env2's records");
    await clients.resources.resourceGroups.beginDeleteAndWait("rg-env", POLL);
    await new Promise((r) => setTimeout(r, 200));
    expect((await records()).map((r) => r.name).sort()).toEqual(["a-env2", "env2"]);
    expect((await dns.zones.get(PLATFORM_RG, ZONE)).name).toBe(ZONE);
    expect((await viaIngress(`env2.${ZONE}`)).status).toBe(404);
  });
});
