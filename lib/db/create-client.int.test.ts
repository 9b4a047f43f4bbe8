import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";

/** Every model survives a write and read through the driver adapter against the migrated database. */
const testDb = withTestDatabase();

describe("Prisma Client on the migrated schema", () => {
  it("creates, reads, updates and deletes every model", async () => {
    const prisma = testDb.prisma;
    const team = await prisma.team.create({ data: { slug: "analytics", name: "Analytics", entraGroupId: "g-analytics" } });
    const ana = await prisma.user.create({ data: { subject: "oid-ana", name: "Ana" } });
    const admin = await prisma.user.create({ data: { subject: "oid-admin", name: "Admin", email: "admin@example.test" } });
    const env = await prisma.environment.create({
      data: {
        name: "reporting",
        nameSuffix: "0f9e8d",
        teamId: team.id,
        requestedById: ana.id,
        purpose: "Dashboards",
        region: "westeurope",
        size: "medium",
        executor: "KubernetesExecutor",
        airflowVersion: "3.0.6",
        chartVersion: "1.18.0",
        dagRepoUrl: "https://git.example.test/dags.git",
        expiresAt: new Date("2030-01-01T00:00:00Z"),
      },
    });
    const operation = await prisma.operation.create({
      data: { environmentId: env.id, kind: "PROVISION", requestedById: admin.id, params: { nodeCount: 3, zones: ["1", "2"] } },
    });
    await prisma.operationStep.create({ data: { operationId: operation.id, key: "resource-group", output: { id: "/subscriptions/x" } } });
    const event = await prisma.operationEvent.create({ data: { operationId: operation.id, stepKey: "resource-group", message: "created" } });
    await prisma.auditEvent.create({
      data: { environmentId: env.id, actorId: admin.id, action: "approve", fromStatus: "PENDING_APPROVAL", toStatus: "APPROVED", details: { via: "test" } },
    });

    const loaded = await prisma.environment.findUniqueOrThrow({
      where: { id: env.id },
      include: { team: true, requestedBy: true, operations: { include: { steps: true, events: true } }, auditEvents: true },
    });
    expect(loaded.team.slug).toBe("analytics");
    expect(loaded.requestedBy.subject).toBe("oid-ana");
    expect(loaded.status).toBe("PENDING_APPROVAL");
    expect(loaded.operations[0]?.params).toEqual({ nodeCount: 3, zones: ["1", "2"] });
    expect(loaded.operations[0]?.steps[0]?.status).toBe("PENDING");
    expect(typeof event.id).toBe("bigint");
    expect(loaded.operations[0]?.events[0]?.id).toBe(event.id);
    expect(loaded.auditEvents[0]?.toStatus).toBe("APPROVED");

    const updated = await prisma.environment.update({
      where: { id: env.id },
      data: { status: "APPROVED", decidedById: admin.id, decidedAt: new Date() },
    });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(env.updatedAt.getTime());

    await prisma.operation.delete({ where: { id: operation.id } });
    expect(await prisma.operationStep.count()).toBe(0);
    expect(await prisma.operationEvent.count()).toBe(0);
  });

  it("rolls back an interactive transaction that throws", async () => {
    const prisma = testDb.prisma;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.team.create({ data: { slug: "ghost", name: "Ghost", entraGroupId: "g-ghost" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await prisma.team.findUnique({ where: { slug: "ghost" } })).toBeNull();
  });
});
