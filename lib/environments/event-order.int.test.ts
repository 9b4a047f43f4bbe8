import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { getProgress, listEventsAfter } from "./progress";

/**
 * Events commit out of id order whenever two transactions overlap (a step's status event inside
 * its transaction, a parallel step's log line at once). A stream resumes after the last event it
 * sent; this proves none is skipped or repeated when an earlier-inserted event commits later.
 */
const database = withTestDatabase();
const clients: pg.Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
});

async function connection() {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  clients.push(client);
  return client;
}

async function operation(name: string) {
  const db = database.prisma;
  const team = await db.team.create({ data: { slug: name, name, entraGroupId: `g-${name}` } });
  const user = await db.user.create({ data: { subject: name, name: "Ola" } });
  const env = await db.environment.create({
    data: {
      name, nameSuffix: "abc123", teamId: team.id, requestedById: user.id, status: "PROVISIONING", purpose: "Order", region: "westeurope",
      size: "small", executor: "KubernetesExecutor", airflowVersion: "3.2.2", chartVersion: "1.22.0",
    },
  });
  const op = await db.operation.create({ data: { environmentId: env.id, kind: "PROVISION", status: "RUNNING" } });
  return { environmentId: env.id, operationId: op.id };
}

const insert = (client: pg.Client, operationId: string, message: string) =>
  client.query<{ id: string }>(`INSERT INTO operation_events (operation_id, step_key, level, message) VALUES ($1, 'cluster', 'info', $2) RETURNING id`, [operationId, message]);

/** As every writer of events ends its transaction (lib/provisioning/store.ts numberEvents). */
async function commit(client: pg.Client) {
  await client.query(`SELECT operation_events_number()`);
  await client.query("COMMIT");
}

describe("live progress in commit order", () => {
  it("reads an event inserted first but committed last after the cursor has passed the others, once", async () => {
    const { environmentId, operationId } = await operation("late-commit");
    const slow = await connection();
    const quick = await connection();

    // A step's transaction inserts its status event first and commits last.
    await slow.query("BEGIN");
    const slowId = (await insert(slow, operationId, "status of a step, committed late")).rows[0]!.id;
    await quick.query("BEGIN");
    const quickId = (await insert(quick, operationId, "a parallel step's log line")).rows[0]!.id;
    await commit(quick);
    expect(BigInt(slowId)).toBeLessThan(BigInt(quickId));

    // A stream reads what has committed and moves its cursor past it.
    const first = await listEventsAfter(database.prisma, environmentId, 0n);
    expect(first.map((e) => e.message)).toEqual(["a parallel step's log line"]);
    const cursor = BigInt(first.at(-1)!.id);

    // The late commit is still after the cursor: read once, then nothing more.
    await commit(slow);
    const second = await listEventsAfter(database.prisma, environmentId, cursor);
    expect(second.map((e) => e.message)).toEqual(["status of a step, committed late"]);
    expect(await listEventsAfter(database.prisma, environmentId, BigInt(second.at(-1)!.id))).toEqual([]);

    // The page's snapshot lists them in the same order, and resumes after the last.
    const admin = { id: "x", isAdmin: true, teamIds: [] };
    const snapshot = await getProgress(database.prisma, admin, environmentId);
    expect(snapshot.events.map((e) => e.message)).toEqual(["a parallel step's log line", "status of a step, committed late"]);
    expect(snapshot.lastEventId).toBe(second.at(-1)!.id);
  });

  it("numbers events written at the same time by many transactions without a gap a reader could fall into", async () => {
    const { environmentId, operationId } = await operation("many-writers");
    const writers = await Promise.all(Array.from({ length: 6 }, () => connection()));
    const seen: string[] = [];
    let cursor = 0n;
    // One stream: its reads follow each other, each resuming after the last event it read.
    let reading = Promise.resolve();
    const read = () =>
      (reading = reading.then(async () => {
        for (const e of await listEventsAfter(database.prisma, environmentId, cursor)) {
          seen.push(e.message);
          cursor = BigInt(e.id);
        }
      }));
    await Promise.all(
      writers.map(async (client, w) => {
        for (let i = 0; i < 20; i++) {
          await client.query("BEGIN");
          await insert(client, operationId, `w${w}-${i}`);
          if (i % 3 === 0) await read();
          await commit(client);
        }
      }),
    );
    await read();
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });
});
