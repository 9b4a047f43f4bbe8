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
