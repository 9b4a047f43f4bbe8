import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { beat, claimOperation, finishOperation, finishStep, loadSteps, recordEvent, startStep } from "./store";
import { planFor } from "./plan";

/**
 * The claim that keeps one worker per operation, contested for real: several workers claiming at
 * the same moment, and a stalled owner whose operation is taken over and whose late writes are
 * refused. Every wait here is bounded by the statements themselves (no polling).
 */
const database = withTestDatabase();

async function queuedOperation(name: string) {
  const db = database.prisma;
  const team = await db.team.create({ data: { slug: name, name, entraGroupId: `g-${name}` } });
  const user = await db.user.create({ data: { subject: name, name: "Cleo" } });
  const env = await db.environment.create({
    data: {
      name, nameSuffix: "abc123", teamId: team.id, requestedById: user.id, status: "APPROVED", purpose: "Claims", region: "westeurope",
      size: "small", executor: "KubernetesExecutor", airflowVersion: "3.2.2", chartVersion: "1.22.0",
    },
  });
  return db.operation.create({ data: { environmentId: env.id, kind: "PROVISION", status: "QUEUED" } });
}

describe("the operation claim", () => {
  it("lets exactly one of several workers claiming at once have it", async () => {
    const op = await queuedOperation("contested");
    const workers = Array.from({ length: 8 }, (_, i) => `worker-${i}`);
    const claims = await Promise.all(workers.map((w) => claimOperation(database.prisma, op.id, w, 30_000)));
    const winners = workers.filter((_, i) => claims[i] !== null);
    expect(winners).toHaveLength(1);
    expect(await database.prisma.operation.findUniqueOrThrow({ where: { id: op.id } })).toMatchObject({ status: "RUNNING", workerId: winners[0] });
    // A live heartbeat keeps it: nobody takes it over while it beats.
    expect(await beat(database.prisma, op.id, winners[0]!)).toBe(true);
    expect(await claimOperation(database.prisma, op.id, "latecomer", 30_000)).toBeNull();
  });

  it("hands a stalled operation to another worker, and refuses every late write of the old owner", async () => {
    const op = await queuedOperation("stalled");
    expect(await claimOperation(database.prisma, op.id, "old", 30_000)).not.toBeNull();
    await loadSteps(database.prisma, op.id, planFor("PROVISION"));
    expect(await startStep(database.prisma, op.id, "old", "resource-group")).toBe(true);
    // The old owner stops beating: its heartbeat goes stale.
    await database.prisma.operation.update({ where: { id: op.id }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
    const taken = await claimOperation(database.prisma, op.id, "new", 30_000);
    expect(taken).toMatchObject({ id: op.id, takenOverFrom: "old" });

    // The old owner wakes up and tries to go on: every write is refused, nothing it says lands.
    const eventsBefore = await database.prisma.operationEvent.count({ where: { operationId: op.id } });
    expect(await beat(database.prisma, op.id, "old")).toBe(false);
    expect(await startStep(database.prisma, op.id, "old", "cluster")).toBe(false);
    expect(await finishStep(database.prisma, op.id, "old", "resource-group", { ok: true, output: { id: "from the old owner" } })).toBe(false);
    let settled = false;
    expect(await finishOperation(database.prisma, op.id, "old", { ok: false, error: "late" }, async () => void (settled = true))).toBe(false);
    expect(settled).toBe(false);
    expect(await database.prisma.operationEvent.count({ where: { operationId: op.id } })).toBe(eventsBefore);
    const steps = await database.prisma.operationStep.findMany({ where: { operationId: op.id, key: { in: ["resource-group", "cluster"] } }, orderBy: { key: "asc" } });
    expect(steps.map((s) => [s.key, s.status, s.output])).toEqual([
      ["cluster", "PENDING", null],
      ["resource-group", "RUNNING", null],
    ]);

    // The new owner's writes land.
    expect(await finishStep(database.prisma, op.id, "new", "resource-group", { ok: true, output: { id: "rg" } })).toBe(true);
    await recordEvent(database.prisma, op.id, null, "info", "the new owner goes on");
    expect(await database.prisma.operation.findUniqueOrThrow({ where: { id: op.id } })).toMatchObject({ status: "RUNNING", workerId: "new" });
  });
});
