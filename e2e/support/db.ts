import pg from "pg";

/** Reads the portal's database directly, to prove what a page did or did not write. */
export async function countEnvironmentsNamed(name: string): Promise<number> {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the end-to-end tests through npm run test:e2e");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("select count(*) as n from environments where name = $1", [name]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Names stay unique across runs against the same database, and valid for the request schema. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}`.slice(0, 24);
}

/**
 * Inserts `count` requests for a team (pending unless `status` says failed) straight into the database, as if its members had
 * asked over time (a minute apart, the first one oldest), for pages that need many rows.
 */
export async function seedPendingRequests(options: { teamSlug: string; requesterName: string; prefix: string; count: number; status?: "PENDING_APPROVAL" | "FAILED" }): Promise<string[]> {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the end-to-end tests through npm run test:e2e");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = Array.from({ length: options.count }, (_, i) => `${options.prefix}-${String(i).padStart(3, "0")}`);
    const inserted = await client.query(
      `insert into environments (id, name, name_suffix, team_id, requested_by_id, purpose, region, size, executor,
                                 airflow_version, chart_version, created_at, updated_at, status)
       select gen_random_uuid(), n.name, 'abcdef', t.id, u.id, 'Seeded', 'westeurope', 'small', 'LocalExecutor',
              '3.0.6', '1.18.0', now() - (($4::int - n.i) * interval '1 minute'), now(), $5::"EnvironmentStatus"
       from unnest($1::text[]) with ordinality as n(name, i), teams t, users u
       where t.slug = $2 and u.name = $3`,
      [names, options.teamSlug, options.requesterName, options.count, options.status ?? "PENDING_APPROVAL"],
    );
    if (inserted.rowCount !== names.length) {
      throw new Error(`Seeded ${inserted.rowCount} of ${names.length} requests: is ${options.requesterName} signed in once, and team ${options.teamSlug} loaded?`);
    }
    return names;
  } finally {
    await client.end();
  }
}
