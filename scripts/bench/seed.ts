import pg from "pg";

/**
 * Bulk data for the bench, written by set-based SQL (generate_series), not row by row through the
 * portal: environments spread over a year across the three teams and most statuses, each with its
 * audit events (requested, decided, and for built ones ready) and, once approved, its operation.
 * One environment gets a long history (many audit events and a long operation log) for the detail
 * page. The audit insert trigger still chains every event, as it does for the portal's own.
 */
export interface SeedUsers {
  adminId: string;
  requesterId: string;
}

const STATUSES = ["READY", "READY", "READY", "READY", "PENDING_APPROVAL", "FAILED", "STOPPED", "PROVISIONING", "DELETED", "REJECTED"];

export async function countEnvironments(url: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM environments")).rows[0]!.n));
}

/** Adds environments until there are `target`, in batches so each statement stays short. */
export async function seedEnvironments(url: string, users: SeedUsers, target: number, log: (m: string) => void): Promise<void> {
  await withClient(url, async (c) => {
    let have = Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM environments")).rows[0]!.n);
    const started = Date.now();
    while (have < target) {
      const batch = Math.min(10_000, target - have);
      await c.query("BEGIN");
      await c.query(
        `CREATE TEMP TABLE seed ON COMMIT DROP AS
         SELECT gen_random_uuid() AS id, 'bench-' || to_char(n, 'FM0000000') AS name,
                (SELECT id FROM teams ORDER BY slug OFFSET (n % 3) LIMIT 1) AS team_id,
                ($1::text[])[1 + (n % ${STATUSES.length})]::"EnvironmentStatus" AS status,
                now() - ((n * 317) % 31536000) * interval '1 second' - (n % 1000) * interval '1 millisecond' AS created_at,
                n
         FROM generate_series($2::int + 1, $2::int + $3::int) AS n`,
        [STATUSES, have, batch],
      );
      await c.query(
        `INSERT INTO environments (id, name, name_suffix, team_id, requested_by_id, decided_by_id, status, purpose, region, size,
                                   executor, airflow_version, chart_version, airflow_url, health, decided_at, created_at, updated_at)
         SELECT s.id, s.name, lpad(to_hex(s.n % 16777215), 6, '0'), s.team_id, $1::uuid,
                CASE WHEN s.status = 'PENDING_APPROVAL' THEN NULL ELSE $2::uuid END, s.status,
                'Seeded for the bench: nightly pipelines of team ' || (s.n % 3), 'westeurope', 'small', 'KubernetesExecutor', '3.0.6', '1.18.0',
                CASE WHEN s.status = 'READY' THEN 'http://10.0.0.' || (s.n % 250) || '/' END,
                CASE WHEN s.status = 'READY' THEN 'healthy' END,
                CASE WHEN s.status = 'PENDING_APPROVAL' THEN NULL ELSE s.created_at + interval '1 hour' END,
                s.created_at, s.created_at + interval '1 hour'
         FROM seed s`,
        [users.requesterId, users.adminId],
      );
      await c.query(
        `INSERT INTO operations (id, environment_id, kind, status, requested_by_id, attempt, created_at, started_at, finished_at)
         SELECT gen_random_uuid(), s.id, 'PROVISION',
                (CASE s.status WHEN 'FAILED' THEN 'FAILED' WHEN 'PROVISIONING' THEN 'RUNNING' ELSE 'SUCCEEDED' END)::"OperationStatus",
                $1::uuid, 1, s.created_at + interval '1 hour', s.created_at + interval '1 hour', s.created_at + interval '2 hours'
         FROM seed s WHERE s.status NOT IN ('PENDING_APPROVAL', 'REJECTED')`,
        [users.adminId],
      );
      await c.query(
        `INSERT INTO audit_events (environment_id, actor_id, action, from_status, to_status, reason, created_at)
         SELECT s.id, e.actor, e.action, e.from_status::"EnvironmentStatus", e.to_status::"EnvironmentStatus", e.reason, s.created_at + e.after
         FROM seed s
         CROSS JOIN LATERAL (VALUES
           (1, $1::uuid, 'environment.requested', NULL, 'PENDING_APPROVAL', NULL, interval '0'),
           (2, $2::uuid, CASE WHEN s.status = 'REJECTED' THEN 'environment.rejected' ELSE 'environment.approved' END,
               'PENDING_APPROVAL', CASE WHEN s.status = 'REJECTED' THEN 'REJECTED' ELSE 'APPROVED' END, 'Looks fine', interval '1 hour'),
           (3, NULL::uuid, 'environment.ready', 'PROVISIONING', 'READY', NULL, interval '2 hours')
         ) AS e(step, actor, action, from_status, to_status, reason, after)
         WHERE e.step = 1 OR (e.step = 2 AND s.status <> 'PENDING_APPROVAL') OR (e.step = 3 AND s.status IN ('READY', 'STOPPED', 'DELETED'))
         ORDER BY s.n, e.step`,
        [users.requesterId, users.adminId],
      );
      await c.query("COMMIT");
      have += batch;
    }
    await c.query("ANALYZE");
    log(`seeded to ${target} environments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

/** A READY environment with a long history: `auditEvents` audit events and an operation with `operationEvents` log lines. */
export async function seedLongHistory(url: string, users: SeedUsers, options = { auditEvents: 300, operationEvents: 1000 }): Promise<string> {
  return withClient(url, async (c) => {
    await c.query("BEGIN");
    const env = await c.query<{ id: string }>(
      `INSERT INTO environments (id, name, name_suffix, team_id, requested_by_id, decided_by_id, status, purpose, region, size, executor,
                                 airflow_version, chart_version, airflow_url, health, decided_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'bench-history', 'a1b2c3', id, $1::uuid, $2::uuid, 'READY', 'A long-lived environment', 'westeurope',
              'medium', 'CeleryExecutor', '3.0.6', '1.18.0', 'http://10.0.0.1/', 'healthy', now() - interval '300 days',
              now() - interval '300 days', now()
       FROM teams WHERE slug = 'analytics' RETURNING id`,
      [users.requesterId, users.adminId],
    );
    const id = env.rows[0]!.id;
    const op = await c.query<{ id: string }>(
      `INSERT INTO operations (id, environment_id, kind, status, requested_by_id, attempt, created_at, started_at, finished_at)
       VALUES (gen_random_uuid(), $1, 'PROVISION', 'SUCCEEDED', $2, 1, now() - interval '1 day', now() - interval '1 day', now() - interval '23 hours')
       RETURNING id`,
      [id, users.adminId],
    );
    await c.query(
      `INSERT INTO operation_steps (id, operation_id, key, status, attempts, started_at, finished_at)
       SELECT gen_random_uuid(), $1, k, 'SUCCEEDED', 1, now() - interval '1 day', now() - interval '23 hours'
       FROM unnest(ARRAY['resourceGroup','managedCluster','postgresServer','postgresDatabase','fluxExtension','firewallRule','clusterAccess','namespace','secrets','helmRepository','helmRelease','health']) AS k`,
      [op.rows[0]!.id],
    );
    await c.query(
      // Numbered at insert: nothing reads while the bench seeds.
      `INSERT INTO operation_events (operation_id, step_key, level, message, created_at, seq)
       SELECT $1, 'helmRelease', 'info', 'Waiting for the Helm release: reconciliation ' || n, now() - interval '1 day' + n * interval '1 second', nextval('operation_events_seq_seq')
       FROM generate_series(1, $2::int) AS n ORDER BY n`,
      [op.rows[0]!.id, options.operationEvents],
    );
    await c.query(
      `INSERT INTO audit_events (environment_id, actor_id, action, from_status, to_status, reason, created_at)
       SELECT $1, $2::uuid, CASE WHEN n % 2 = 0 THEN 'environment.ready' ELSE 'environment.retried' END, NULL, NULL,
              'Change ' || n, now() - interval '300 days' + n * interval '1 hour'
       FROM generate_series(1, $3::int) AS n ORDER BY n`,
      [id, users.adminId, options.auditEvents],
    );
    await c.query("COMMIT");
    return id;
  });
}

/** The key of the row at `offset` in the dashboard's order: where a "late page" starts. */
export async function cursorAt(url: string, offset: number): Promise<string> {
  return withClient(url, async (c) => {
    const row = await c.query<{ ms: string; id: string }>(
      `SELECT (extract(epoch FROM created_at AT TIME ZONE 'UTC') * 1000)::bigint::text AS ms, id FROM environments
       WHERE status NOT IN ('DELETED', 'REJECTED') ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
      [offset],
    );
    return `${row.rows[0]!.ms}_${row.rows[0]!.id}`;
  });
}

async function withClient<T>(url: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Prisma stores timestamps as UTC in columns without a time zone; now() must agree.
  await client.query("SET TIME ZONE 'UTC'");
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
