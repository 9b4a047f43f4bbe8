/**
 * `npm run db:migrate`: applies the committed migrations to the database at DATABASE_URL.
 * Safe to run from several processes at once (see lib/db/migrate.ts).
 */
import { applyMigrations } from "../../lib/db/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: point it at the PostgreSQL database to migrate.");
  process.exit(1);
}

applyMigrations(url, { log: (line) => console.log(line) }).catch((error: unknown) => {
  // The driver's messages name hosts and databases, never passwords; the URL itself is not printed.
  console.error(`Migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
