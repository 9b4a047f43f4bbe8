import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createDatabase, dropDatabase } from "@/scripts/support/postgres";
import { createPrismaClient } from "@/lib/db/create-client";
import { applyMigrations } from "@/lib/db/migrate";

export type TestDatabase = {
  /** URL of this test file's own, freshly migrated database. */
  readonly url: string;
  readonly prisma: PrismaClient;
  /** URL of the server's admin database, to create more databases on the same server. */
  readonly adminUrl: string;
  /**
   * Empties the given tables and every table that refers to them, or all tables (keeping the
   * migration history). The audit trail refuses DELETE and TRUNCATE; the tests connect as the
   * owner (the portal's role could not), so cleanup switches the TRUNCATE guard off for its own
   * transaction only, and restarts the audit chain with the trail.
   */
  truncate(tables?: string[]): Promise<void>;
};

/**
 * Call at the top of a `*.int.test.ts` file. Before its tests run, creates a database of its own
 * on the run's PostgreSQL server (started by scripts/support/vitest-global-setup.ts) and applies
 * the migrations; afterwards disconnects and drops it. Read `url`/`prisma` inside tests or hooks.
 */
export function withTestDatabase(): TestDatabase {
  let state: { url: string; prisma: PrismaClient; adminUrl: string; name: string } | undefined;

  beforeAll(async () => {
    const adminUrl = inject("postgresAdminUrl");
    const name = `test_${randomBytes(6).toString("hex")}`;
    const url = await createDatabase(adminUrl, name);
    await applyMigrations(url);
    state = { url, prisma: createPrismaClient(url), adminUrl, name };
  });

  afterAll(async () => {
    if (!state) return;
    await state.prisma.$disconnect();
    await dropDatabase(state.adminUrl, state.name);
  });

  const ready = () => {
    if (!state) throw new Error("withTestDatabase(): the database exists only inside tests and hooks, after beforeAll.");
    return state;
  };

  return {
    get url() {
      return ready().url;
    },
    get prisma() {
      return ready().prisma;
    },
    get adminUrl() {
      return ready().adminUrl;
    },
    async truncate(only?: string[]) {
      const { prisma } = ready();
      const tables =
        only?.map((tablename) => ({ tablename })) ??
        (await prisma.$queryRaw<{ tablename: string }[]>`
          SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
      if (tables.length === 0) return;
      const list = tables.map((t) => `"public"."${t.tablename}"`).join(", ");
      // ALTER TABLE takes an exclusive lock and is transactional: no other session ever sees the guard off.
      await prisma.$transaction([
        prisma.$executeRawUnsafe(`ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_no_truncate"`),
        prisma.$executeRawUnsafe(`TRUNCATE ${list} RESTART IDENTITY CASCADE`),
        prisma.$executeRawUnsafe(`ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_no_truncate"`),
        prisma.$executeRawUnsafe(`DELETE FROM "audit_chain_head" WHERE NOT EXISTS (SELECT FROM "audit_events")`),
      ]);
    },
  };
}
