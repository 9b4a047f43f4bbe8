import { ContainerServiceClient } from "@azure/arm-containerservice";
import { NetworkManagementClient } from "@azure/arm-network";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { overlaps, parseCidr } from "@/lib/azure/address-ranges";
import { deriveNames } from "@/lib/environments/naming";
import { tearDownEnvironment } from "@/lib/environments/teardown-environment";
import { withTestDatabase } from "@/scripts/test-support/db";
import { EMULATED_HUB_VNET_ID, EMULATED_PLATFORM, emulatorPlatformNetworkEnv, prepareEmulatedPlatform } from "@/scripts/support/emulated-platform";
import { readDeployed } from "./deployed";
import { eventLog, getFromNetwork, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";

/**
 * Environments as spokes of the platform's hub, through real workers and the emulated Azure: a
 * range per environment from the pool, the spoke VNet, peering both ways, PostgreSQL with private
 * access, health through the API server, an internal address reachable from the hub and from no
 * network that is not peered — and all of it gone again at teardown, the range back in the pool.
 */
const database = withTestDatabase();
const P = EMULATED_PLATFORM;
let h: EngineHarness;
let network: NetworkManagementClient;
let aks: ContainerServiceClient;
let postgres: PostgreSQLManagementFlexibleServerClient;
let privateDns: PrivateDnsManagementClient;

const notFound = async (get: () => Promise<unknown>) =>
  get().then(
    () => false,
    (error: { statusCode?: number }) => error.statusCode === 404,
  );

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  const { clientOptions, credential } = h.emulator;
  network = new NetworkManagementClient(credential, P.subscriptionId, clientOptions);
  aks = new ContainerServiceClient(credential, P.subscriptionId, clientOptions);
  postgres = new PostgreSQLManagementFlexibleServerClient(credential, P.subscriptionId, clientOptions);
  privateDns = new PrivateDnsManagementClient(credential, P.subscriptionId, clientOptions);
  // What the platform team prepares: the hub (and, here, a network nobody peered with).
  await prepareEmulatedPlatform({ url: h.emulator.url, caCertPath: h.emulator.emulator.caCertPath });
  await network.virtualNetworks.beginCreateOrUpdateAndWait(P.resourceGroup, "vnet-elsewhere", { location: "westeurope", addressSpace: { addressPrefixes: ["10.200.0.0/16"] } }, { updateIntervalInMs: 50 });
  for (let i = 0; i < 2; i++) h.startWorker({ ...emulatorPlatformNetworkEnv(), PORTAL_HELM_TIMEOUT_MS: "90000" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("environments in the platform's network", () => {
  it("builds two environments approved at once as spokes of the hub, reachable from it only, and returns everything at teardown", async () => {
    const [kube, local] = await Promise.all([
      requestAndApprove(database.prisma, h, "spoke-kube", { executor: "KubernetesExecutor", airflowVersion: "3.2.2" }),
      requestAndApprove(database.prisma, h, "spoke-local", { executor: "LocalExecutor", airflowVersion: "2.11.2" }),
    ]);
    await Promise.all([waitForStatus(database.prisma, kube, ["READY"], 150_000), waitForStatus(database.prisma, local, ["READY"], 150_000)]);

    const ranges = await database.prisma.spokeAddressRange.findMany({ orderBy: { cidr: "asc" } });
    expect(ranges.map((r) => r.environmentId).sort()).toEqual([kube, local].sort());
    const [a, b] = ranges.map((r) => parseCidr(r.cidr)!);
    expect(overlaps(a!, b!)).toBe(false);
    for (const range of [a!, b!]) expect(overlaps(range, parseCidr(P.spokePool)!)).toBe(true);

    for (const [id, name] of [
      [kube, "spoke-kube"],
      [local, "spoke-local"],
    ] as const) {
      const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
      const names = deriveNames(name, env.nameSuffix);
      const rg = names.resourceGroup;
      const cidr = ranges.find((r) => r.environmentId === id)!.cidr;

      // The spoke: the environment's range, a node subnet and a subnet delegated to PostgreSQL.
      const vnet = await network.virtualNetworks.get(rg, names.virtualNetwork);
      expect(vnet.addressSpace?.addressPrefixes).toEqual([cidr]);
      const nodes = vnet.subnets?.find((s) => s.name === "nodes");
      const db = vnet.subnets?.find((s) => s.name === "postgres");
      expect(db?.delegations?.map((d) => d.serviceName)).toEqual(["Microsoft.DBforPostgreSQL/flexibleServers"]);

      // Peered both ways, Connected.
      expect((await network.virtualNetworkPeerings.get(rg, names.virtualNetwork, "to-hub")).peeringState).toBe("Connected");
      const hubSide = await network.virtualNetworkPeerings.get(P.resourceGroup, P.hub, names.hubPeering);
      expect(hubSide).toMatchObject({ peeringState: "Connected", remoteVirtualNetwork: { id: vnet.id } });

      // The cluster on the node subnet; the database with private access only, no firewall rule.
      const cluster = await aks.managedClusters.get(rg, names.cluster);
      expect(cluster.agentPoolProfiles?.[0]?.vnetSubnetID?.toLowerCase()).toBe(nodes?.id?.toLowerCase());
      const server = await postgres.servers.get(rg, names.postgresServer);
      expect(server.network).toMatchObject({ publicNetworkAccess: "Disabled", delegatedSubnetResourceId: db?.id });
      expect(server.network?.privateDnsZoneArmResourceId?.toLowerCase()).toContain(`/privatednszones/${names.databaseDnsZone}`);
      const rules = [];
      for await (const rule of postgres.firewallRules.listByServer(rg, names.postgresServer)) rules.push(rule);
      expect(rules).toEqual([]);
      const links = [];
      for await (const link of privateDns.virtualNetworkLinks.list(rg, names.databaseDnsZone)) links.push(link.virtualNetwork?.id?.toLowerCase());
      expect(links.sort()).toEqual([EMULATED_HUB_VNET_ID.toLowerCase(), vnet.id!.toLowerCase()].sort());

      // Healthy through the API server; the address recorded is the internal load balancer's, in the spoke.
      const log = await eventLog(database.prisma, id);
      expect(log).toMatch(/airflow-health info Airflow is healthy \(service airflow-\S+:\d+, through the Kubernetes API server\); its address is http:\/\/10\.64\.\d+\.\d+(:\d+)?\/, reachable from networks peered with vnet-hub-platform/);
      expect(log).toMatch(/database-firewall info Skipped: the database has private access/);
      const deployed = readDeployed(env.deployed)!;
      expect(deployed).toMatchObject({ exposure: "internal", network: { hub: P.hub, addressPrefix: cidr } });
      const address = new URL(env.airflowUrl!);
      expect(overlaps(parseCidr(`${address.hostname}/32`)!, parseCidr(cidr)!)).toBe(true);

      // Reachable from the hub, not from a network nobody peered with the spoke.
      const health = new URL(name === "spoke-kube" ? "api/v2/monitor/health" : "health", address).href;
      expect(await getFromNetwork(h.emulator, EMULATED_HUB_VNET_ID, health)).toMatchObject({ status: 200 });
      const elsewhere = await getFromNetwork(h.emulator, EMULATED_HUB_VNET_ID.replace(P.hub, "vnet-elsewhere"), health);
      expect(elsewhere).toHaveProperty("unreachable");
    }

    // Teardown: the spoke and the hub's side of the peering go, the range returns to the pool; the other environment keeps its own.
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id: kube } });
    const names = deriveNames("spoke-kube", env.nameSuffix);
    await tearDownEnvironment(database.prisma, h.admin, { id: kube, confirmName: "spoke-kube" });
    await waitForStatus(database.prisma, kube, ["DELETED"], 60_000);
    expect(await notFound(() => network.virtualNetworks.get(names.resourceGroup, names.virtualNetwork))).toBe(true);
    expect(await notFound(() => network.virtualNetworkPeerings.get(P.resourceGroup, P.hub, names.hubPeering))).toBe(true);
    expect((await database.prisma.spokeAddressRange.findMany()).map((r) => r.environmentId)).toEqual([local]);
    const other = deriveNames("spoke-local", (await database.prisma.environment.findUniqueOrThrow({ where: { id: local } })).nameSuffix);
    expect((await network.virtualNetworkPeerings.get(P.resourceGroup, P.hub, other.hubPeering)).peeringState).toBe("Connected");
    expect(await network.virtualNetworks.get(P.resourceGroup, P.hub)).toMatchObject({ name: P.hub });
  }, 240_000);

  it("fails with Azure's words when the pool overlaps the hub, and keeps no range once torn down", async () => {
    // A platform misconfigured: the pool inside the hub's own address space.
    await Promise.all(h.workers.map((w) => w.stop()));
    h.startWorker({ ...emulatorPlatformNetworkEnv(), PORTAL_SPOKE_ADDRESS_POOL: "10.100.128.0/20", PORTAL_HELM_TIMEOUT_MS: "90000" });
    const id = await requestAndApprove(database.prisma, h, "spoke-clash");
    await waitForStatus(database.prisma, id, ["FAILED"], 90_000);
    const op = await database.prisma.operationStep.findFirstOrThrow({ where: { operation: { environmentId: id }, key: "hub-peering" } });
    expect(op.status).toBe("FAILED");
    expect(op.error).toMatch(/VnetAddressSpacesOverlap/);
    await tearDownEnvironment(database.prisma, h.admin, { id, confirmName: "spoke-clash" });
    await waitForStatus(database.prisma, id, ["DELETED"], 60_000);
    expect(await database.prisma.spokeAddressRange.findUnique({ where: { environmentId: id } })).toBeNull();
  }, 180_000);
});
