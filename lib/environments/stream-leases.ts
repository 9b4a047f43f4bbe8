import type { PrismaClient } from "@/lib/generated/prisma/client";

/** Live-progress streams one session may hold open at once: a browser's tabs on a few environments. */
export const STREAMS_PER_SESSION = 6;
/** Live-progress streams one person may hold open at once, over all their sessions and every replica. */
export const STREAMS_PER_USER = 10;
/** How often an open stream renews its lease; one not renewed for LEASE_STALE_MS no longer counts. */
export const LEASE_RENEW_MS = 10_000;
export const LEASE_STALE_MS = 30_000;

export type LeaseRefusal = { ok: false; message: string };
export type Lease = { ok: true; id: string; renew(now?: Date): Promise<void>; release(): Promise<void> };

/**
 * Takes a place for one more stream of this person and session, or says why not. Counted in the
 * database under a lock on the person's row, so streams opened at once on several replicas cannot
 * together pass the limits.
 */
export async function acquireStreamLease(db: PrismaClient, userId: string, sessionId: string, now = new Date()): Promise<Lease | LeaseRefusal> {
  const result = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    await tx.eventStreamLease.deleteMany({ where: { renewedAt: { lt: new Date(now.getTime() - LEASE_STALE_MS) } } });
    const [forUser, forSession] = await Promise.all([
      tx.eventStreamLease.count({ where: { userId } }),
      tx.eventStreamLease.count({ where: { userId, sessionId } }),
    ]);
    if (forSession >= STREAMS_PER_SESSION) {
      return { ok: false as const, message: `You have ${forSession} live-progress views open in this browser, the most allowed. Close some tabs, then reload this page.` };
    }
    if (forUser >= STREAMS_PER_USER) {
      return { ok: false as const, message: `You have ${forUser} live-progress views open, the most allowed for one person. Close some tabs or other browsers, then reload this page.` };
    }
    const lease = await tx.eventStreamLease.create({ data: { userId, sessionId, renewedAt: now }, select: { id: true } });
    return { ok: true as const, id: lease.id };
  });
  if (!result.ok) return result;
  const { id } = result;
  let renewedAt = now.getTime();
  return {
    ok: true,
    id,
    async renew(at = new Date()) {
      if (at.getTime() - renewedAt < LEASE_RENEW_MS) return;
      renewedAt = at.getTime();
      const { count } = await db.eventStreamLease.updateMany({ where: { id }, data: { renewedAt: at } });
      // Taken for a dead replica's after a long stall (another open swept it): count this stream again.
      if (count === 0) await db.eventStreamLease.createMany({ data: [{ id, userId, sessionId, renewedAt: at }], skipDuplicates: true });
    },
    async release() {
      await db.eventStreamLease.deleteMany({ where: { id } });
    },
  };
}
