import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "./embedded-postgres";

/**
 * Integration tests share one embedded PostgreSQL server per run (temporary data folder, removed
 * afterwards); each test file gets its own database on
 * it through `withTestDatabase()` (lib/db/testing.ts). With TEST_DATABASE_URL set, that server is
 * used instead (its user needs CREATEDB), and nothing is started.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL (a database on the test server whose user may create databases). */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide("postgresAdminUrl", given);
    return undefined;
  }
  const server = await startEmbeddedPostgres();
  project.provide("postgresAdminUrl", server.url);
  return () => server.stop();
}
