import { describe, expect, it } from "vitest";
import { overlaps, parseCidr } from "@/lib/azure/address-ranges";
import { parsePlatformNetwork } from "@/lib/azure/platform-network";
import { withTestDatabase } from "@/scripts/test-support/db";
import { claimSpokeRange, findSpokeRange, releaseSpokeRange } from "./spoke-ranges";

const database = withTestDatabase();
const HUB = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-platform/providers/Microsoft.Network/virtualNetworks/vnet-hub";

async function environments(count: number, prefix: string) {
  const db = database.prisma;
  const team = await db.team.upsert({ where: { slug: "net" }, update: {}, create: { slug: "net", name: "Net", entraGroupId: "g-net" } });
  const user = await db.user.upsert({ where: { subject: "net" }, update: {}, create: { subject: "net", name: "Nat" } });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const env = await db.environment.create({
      data: {
        name: `${prefix}-${i}`, nameSuffix: "abc123", teamId: team.id, requestedById: user.id, status: "PROVISIONING", purpose: "Net", region: "westeurope",
        size: "small", executor: "KubernetesExecutor", airflowVersion: "3.2.2", chartVersion: "1.22.0",
      },
    });
    ids.push(env.id);
  }
  return ids;
}

describe("spoke address ranges", () => {
  it("never hand two environments claiming at once overlapping ranges, and give each its own again on a retry", async () => {
    const network = parsePlatformNetwork(HUB, "10.64.0.0/20")!;
    const ids = await environments(8, "at-once");
    const claims = await Promise.all(ids.map((id) => claimSpokeRange(database.prisma, id, network)));
    expect(claims.every((c) => c.claimed)).toBe(true);
    const ranges = claims.map((c) => parseCidr(c.cidr)!);
    for (let a = 0; a < ranges.length; a++) {
      for (let b = a + 1; b < ranges.length; b++) expect(overlaps(ranges[a]!, ranges[b]!), `${claims[a]!.cidr} and ${claims[b]!.cidr}`).toBe(false);
    }
    expect(ranges.every((r) => overlaps(r, parseCidr(network.pool)!))).toBe(true);
    const again = await claimSpokeRange(database.prisma, ids[3]!, network);
    expect(again).toEqual({ cidr: claims[3]!.cidr, claimed: false });
    expect(await findSpokeRange(database.prisma, ids[3]!)).toMatchObject({ cidr: claims[3]!.cidr, hubVnetId: HUB });
  });

  it("refuse when the pool is used up, and hand a released range out again", async () => {
    const network = parsePlatformNetwork(HUB, "10.65.0.0/23")!;
    const [a, b, c] = await environments(3, "full");
    const first = await claimSpokeRange(database.prisma, a!, network);
    await claimSpokeRange(database.prisma, b!, network);
    await expect(claimSpokeRange(database.prisma, c!, network)).rejects.toThrow(/The address pool 10\.65\.0\.0\/23 has no free \/24 left/);
    expect(await releaseSpokeRange(database.prisma, a!)).toBe(first.cidr);
    expect(await releaseSpokeRange(database.prisma, a!)).toBeNull();
    expect((await claimSpokeRange(database.prisma, c!, network)).cidr).toBe(first.cidr);
  });

  it("skip ranges that overlap ranges held under an earlier, different pool", async () => {
    const [old, next] = await environments(2, "repooled");
    await claimSpokeRange(database.prisma, old!, parsePlatformNetwork(HUB, "10.66.0.0/24")!);
    const claimed = await claimSpokeRange(database.prisma, next!, parsePlatformNetwork(HUB, "10.66.0.0/22")!);
    expect(claimed.cidr).toBe("10.66.1.0/24");
  });
});
