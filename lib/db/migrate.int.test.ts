import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase } from "@/scripts/support/postgres";
import { applyMigrations, defaultMigrationsDir, migrationChecksum, readMigrations } from "./migrate";
import { withTestDatabase } from "@/scripts/test-support/db";

const testDb = withTestDatabase();
let counter = 0;
const freshDatabase = () => createDatabase(testDb.adminUrl, `migrate_${process.pid}_${Date.now()}_${counter++}`);

async function history(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    return rows as { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number }[];
  } finally {
    await client.end();
  }
}

const tempDirs: string[] = [];
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "portal-migrations-"));
  tempDirs.push(dir);
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("applyMigrations on PostgreSQL", () => {
  it("applies every committed migration to an empty database, recorded like the Prisma CLI does", async () => {
    const url = await freshDatabase();
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);

    const result = await applyMigrations(url);

    expect(result.applied).toEqual(files.map((f) => f.name));
    const rows = await history(url);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const file = files[i]!;
      expect(row.checksum).toBe(migrationChecksum(file.sql));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is idempotent: a second run applies nothing and changes no history", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);
    const before = await history(url);

    const second = await applyMigrations(url);

    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(before.map((r) => r.migration_name));
    expect(await history(url)).toEqual(before);
  });

  it("applies each migration once when several processes start at the same time", async () => {
    const url = await freshDatabase();
    const runs = await Promise.all(Array.from({ length: 4 }, () => applyMigrations(url)));

    const files = await readMigrations();
    const appliedAnywhere = runs.flatMap((r) => r.applied).sort();
    expect(appliedAnywhere).toEqual(files.map((f) => f.name));
    expect((await history(url)).map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  });

  it("refuses to run when an applied migration file was changed afterwards", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const [first] = await readMigrations(dir);
    const file = join(dir, first!.name, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited after the fact\n`);

    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/was changed after it was applied/);
  });

  it("rolls a failing migration back completely and leaves it unrecorded", async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const name = "99990101000000_broken";
    await cp(join(dir, (await readMigrations(dir))[0]!.name), join(dir, name), { recursive: true });
    await writeFile(join(dir, name, "migration.sql"), `CREATE TABLE "half_done" (id int);\nSELECT * FROM "no_such_table";\n`);

    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/99990101000000_broken failed/);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT to_regclass('public.half_done') AS t`);
    await client.end();
    expect(rows[0].t).toBeNull();
    expect((await history(url)).some((r) => r.migration_name === name)).toBe(false);
  });
});
