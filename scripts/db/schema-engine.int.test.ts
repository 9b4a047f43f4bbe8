import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { defaultMigrationsDir } from "@/lib/db/migrate";
import { diffSql, isEmptyMigration, migrationsTarget, schemaEngineVersion, schemaTarget, withSchemaEngine } from "./schema-engine";

/**
 * The committed migrations must build exactly what prisma/schema.prisma describes; otherwise the
 * schema changed without a migration (run `npm run db:migration -- <name>`). This also keeps the
 * in-process schema engine, an internal Prisma API, working across upgrades.
 */
const testDb = withTestDatabase();

describe("committed migrations and prisma/schema.prisma", () => {
  it("uses the schema engine build the Prisma CLI was released with", async () => {
    const { enginesVersion } = (await import("@prisma/engines-version")) as { enginesVersion: string };
    expect(schemaEngineVersion()).toBe(enginesVersion);
  });

  it("have no difference, and the hand-written partial indexes are kept", async () => {
    const sql = await withSchemaEngine(testDb.url, async (engine) => diffSql(engine, await migrationsTarget(defaultMigrationsDir()), schemaTarget()));
    expect(isEmptyMigration(sql) ? "" : sql).toBe("");
  });

  it("would see a change: the schema differs from an empty database", async () => {
    const sql = await withSchemaEngine(testDb.url, (engine) => diffSql(engine, { tag: "empty" }, schemaTarget()));
    expect(sql).toContain('CREATE TABLE "environments"');
  });
});
