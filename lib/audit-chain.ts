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
  return (await walkChain(db, { lastId: -1n, lastHash: "", events: 0 })).report;
}

/** The newest link verified so far: the walk resumes from it. */
interface VerifiedPrefix {
  lastId: bigint;
  lastHash: string;
  events: number;
}

async function walkChain(db: PrismaClient, from: VerifiedPrefix): Promise<{ report: AuditChainReport; verified: VerifiedPrefix }> {
  let previous = from.lastHash;
  let events = from.events;
  let after = from.lastId;
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
  const verified = { lastId: after, lastHash: previous, events };

  const [head] = await db.$queryRaw<{ last_id: bigint; last_hash: string }[]>`
    SELECT "last_id", "last_hash" FROM "audit_chain_head" WHERE "id" = 1`;
  if (head && head.last_hash !== previous) {
    return broken(events, head.last_id, "the newest event the trail recorded is missing: events were removed from its end");
  }
  return { report: { ok: true, events }, verified };

  function broken(count: number, id: bigint, problem: string) {
    return { report: { ok: false as const, events: count, brokenAt: id.toString(), problem }, verified: { lastId: after, lastHash: previous, events } };
  }
}

/** How often the admin page's check walks the whole trail again rather than only its new links. */
export const FULL_RECHECK_MS = 60 * 60_000;

/**
 * For the admin page: the chain's state without walking the whole trail on every view. Each call
 * verifies only the links written since the last verified one (and the chain's head); the whole
 * trail is walked again in the background every FULL_RECHECK_MS, which is how a change to an old
 * row is found. `npm run audit:verify` always walks all of it.
 */
export function createAuditChainMonitor(now: () => number = Date.now) {
  let verified: VerifiedPrefix | undefined;
  let fullCheckAt = 0;
  let fullCheck: Promise<unknown> | undefined;
  let brokenReport: AuditChainReport | undefined;
  // A full walk's verdict wins over an incremental walk that was running beside it.
  let generation = 0;

  async function full(db: PrismaClient): Promise<AuditChainReport> {
    const started = now();
    const result = await walkChain(db, { lastId: -1n, lastHash: "", events: 0 });
    generation += 1;
    fullCheckAt = started;
    if (result.report.ok) {
      verified = result.verified;
      brokenReport = undefined;
    } else {
      verified = undefined;
      brokenReport = result.report;
    }
    return result.report;
  }

  // Views that arrive while a walk is under way wait for it rather than walking the same links again.
  let inFlight: Promise<AuditChainReport> | undefined;

  return function auditChainStatus(db: PrismaClient): Promise<AuditChainReport> {
    inFlight ??= check(db).finally(() => (inFlight = undefined));
    return inFlight;
  };

  async function check(db: PrismaClient): Promise<AuditChainReport> {
    if (!verified) return brokenReport && now() - fullCheckAt < FULL_RECHECK_MS ? brokenReport : full(db);
    if (now() - fullCheckAt >= FULL_RECHECK_MS && !fullCheck) {
      fullCheck = full(db)
        .catch((error: unknown) => console.error("[audit chain]", error))
        .finally(() => (fullCheck = undefined));
    }
    const startedIn = generation;
    const result = await walkChain(db, verified);
    if (startedIn !== generation) return brokenReport ?? result.report;
    if (!result.report.ok) {
      brokenReport = result.report;
      verified = undefined;
      fullCheckAt = now();
      return result.report;
    }
    verified = result.verified;
    return result.report;
  }
}

/** One per process: the admin page's view of the chain. */
export const auditChainStatus = createAuditChainMonitor();
