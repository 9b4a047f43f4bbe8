import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { installQueue } from "@/lib/provisioning/queue";

/**
 * Applies the committed `prisma/migrations/<name>/migration.sql` files in name order, the way
 * `prisma migrate deploy` does, but without the Prisma CLI (it needs a native engine binary that
 * cannot be downloaded here) and without schema introspection. Rows in `_prisma_migrations` use
 * the CLI's layout, so the CLI and this function can take turns on the same database.
 */

export type MigrationFile = { name: string; sql: string; checksum: string };
export type ApplyMigrationsOptions = {
  log?: (line: string) => void;
  /** Defaults to `prisma/migrations` under the current directory. */
  migrationsDir?: string;
};
export type ApplyMigrationsResult = { applied: string[]; skipped: string[] };

/** The key `prisma migrate` locks on, so this and the CLI never migrate one database at once. */
const MIGRATION_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * pg-boss's schema is installed by the owner here, but the portal and workers send, fetch and
 * complete jobs (and pg-boss creates a queue's partition on demand) as the app role. The queue
 * holds no audit data, so the app role may do anything in it.
 */
const GRANT_QUEUE_TO_APP_ROLE = `
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'airflow_portal_app') THEN
        GRANT USAGE, CREATE ON SCHEMA pgboss TO "airflow_portal_app";
        GRANT ALL ON ALL TABLES IN SCHEMA pgboss TO "airflow_portal_app";
        GRANT ALL ON ALL SEQUENCES IN SCHEMA pgboss TO "airflow_portal_app";
        ALTER DEFAULT PRIVILEGES IN SCHEMA pgboss GRANT ALL ON TABLES TO "airflow_portal_app";
        ALTER DEFAULT PRIVILEGES IN SCHEMA pgboss GRANT ALL ON SEQUENCES TO "airflow_portal_app";
    END IF;
END;
$$`;

export function defaultMigrationsDir(): string {
  return join(process.cwd(), "prisma", "migrations");
}

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

export async function readMigrations(dir = defaultMigrationsDir()): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
    files.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return files;
}

type AppliedRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/**
 * Each migration runs in its own transaction that first takes a transaction-scoped advisory lock
 * and then re-reads the history, so concurrent starters apply each file exactly once: the loser
 * waits, then sees the row and skips. A session-scoped lock would not do behind a transaction-mode
 * pooler (such as the PgBouncer of Azure Database for PostgreSQL), where one client's consecutive
 * transactions may run in different server sessions.
 */
export async function applyMigrations(connectionString: string, options: ApplyMigrationsOptions = {}): Promise<ApplyMigrationsResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const result: ApplyMigrationsResult = { applied: [], skipped: [] };
  try {
    await inLockedTransaction(client, () => client.query(CREATE_MIGRATIONS_TABLE));
    for (const migration of migrations) {
      const applied = await inLockedTransaction(client, async () => {
        const history = await client.query<AppliedRow>(
          `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
        );
        assertHistoryUsable(history.rows, migrations);
        if (history.rows.some((r) => r.migration_name === migration.name && r.finished_at && !r.rolled_back_at)) return false;
        const startedAt = new Date();
        try {
          await client.query(migration.sql);
        } catch (error) {
          throw new Error(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
        }
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        return true;
      });
      (applied ? result.applied : result.skipped).push(migration.name);
      if (applied) log(`Applied migration ${migration.name}`);
    }
    if (result.applied.length === 0) log(`Database is up to date (${migrations.length} migrations)`);
    await installQueue(connectionString);
    await client.query(GRANT_QUEUE_TO_APP_ROLE);
    return result;
  } finally {
    await client.end();
  }
}

/** Refuses to go on from a history that no longer matches the files, as `migrate deploy` does. */
function assertHistoryUsable(rows: AppliedRow[], migrations: MigrationFile[]): void {
  const byName = new Map(migrations.map((m) => [m.name, m]));
  for (const row of rows) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new Error(
        `Migration ${row.migration_name} started but never finished on this database. Inspect it, then mark it rolled back in _prisma_migrations before migrating again.`,
      );
    }
    const file = byName.get(row.migration_name);
    if (file && file.checksum !== row.checksum) {
      throw new Error(
        `Migration ${row.migration_name} was changed after it was applied (checksum differs). Restore the applied file and put the change in a new migration.`,
      );
    }
  }
}

async function inLockedTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    const value = await work();
    await client.query("COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
