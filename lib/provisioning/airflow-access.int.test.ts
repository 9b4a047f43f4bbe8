import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { DnsManagementClient } from "@azure/arm-dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIRFLOW_APP } from "@/emulator/src/cloud/airflow-app";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { GraphApplications } from "@/lib/azure/graph";
import { request } from "@/emulator/test/support";
import { withTestDatabase } from "@/scripts/test-support/db";
import { tearDownEnvironment } from "@/lib/environments/teardown-environment";
import { probe } from "@/lib/http/outbound";
import { EMULATED_PLATFORM, emulatorAirflowAccessEnv, prepareEmulatedPlatform } from "@/scripts/support/emulated-platform";
import { readDeployed } from "./deployed";
import { GROUPS, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";

/**
 * Airflow at https://<name>.<domain> with Entra sign-in, end to end through real workers and the
 * emulated Azure: the routing add-on's grants, the Ingress, the zone's record, health through the
 * ingress with its certificate, the app registration's redirect URIs through Graph — and all of it
 * gone again at teardown, while another environment's sign-in stays.
 */
const database = withTestDatabase();
let h: EngineHarness;
let dns: DnsManagementClient;
let authz: AuthorizationManagementClient;
let graph: GraphApplications;
const P = EMULATED_PLATFORM;

const redirectUris = async () => {
  const token = await h.emulator.credential.getToken(`${h.emulator.url}/.default`);
  const res = await request(`${h.emulator.url}/v1.0/applications(appId='${AIRFLOW_APP.appId}')`, { ca: h.emulator.ca, headers: { authorization: `Bearer ${token!.token}` } });
  return (JSON.parse(res.text) as { web: { redirectUris: string[] } }).web.redirectUris;
};

const aRecord = async (name: string) => {
  try {
    return await dns.recordSets.get(P.resourceGroup, P.domain, name, "A");
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
};

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  const { clientOptions, credential } = h.emulator;
  dns = new DnsManagementClient(credential, P.subscriptionId, clientOptions);
  authz = new AuthorizationManagementClient(credential, P.subscriptionId, clientOptions);
  graph = new GraphApplications(h.emulator.url, credential, { ca: h.emulator.ca });
  // What the platform team prepares, as npm run dev and the end-to-end tests do (the zone; the certificate and app registration are the emulator's own).
  await prepareEmulatedPlatform({ url: h.emulator.url, caCertPath: h.emulator.emulator.caCertPath });
  const access = emulatorAirflowAccessEnv({ url: h.emulator.url, ingressPort: h.emulator.emulator.ingressPort }, GROUPS.platform);
  // Health probed every second, so a certificate that changes under a READY environment shows at once.
  for (let i = 0; i < 2; i++) h.startWorker({ ...access, PORTAL_HELM_TIMEOUT_MS: "90000", WORKER_HEALTH_INTERVAL_MS: "1000" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("Airflow at its https address", () => {
  it("publishes Airflow 3 and Airflow 2 behind the ingress with Entra sign-in, and takes each address down with its environment", async () => {
    const [three, two] = await Promise.all([
      requestAndApprove(database.prisma, h, "signin-three", { executor: "CeleryExecutor", airflowVersion: "3.2.2" }),
      requestAndApprove(database.prisma, h, "signin-two", { executor: "LocalExecutor", airflowVersion: "2.11.2" }),
    ]);
    await Promise.all([waitForStatus(database.prisma, three, ["READY"], 120_000), waitForStatus(database.prisma, two, ["READY"], 120_000)]);
    const port = h.emulator.emulator.ingressPort;

    for (const [id, name, callback] of [
      [three, "signin-three", "auth/oauth-authorized/azure"],
      [two, "signin-two", "oauth-authorized/azure"],
    ] as const) {
      const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
      const url = `https://${name}.${P.domain}:${port}/`;
      expect(env.airflowUrl).toBe(url);
      const deployed = readDeployed(env.deployed)!;
      expect(deployed.exposure).toBe("ingress");
      expect(deployed.access).toMatchObject({
        url,
        redirectUri: `${url}${callback}`,
        roles: [
          { groupId: GROUPS.analytics, who: "Team Analytics", role: "Op" },
          { groupId: GROUPS.platform, who: "Platform admins", role: "Admin" },
        ],
      });
      expect(Date.parse(deployed.access!.certificateExpiresAt!)).toBeGreaterThan(Date.now() + 300 * 24 * 3600_000);

      // The UI is reachable only through the ingress: a ClusterIP Service and the generated sign-in config.
      const values = deployed.helmValues as Record<string, Record<string, unknown>>;
      const ui = name === "signin-three" ? values.apiServer! : values.webserver!;
      expect(ui.service).toEqual({ type: "ClusterIP" });
      const config = String(name === "signin-three" ? ui.apiServerConfig : ui.webserverConfig);
      expect(config).toContain("AUTH_TYPE = AUTH_OAUTH");
      expect(config).toContain(`"${GROUPS.analytics}": ["Op"]`);
      expect(values.extraEnvFrom).toContain("airflow-entra-oauth");

      // The zone's record points at the ingress, and health answers through it with the platform's certificate.
      expect((await aRecord(name))?.aRecords?.map((r) => r.ipv4Address)).toEqual(["127.0.0.1"]);
      const health = await probe(new URL(name === "signin-three" ? "api/v2/monitor/health" : "health", url), { ca: h.emulator.ca });
      expect(health.status).toBe(200);
      expect(health.certificate?.subject).toBe(`*.${P.domain}`);
    }

    // Both callbacks registered once each, though both environments wrote the list at the same time.
    const uris = await redirectUris();
    for (const callback of [`https://signin-three.${P.domain}:${port}/auth/oauth-authorized/azure`, `https://signin-two.${P.domain}:${port}/oauth-authorized/azure`]) {
      expect(uris.filter((u) => u === callback)).toHaveLength(1);
    }
    // The add-on's identity may write the zone and read the certificate.
    const principals = (await authz.roleAssignments.listForScope(`/subscriptions/${P.subscriptionId}/resourceGroups/${P.resourceGroup}/providers/Microsoft.Network/dnsZones/${P.domain}`).byPage().next()).value as Array<{ principalId: string }>;
    expect(principals.length).toBeGreaterThanOrEqual(2);
    const vaultId = `/subscriptions/${P.subscriptionId}/resourceGroups/${P.resourceGroup}/providers/Microsoft.KeyVault/vaults/${P.vault}`;
    const vaultGrants = (await authz.roleAssignments.listForScope(vaultId).byPage().next()).value as Array<{ roleDefinitionId: string }>;
    // Key Vault Certificate User, the role AKS's application routing docs give the add-on's identity.
    expect(new Set(vaultGrants.map((g) => g.roleDefinitionId.split("/").pop()))).toEqual(new Set(["db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"]));
    expect(vaultGrants.length).toBe(principals.length);

    // No secret of the app registration anywhere in the portal's database.
    const dump = JSON.stringify({
      envs: await database.prisma.environment.findMany(),
      steps: await database.prisma.operationStep.findMany({ select: { output: true } }),
      events: await database.prisma.operationEvent.findMany({ select: { message: true } }),
    });
    expect(dump).not.toContain(AIRFLOW_APP.secret);

    // Teardown of Airflow 3: its callback, record and grants go; Airflow 2's sign-in stays.
    const threeCallback = `https://signin-three.${P.domain}:${port}/auth/oauth-authorized/azure`;
    expect((await tearDownEnvironment(database.prisma, h.admin, { id: three, confirmName: "signin-three" })).outcome).toBe("requested");
    await waitForStatus(database.prisma, three, ["DELETED"], 90_000);
    const after = await redirectUris();
    expect(after).not.toContain(threeCallback);
    expect(after).toContain(`https://signin-two.${P.domain}:${port}/oauth-authorized/azure`);
    expect(await aRecord("signin-three")).toBeNull();
    expect(await aRecord("signin-two")).not.toBeNull();
    await expect(dns.recordSets.get(P.resourceGroup, P.domain, "a-signin-three", "TXT")).rejects.toMatchObject({ statusCode: 404 });
    const left = (await authz.roleAssignments.listForScope(`/subscriptions/${P.subscriptionId}/resourceGroups/${P.resourceGroup}/providers/Microsoft.Network/dnsZones/${P.domain}`).byPage().next()).value as unknown[];
    expect(left.length).toBe(principals.length - 1);

    // Removing it again (a second teardown's step) changes nothing.
    expect(await graph.removeRedirectUri(AIRFLOW_APP.appId, threeCallback)).toBe(false);
    expect(await redirectUris()).toEqual(after);
    expect((await tearDownEnvironment(database.prisma, h.admin, { id: three, confirmName: "signin-three" })).outcome).toBe("already-deleted");
  }, 240_000);

  it("fails the health check on NGINX's own certificate while the cluster lacks the Key Vault secrets provider", async () => {
    const id = await requestAndApprove(database.prisma, h, "no-vault", { executor: "LocalExecutor" });
    await waitForStatus(database.prisma, id, ["READY"], 120_000);
    const [resourceGroup, cluster] = ["rg-airflow-no-vault", "aks-airflow-no-vault"];
    const aks = new ContainerServiceClient(h.emulator.credential, P.subscriptionId, h.emulator.clientOptions);
    const before = await aks.managedClusters.get(resourceGroup, cluster);
    expect(before.addonProfiles?.azureKeyvaultSecretsProvider).toMatchObject({ enabled: true, config: { enableSecretRotation: "true" } });
    await eventuallyHealth(id, (health) => health === "healthy");

    // The sweep reads health through the cluster's API server first: while it refuses, the
    // environment is not healthy, though its public address still answers.
    await h.emulator.control("POST", "faults", { type: "http", status: 503, match: { kind: "kube" }, count: 10_000 });
    try {
      expect(await eventuallyHealth(id, (value) => value !== "healthy")).toMatch(/^the UI Service could not be read \(.*503/);
    } finally {
      await h.emulator.control("DELETE", "faults");
    }
    await eventuallyHealth(id, (health) => health === "healthy");

    // Someone turns the add-on off: NGINX can no longer read the vault and serves its own certificate.
    const off = { ...before, addonProfiles: { ...before.addonProfiles, azureKeyvaultSecretsProvider: { enabled: false } } };
    await aks.managedClusters.beginCreateOrUpdateAndWait(resourceGroup, cluster, off, { updateIntervalInMs: 10 });
    const health = await eventuallyHealth(id, (value) => value !== "healthy");
    expect(health).toMatch(/^health endpoint unreachable \((self-signed certificate|unable to verify|Hostname\/IP does not match)/);
  }, 180_000);
});

/** The dashboard's health column once `done` holds for it. */
async function eventuallyHealth(id: string, done: (health: string | null) => boolean): Promise<string | null> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { health } = await database.prisma.environment.findUniqueOrThrow({ where: { id }, select: { health: true } });
    if (done(health)) return health;
    if (Date.now() > deadline) throw new Error(`health stayed ${health}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
