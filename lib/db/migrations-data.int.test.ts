import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/scripts/support/postgres";
import { applyMigrations, defaultMigrationsDir } from "./migrate";
import { withTestDatabase } from "@/scripts/test-support/db";

/** Migrations that change existing rows, applied to a database that already holds some. */
const testDb = withTestDatabase();
const tempDirs: string[] = [];
afterAll(() => Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A database migrated up to (not including) the first migration whose name contains `before`. */
async function databaseBefore(before: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "portal-migrations-"));
  tempDirs.push(dir);
  for (const name of (await readdir(defaultMigrationsDir())).sort()) {
    if (name.includes(before)) break;
    await cp(join(defaultMigrationsDir(), name), join(dir, name), { recursive: true });
  }
  const url = await createDatabase(testDb.adminUrl, `data_${process.pid}_${Date.now()}_${tempDirs.length}`);
  await applyMigrations(url, { migrationsDir: dir });
  return url;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function insertEnvironment(client: pg.Client, name: string, airflowVersion: string) {
  await client.query(
    `INSERT INTO environments (id, name, name_suffix, team_id, requested_by_id, purpose, region, size, executor, airflow_version, updated_at)
     SELECT gen_random_uuid(), $1, 'abcdef', t.id, u.id, 'p', 'westeurope', 'small', 'LocalExecutor', $2, now()
     FROM teams t, users u LIMIT 1`,
    [name, airflowVersion],
  );
}

async function seedPeople(client: pg.Client) {
  await client.query(`INSERT INTO teams (id, slug, name, entra_group_id) VALUES (gen_random_uuid(), 'analytics', 'Analytics', 'g1')`);
  await client.query(`INSERT INTO users (id, subject, name) VALUES (gen_random_uuid(), 'ana', 'Ana')`);
}

describe("chart_version_and_append_only_audit", () => {
  it("gives existing environments the chart their Airflow version was deployed with", async () => {
    const url = await databaseBefore("chart_version");
    await withClient(url, async (client) => {
      await seedPeople(client);
      await insertEnvironment(client, "new-airflow", "3.0.6");
      await insertEnvironment(client, "old-airflow", "2.10.5");
    });
    await applyMigrations(url);
    const rows = await withClient(url, (c) => c.query(`SELECT name, chart_version FROM environments ORDER BY name`));
    expect(rows.rows).toEqual([
      { name: "new-airflow", chart_version: "1.18.0" },
      { name: "old-airflow", chart_version: "1.16.0" },
    ]);
  });

  it("stops, changing nothing, on an Airflow version it has no chart for", async () => {
    const url = await databaseBefore("chart_version");
    await withClient(url, async (client) => {
      await seedPeople(client);
      await insertEnvironment(client, "odd-airflow", "2.9.3");
    });
    await expect(applyMigrations(url)).rejects.toThrow(/No Helm chart version is known for Airflow 2\.9\.3/);
    const columns = await withClient(url, (c) =>
      c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'environments' AND column_name = 'chart_version'`),
    );
    expect(columns.rows).toEqual([]);
  });
});
