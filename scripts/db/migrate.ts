/**
 * `npm run db:migrate`: applies the committed migrations as the owner role, MIGRATION_DATABASE_URL
 * (default: DATABASE_URL, as for the embedded database, where one superuser does everything). In
 * production the portal's own DATABASE_URL names a role that owns nothing (README, Security).
 * Safe to run from several processes at once (see lib/db/migrate.ts).
 */
import { applyMigrations } from "../../lib/db/migrate";

const url = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.error("MIGRATION_DATABASE_URL (or DATABASE_URL) is not set: point it at the PostgreSQL database to migrate, as its owner.");
  process.exit(1);
}

applyMigrations(url, { log: (line) => console.log(line) }).catch((error: unknown) => {
  // The driver's messages name hosts and databases, never passwords; the URL itself is not printed.
  console.error(`Migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
