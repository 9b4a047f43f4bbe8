import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export type AuditChainReport =
  | { ok: true; events: number }
  | { ok: false; events: number; brokenAt: string; problem: string };

type Row = { id: bigint; prev_hash: string; hash: string; canonical: string };

const BATCH = 1000;

/**
 * Walks the audit trail oldest first and recomputes each link: a row's `prev_hash` must be the
 * hash of the row before it, and its `hash` SHA-256 over that and its own content (serialised by
 * the database's `audit_event_canonical`, as the insert trigger did). Reports the first link that
 * does not hold: an edited row, a row missing from the middle, or rows missing from the end (the
 * chain's head remembers the newest link). Needs only SELECT, so the portal's role can run it.
 */
export async function verifyAuditChain(db: PrismaClient): Promise<AuditChainReport> {
  let previous = "";
  let events = 0;
  let after = -1n;
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      SELECT e."id", e."prev_hash", e."hash",
        "audit_event_canonical"(e."id", e."environment_id", e."actor_id", e."action", e."from_status"::text,
          e."to_status"::text, e."reason", e."details", e."created_at") AS canonical
      FROM "audit_events" e WHERE e."id" > ${after} ORDER BY e."id" LIMIT ${BATCH}`;
    for (const row of rows) {
      if (row.prev_hash !== previous) {
        return broken(events, row.id, "its link to the previous event does not match: an event before it was removed or changed");
      }
      const expected = createHash("sha256").update(`${previous}\n${row.canonical}`, "utf8").digest("hex");
      if (row.hash !== expected) return broken(events, row.id, "its content does not match its hash: it was changed after it was written");
      previous = row.hash;
      events += 1;
      after = row.id;
    }
    if (rows.length < BATCH) break;
  }

  const [head] = await db.$queryRaw<{ last_id: bigint; last_hash: string }[]>`
    SELECT "last_id", "last_hash" FROM "audit_chain_head" WHERE "id" = 1`;
  if (head && head.last_hash !== previous) {
    return broken(events, head.last_id, "the newest event the trail recorded is missing: events were removed from its end");
  }
  return { ok: true, events };
}

function broken(events: number, id: bigint, problem: string): AuditChainReport {
  return { ok: false, events, brokenAt: id.toString(), problem };
}
