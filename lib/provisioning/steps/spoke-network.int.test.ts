import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import { parsePlatformNetwork } from "@/lib/azure/platform-network";
import type { EngineConfig } from "@/lib/config";
import { withTestDatabase } from "@/scripts/test-support/db";
import { emulatorStepContext, testEngineConfig, testEnvironment, type StepHarness } from "@/scripts/test-support/provisioning-steps";
import type { StepOutput } from "../context";
import { createDatabaseDnsZone, createSpokeNetwork, deleteHubPeering, peerWithHub, releaseAddressRange } from "./spoke-network";

/**
 * The spoke's steps through the real SDK clients against the emulated Azure, each run twice: the
 * second run of each writes nothing (no PUT), and the teardown steps are harmless when repeated.
 */
type State = { counts: Record<string, { created: number; puts: number; deletes: number }> };

const database = withTestDatabase();
let emulator: TestEmulator;
let h: StepHarness;
const env = testEnvironment("spoke-steps");
const HUB_GROUP = "rg-platform-net";
const HUB = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${HUB_GROUP}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;

/** PUTs the emulator served for resources whose id contains one of these, by id. */
async function puts(...fragments: string[]): Promise<Record<string, number>> {
  const { counts } = await emulator.control<State>("GET", "state");
  return Object.fromEntries(Object.entries(counts).filter(([id]) => fragments.some((f) => id.includes(f.toLowerCase()))).map(([id, c]) => [id, c.puts]));
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  const config = { ...testEngineConfig(), azure: { subscriptionId: SUBSCRIPTION }, platformNetwork: parsePlatformNetwork(HUB, "10.64.0.0/16") } as unknown as EngineConfig;
  h = emulatorStepContext(emulator, SUBSCRIPTION, env, config, database.prisma);
  const db = database.prisma;
  const team = await db.team.create({ data: { slug: "spokes", name: "Spokes", entraGroupId: "g-spokes" } });
  const user = await db.user.create({ data: { subject: "spokes", name: "Sam" } });
  await db.environment.create({
    data: {
      id: env.id, name: env.name, nameSuffix: "a1b2c3", teamId: team.id, requestedById: user.id, status: "PROVISIONING", purpose: "Spokes",
      region: "westeurope", size: "small", executor: "KubernetesExecutor", airflowVersion: "3.2.2", chartVersion: "1.22.0",
    },
  });
  const { arm } = h.ctx;
  await arm.resources.resourceGroups.createOrUpdate(env.names.resourceGroup, { location: "westeurope" });
  await arm.resources.resourceGroups.createOrUpdate(HUB_GROUP, { location: "westeurope" });
  await arm.network.virtualNetworks.beginCreateOrUpdateAndWait(HUB_GROUP, "vnet-hub", { location: "westeurope", addressSpace: { addressPrefixes: ["10.100.0.0/16"] } }, arm.poll);
});
afterAll(() => emulator?.close());

describe("the spoke's steps", () => {
  it("build the spoke, peer it both ways and make the database's zone once; a second run of each writes nothing", async () => {
    const outputs = h.ctx.outputs as Record<string, StepOutput>;
    const run = async () => {
      outputs["spoke-network"] = await createSpokeNetwork(h.ctx);
      outputs["hub-peering"] = await peerWithHub(h.ctx);
      outputs["database-dns"] = await createDatabaseDnsZone(h.ctx);
    };
    await run();
    expect(outputs["spoke-network"]).toMatchObject({ addressPrefix: "10.64.0.0/24" });
    expect(outputs["hub-peering"]).toMatchObject({ hub: "vnet-hub", gatewayTransit: false });
    const written = await puts(env.names.virtualNetwork, env.names.hubPeering, env.names.databaseDnsZone);
    // The spoke and its two subnets, both sides of the peering, the zone and its two links: each written once.
    expect(Object.values(written)).toHaveLength(8);
    expect(Object.values(written).every((n) => n === 1), JSON.stringify(written)).toBe(true);

    h.logs.length = 0;
    await run();
    expect(await puts(env.names.virtualNetwork, env.names.hubPeering, env.names.databaseDnsZone)).toEqual(written);
    expect(h.logs).toContain("Address range 10.64.0.0/24 is this environment's");
    expect(h.logs).toContain(`Virtual network ${env.names.virtualNetwork} already exists`);
    expect(h.logs.filter((l) => l.startsWith("Creating"))).toEqual([]);
  });

  it("remove the hub's side and return the range at teardown, and do no harm when run again", async () => {
    await deleteHubPeering(h.ctx);
    await expect(h.ctx.arm.network.virtualNetworkPeerings.get(HUB_GROUP, "vnet-hub", env.names.hubPeering)).rejects.toMatchObject({ statusCode: 404 });
    expect(await deleteHubPeering(h.ctx)).toEqual({ deleted: true });
    expect(await releaseAddressRange(h.ctx)).toEqual({ released: "10.64.0.0/24" });
    expect(await releaseAddressRange(h.ctx)).toEqual({ released: null });
    expect(await deleteHubPeering(h.ctx)).toEqual({ deleted: false });
  });
});
