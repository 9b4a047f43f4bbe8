import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { applyMigrations } from "@/lib/db/migrate";
import { enqueueOperation, OPERATIONS_QUEUE, type OperationJob } from "./queue";

const database = withTestDatabase();
let boss: PgBoss;

beforeAll(async () => {
  boss = new PgBoss({ connectionString: database.url, supervise: false, schedule: false, migrate: false });
  await boss.start();
});
afterAll(() => boss?.stop({ graceful: false, wait: true }));

async function fetchAll(): Promise<OperationJob[]> {
  const jobs = await boss.fetch<OperationJob>(OPERATIONS_QUEUE, { batchSize: 50 });
  await Promise.all(jobs.map((j) => boss.complete(OPERATIONS_QUEUE, j.id)));
  return jobs.map((j) => j.data);
}

describe("the operations queue", () => {
  it("is installed by the migrations, idempotently", async () => {
    await applyMigrations(database.url);
    expect(await boss.getQueue(OPERATIONS_QUEUE)).toMatchObject({ name: OPERATIONS_QUEUE, policy: "short" });
  });

  it("delivers a job only when the transaction that enqueued it commits", async () => {
    const committed = crypto.randomUUID();
    const rolledBack = crypto.randomUUID();
    await database.prisma.$transaction((tx) => enqueueOperation(tx, committed));
    await expect(
      database.prisma.$transaction(async (tx) => {
        await enqueueOperation(tx, rolledBack);
        throw new Error("the approval failed after enqueueing");
      }),
    ).rejects.toThrow("after enqueueing");
    expect(await fetchAll()).toEqual([{ operationId: committed }]);
  });

  it("keeps one waiting job per operation however often it is sent", async () => {
    const id = crypto.randomUUID();
    for (let i = 0; i < 3; i++) await database.prisma.$transaction((tx) => enqueueOperation(tx, id));
    expect(await fetchAll()).toEqual([{ operationId: id }]);
  });
});
