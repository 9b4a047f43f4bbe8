import pg from "pg";

/**
 * Plays the provisioning worker's part straight in the database: environments with an operation
 * and its steps, then step changes and events as the worker would write them, so the pages can be
 * watched following them. No worker runs in the end-to-end stack.
 */
async function withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the end-to-end tests through npm run test:e2e");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export type Seeded = { environmentId: string; operationId: string | null };

export async function seedEnvironment(options: {
  name: string;
  teamSlug: string;
  requesterName: string;
  status: string;
  expiresAt?: Date;
  operation?: { kind: "PROVISION" | "TEARDOWN"; status: string; error?: string; steps?: Record<string, { status: string; error?: string }> };
}): Promise<Seeded> {
  return withClient(async (client) => {
    const env = await client.query<{ id: string }>(
      `insert into environments (id, name, name_suffix, team_id, requested_by_id, status, purpose, region, size, executor,
                                 airflow_version, chart_version, expires_at, created_at, updated_at)
       select gen_random_uuid(), $1, 'abc123', t.id, u.id, $4::"EnvironmentStatus", 'Seeded', 'westeurope', 'small',
              'KubernetesExecutor', '3.0.6', '1.18.0', $5, now(), now()
       from teams t, users u where t.slug = $2 and u.name = $3
       returning id`,
      [options.name, options.teamSlug, options.requesterName, options.status, options.expiresAt ?? null],
    );
    const environmentId = env.rows[0]?.id;
    if (!environmentId) throw new Error(`Seeding ${options.name} failed: has ${options.requesterName} signed in once?`);
    if (!options.operation) return { environmentId, operationId: null };
    const { kind, status, error, steps = {} } = options.operation;
    const op = await client.query<{ id: string }>(
      `insert into operations (id, environment_id, kind, status, error, attempt, started_at, finished_at)
       values (gen_random_uuid(), $1, $2::"OperationKind", $3::"OperationStatus", $4, 1, now() - interval '2 minutes',
               case when $3 in ('FAILED', 'SUCCEEDED') then now() end)
       returning id`,
      [environmentId, kind, status, error ?? null],
    );
    const operationId = op.rows[0]!.id;
    for (const [key, step] of Object.entries(steps)) {
      await client.query(
        `insert into operation_steps (id, operation_id, key, status, error, attempts, started_at, finished_at)
         values (gen_random_uuid(), $1, $2, $3::"StepStatus", $4, 1, now() - interval '90 seconds',
                 case when $3 in ('FAILED', 'SUCCEEDED') then now() - interval '30 seconds' end)`,
        [operationId, key, step.status, step.error ?? null],
      );
    }
    return { environmentId, operationId };
  });
}

/** An operation event, numbered in commit order as the worker's are (lib/provisioning/store.ts numberEvents). */
async function addEvent(client: pg.ClientBase, [operationId, stepKey, level, message]: [string, string | null, string, string]): Promise<void> {
  await client.query("begin");
  try {
    await client.query(`insert into operation_events (operation_id, step_key, level, message) values ($1, $2, $3, $4)`, [operationId, stepKey, level, message]);
    await client.query(`select operation_events_number()`);
    await client.query("commit");
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
}

/** A step changes status: its row, then its status event, as the worker writes them. */
export async function setStepStatus(operationId: string, key: string, status: string, error?: string): Promise<void> {
  await withClient(async (client) => {
    await client.query(
      `insert into operation_steps (id, operation_id, key, status, error, attempts, started_at, finished_at)
       values (gen_random_uuid(), $1, $2, $3::"StepStatus", $4, 1, now(), case when $3 in ('FAILED', 'SUCCEEDED') then now() end)
       on conflict (operation_id, key) do update set status = excluded.status, error = excluded.error,
         started_at = coalesce(operation_steps.started_at, excluded.started_at), finished_at = excluded.finished_at`,
      [operationId, key, status, error ?? null],
    );
    await addEvent(client, [operationId, key, "status", status]);
  });
}

export async function logLine(operationId: string, stepKey: string | null, message: string, level = "info"): Promise<void> {
  await withClient((client) => addEvent(client, [operationId, stepKey, level, message]));
}

/** The operation ends, and the environment with it. */
export async function finishOperation(operationId: string, status: "SUCCEEDED" | "FAILED", environmentStatus: string, error?: string): Promise<void> {
  await withClient(async (client) => {
    await client.query(`update operations set status = $2::"OperationStatus", error = $3, finished_at = now() where id = $1`, [operationId, status, error ?? null]);
    await client.query(`update environments set status = $2::"EnvironmentStatus" from operations o where o.id = $1 and environments.id = o.environment_id`, [
      operationId,
      environmentStatus,
    ]);
    await addEvent(client, [operationId, null, "status", status]);
  });
}

export async function updateEnvironment(id: string, fields: { status?: string; airflowUrl?: string; health?: string }): Promise<void> {
  await withClient((client) =>
    client.query(
      `update environments set status = coalesce($2::"EnvironmentStatus", status), airflow_url = coalesce($3, airflow_url),
              health = coalesce($4, health), health_checked_at = case when $4 is null then health_checked_at else now() end
       where id = $1`,
      [id, fields.status ?? null, fields.airflowUrl ?? null, fields.health ?? null],
    ),
  );
}

export async function readEnvironment(id: string): Promise<{ status: string; operations: { kind: string; status: string; attempt: number }[] }> {
  return withClient(async (client) => {
    const env = await client.query<{ status: string }>(`select status from environments where id = $1`, [id]);
    const ops = await client.query<{ kind: string; status: string; attempt: number }>(
      `select kind, status, attempt from operations where environment_id = $1 order by created_at`,
      [id],
    );
    return { status: env.rows[0]!.status, operations: ops.rows };
  });
}
