import { spawnSync } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAuditChainMonitor, FULL_RECHECK_MS, verifyAuditChain } from "@/lib/audit-chain";
import { withTestDatabase } from "@/scripts/test-support/db";

/**
 * The audit trail against the portal's own database role: a login role that is a member of
 * airflow_portal_app, as in production, may read and append, and nothing else. The tests themselves
 * connect as the owner (a superuser), which is who runs migrations.
 */
const database = withTestDatabase();
let app: pg.Client;
let environmentId: string;

async function owner<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function appendAsPortal(action: string) {
  await app.query(`INSERT INTO audit_events (environment_id, action, reason) VALUES ($1, $2, 'r')`, [environmentId, action]);
}

beforeAll(async () => {
  const role = `portal_login_${Math.random().toString(36).slice(2, 8)}`;
  // The embedded server trusts local connections; production sets a password (README, Security).
  await owner(`CREATE ROLE ${role} LOGIN IN ROLE airflow_portal_app`);
  const url = new URL(database.url);
  url.username = role;
  url.password = "";
  app = new pg.Client({ connectionString: url.toString() });
  await app.connect();
});

afterAll(async () => {
  await app?.end();
});

beforeEach(async () => {
  await database.truncate();
  const team = await database.prisma.team.create({ data: { slug: "t", name: "T", entraGroupId: "g" } });
  const user = await database.prisma.user.create({ data: { subject: "s", name: "S" } });
  const env = await database.prisma.environment.create({
    data: {
      name: "audited", nameSuffix: "abc123", teamId: team.id, requestedById: user.id, purpose: "p",
      region: "westeurope", size: "small", executor: "KubernetesExecutor", airflowVersion: "3.0.6", chartVersion: "1.18.0",
    },
  });
  environmentId = env.id;
});

describe("the portal's database role", () => {
  it("reads and appends the audit trail, and works the other tables", async () => {
    await appendAsPortal("environment.requested");
    expect((await app.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(1);
    await app.query(`UPDATE environments SET purpose = 'changed' WHERE id = $1`, [environmentId]);
  });

  it.each([
    ["UPDATE", `UPDATE audit_events SET reason = 'rewritten'`, /permission denied/],
    ["DELETE", `DELETE FROM audit_events`, /permission denied/],
    ["TRUNCATE", `TRUNCATE audit_events`, /permission denied/],
    ["TRUNCATE environments CASCADE", `TRUNCATE environments CASCADE`, /permission denied/],
    ["disabling the trigger", `ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`, /must be owner/],
    ["dropping the trigger", `DROP TRIGGER audit_events_append_only ON audit_events`, /must be owner/],
    ["dropping the chain trigger", `DROP TRIGGER audit_events_chain ON audit_events`, /must be owner/],
    ["replacing the trigger's function", `CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`, /must be owner|permission denied/],
    ["replica mode, which skips triggers", `SET session_replication_role = replica`, /permission denied/],
    ["moving the chain's head", `UPDATE audit_chain_head SET last_hash = ''`, /permission denied/],
    ["choosing its own hash", `INSERT INTO audit_events (action, hash, prev_hash) VALUES ('x', 'chosen', 'chosen') RETURNING hash`, null],
  ])("is refused %s", async (_label, sql, refusal) => {
    await appendAsPortal("environment.requested");
    if (refusal) {
      await expect(app.query(sql)).rejects.toThrow(refusal);
    } else {
      const { rows } = await app.query(sql);
      expect(rows[0].hash).not.toBe("chosen");
    }
    await expect(verifyAuditChain(database.prisma)).resolves.toMatchObject({ ok: true });
    expect((await owner(`SELECT count(*)::int AS n FROM audit_events WHERE reason = 'r'`))[0]!.n).toBe(1);
  });
});

describe("an event's time", () => {
  it("is the database's: an event the portal's role dates 30 days back is stored at the time it was written, and chained so", async () => {
    const before = Date.now();
    await app.query(`INSERT INTO audit_events (environment_id, action, reason, created_at) VALUES ($1, 'environment.ready', 'r', now() - interval '30 days')`, [environmentId]);
    const [row] = await owner<{ created_at: Date }>(`SELECT created_at FROM audit_events WHERE reason = 'r'`);
    expect(row!.created_at.getTime()).toBeGreaterThan(before - 60_000);
    await expect(verifyAuditChain(database.prisma)).resolves.toMatchObject({ ok: true, events: 1 });
  });
});

describe("the owner", () => {
  it.each([["TRUNCATE audit_events"], ["TRUNCATE environments CASCADE"]])("cannot %s either", async (sql) => {
    await appendAsPortal("environment.requested");
    await expect(owner(sql)).rejects.toThrow(/append-only: TRUNCATE refused/);
  });
});

describe("the hash chain", () => {
  it("links every event to the one before, also when many are written at once", async () => {
    const writers = Array.from({ length: 4 }, () => new pg.Client({ connectionString: database.url }));
    await Promise.all(writers.map((w) => w.connect()));
    try {
      await Promise.all(
        writers.flatMap((w, i) =>
          Array.from({ length: 10 }, (_, j) => w.query(`INSERT INTO audit_events (environment_id, action) VALUES ($1, $2)`, [environmentId, `a.${i}.${j}`])),
        ),
      );
    } finally {
      await Promise.all(writers.map((w) => w.end()));
    }
    await Promise.all(Array.from({ length: 10 }, (_, i) => appendAsPortal(`b.${i}`)));
    await expect(verifyAuditChain(database.prisma)).resolves.toEqual({ ok: true, events: 50 });
  });

  it("names the first event changed behind the triggers' back", async () => {
    for (let i = 0; i < 5; i++) await appendAsPortal(`e.${i}`);
    const [third] = await owner<{ id: string }>(`SELECT id::text FROM audit_events ORDER BY audit_events.id OFFSET 2 LIMIT 1`);
    await owner(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
      UPDATE audit_events SET reason = 'forged' WHERE id = ${third!.id};
      ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    await expect(verifyAuditChain(database.prisma)).resolves.toMatchObject({ ok: false, brokenAt: third!.id, events: 2, problem: /changed/ });
  });

  it("for the admin page, checks only new links on each view and finds an old change at the next full walk", async () => {
    let clock = 0;
    const status = createAuditChainMonitor(() => clock);
    for (let i = 0; i < 3; i++) await appendAsPortal(`m.${i}`);
    await expect(status(database.prisma)).resolves.toEqual({ ok: true, events: 3 });
    await appendAsPortal("m.3");
    await expect(status(database.prisma)).resolves.toEqual({ ok: true, events: 4 });

    const [first] = await owner<{ id: string }>(`SELECT id::text FROM audit_events ORDER BY audit_events.id LIMIT 1`);
    await owner(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
      UPDATE audit_events SET reason = 'forged' WHERE id = ${first!.id};
      ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    // Within the interval the verified prefix is trusted; after it, a full walk starts and reports the change.
    await expect(status(database.prisma)).resolves.toMatchObject({ ok: true });
    clock += FULL_RECHECK_MS;
    await status(database.prisma);
    await expect.poll(() => status(database.prisma)).toMatchObject({ ok: false, brokenAt: first!.id, problem: /changed/ });
  });

  it("names the link after an event removed from the middle, and notices events removed from the end", async () => {
    for (let i = 0; i < 5; i++) await appendAsPortal(`e.${i}`);
    const ids = (await owner<{ id: string }>(`SELECT id::text FROM audit_events ORDER BY audit_events.id`)).map((r) => r.id);
    const remove = (id: string) =>
      owner(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
        DELETE FROM audit_events WHERE id = ${id};
        ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    await remove(ids[4]!);
    await expect(verifyAuditChain(database.prisma)).resolves.toMatchObject({ ok: false, brokenAt: ids[4], problem: /end/ });
    await remove(ids[1]!);
    await expect(verifyAuditChain(database.prisma)).resolves.toMatchObject({ ok: false, brokenAt: ids[2], problem: /removed or changed/ });
  });

  it("is checked by npm run audit:verify, which names the first broken link and fails", async () => {
    const verify = () =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts"], { env: { ...process.env, DATABASE_URL: database.url }, encoding: "utf8" });
    for (let i = 0; i < 3; i++) await appendAsPortal(`e.${i}`);
    const good = verify();
    expect(good.stdout).toContain("Audit trail verified: 3 events");
    expect(good.status).toBe(0);

    const [second] = await owner<{ id: string }>(`SELECT id::text FROM audit_events ORDER BY audit_events.id OFFSET 1 LIMIT 1`);
    await owner(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
      UPDATE audit_events SET action = 'environment.approved' WHERE id = ${second!.id};
      ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    const bad = verify();
    expect(bad.stderr).toContain(`Audit trail BROKEN at event ${second!.id}`);
    expect(bad.status).toBe(1);
  });
});
