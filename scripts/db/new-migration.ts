/**
 * `npm run db:migration -- <name>`: writes `prisma/migrations/<timestamp>_<name>/migration.sql`
 * with the SQL that brings a database built from the committed migrations up to
 * `prisma/schema.prisma`, like `prisma migrate dev --create-only` but offline.
 *
 * The schema engine replays the migrations on a throwaway embedded PostgreSQL server
 * (scripts/support/embedded-postgres.ts) and diffs the result with the schema.
 * Review the file before committing: SQL the schema cannot express (partial indexes, checks)
 * is added by hand, and the engine leaves such indexes alone in later diffs.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultMigrationsDir } from "../../lib/db/migrate";
import { startEmbeddedPostgres } from "../support/embedded-postgres";
import { createDatabase } from "../support/postgres";
import { MIGRATION_LOCK_FILE, diffSql, isEmptyMigration, migrationsTarget, schemaTarget, withSchemaEngine } from "./schema-engine";

export function migrationTimestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

export function migrationDirName(name: string, now = new Date()): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!slug) throw new Error("Give the migration a name: npm run db:migration -- <name>");
  return `${migrationTimestamp(now)}_${slug}`;
}

/** SQL from the committed migrations to the schema; empty string when nothing changed. */
export async function pendingSchemaChanges(migrationsDir = defaultMigrationsDir()): Promise<string> {
  const server = await startEmbeddedPostgres();
  try {
    const url = await createDatabase(server.url, "migration_base");
    const from = await migrationsTarget(migrationsDir);
    const sql = await withSchemaEngine(url, (engine) => diffSql(engine, from, schemaTarget()));
    return isEmptyMigration(sql) ? "" : sql;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const dirName = migrationDirName(process.argv.slice(2).join(" "));
  const migrationsDir = defaultMigrationsDir();
  const sql = await pendingSchemaChanges(migrationsDir);
  if (!sql) {
    console.log("prisma/schema.prisma matches the committed migrations; no migration written.");
    return;
  }
  await mkdir(join(migrationsDir, dirName), { recursive: true });
  await writeFile(join(migrationsDir, dirName, "migration.sql"), sql.endsWith("\n") ? sql : `${sql}\n`);
  const lockPath = join(migrationsDir, "migration_lock.toml");
  if (!existsSync(lockPath)) await writeFile(lockPath, MIGRATION_LOCK_FILE);
  console.log(`Wrote prisma/migrations/${dirName}/migration.sql — review it, then npm run db:migrate.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
