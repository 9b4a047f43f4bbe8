import { formatCidr, overlaps, parseCidr, rangeAt, rangeCount } from "@/lib/azure/address-ranges";
import { CloudError } from "@/lib/azure/errors";
import { SPOKE_PREFIX, type PlatformNetwork } from "@/lib/azure/platform-network";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * The environment's spoke range: the one it holds, else the first range of the pool that overlaps
 * no range held. One allocation at a time (a transaction-scoped advisory lock), so two approvals
 * at once never get overlapping ranges, even after the pool was changed; the range being the
 * table's key refuses a duplicate in any case.
 */
export async function claimSpokeRange(db: PrismaClient, environmentId: string, network: PlatformNetwork): Promise<{ cidr: string; claimed: boolean }> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('airflow-portal:spoke-address-ranges'))`;
    const mine = await tx.spokeAddressRange.findUnique({ where: { environmentId } });
    if (mine) return { cidr: mine.cidr, claimed: false };
    const held = (await tx.spokeAddressRange.findMany({ select: { cidr: true } })).flatMap((r) => parseCidr(r.cidr) ?? []);
    const pool = parseCidr(network.pool)!;
    const count = rangeCount(pool, SPOKE_PREFIX);
    for (let i = 0; i < count; i++) {
      const candidate = rangeAt(pool, SPOKE_PREFIX, i);
      if (held.some((h) => overlaps(h, candidate))) continue;
      const cidr = formatCidr(candidate);
      await tx.spokeAddressRange.create({ data: { cidr, environmentId, hubVnetId: network.hubVnetId } });
      return { cidr, claimed: true };
    }
    throw new CloudError(
      "AddressPoolExhausted",
      `The address pool ${network.pool} has no free /${SPOKE_PREFIX} left (${count} environments hold all of it): widen PORTAL_SPOKE_ADDRESS_POOL or tear environments down`,
      false,
    );
  });
}

/** The range the environment holds, with the hub it was peered with; null when it holds none. */
export function findSpokeRange(db: PrismaClient, environmentId: string) {
  return db.spokeAddressRange.findUnique({ where: { environmentId } });
}

/** Returns the environment's range to the pool; nothing to return is fine (teardown is idempotent). */
export async function releaseSpokeRange(db: PrismaClient, environmentId: string): Promise<string | null> {
  const row = await findSpokeRange(db, environmentId);
  if (!row) return null;
  await db.spokeAddressRange.deleteMany({ where: { environmentId } });
  return row.cidr;
}
