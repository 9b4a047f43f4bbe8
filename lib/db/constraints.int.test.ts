import { beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentStatus, OperationStatus } from "@/lib/generated/prisma/client";
import { withTestDatabase } from "@/scripts/test-support/db";

/** Rules the schema cannot express, enforced by the partial unique indexes in the migration. */
const testDb = withTestDatabase();
let teamId = "";
let userId = "";

beforeAll(async () => {
  const team = await testDb.prisma.team.create({ data: { slug: "data-eng", name: "Data engineering", entraGroupId: "group-1" } });
  const user = await testDb.prisma.user.create({ data: { subject: "oid-1", name: "Ana", email: "ana@example.test" } });
  teamId = team.id;
  userId = user.id;
});

function createEnvironment(name: string, status: EnvironmentStatus = "PENDING_APPROVAL") {
  return testDb.prisma.environment.create({
    data: {
      name,
      nameSuffix: "a1b2c3",
      teamId,
      requestedById: userId,
      status,
      purpose: "Nightly loads",
      region: "westeurope",
      size: "small",
      executor: "CeleryExecutor",
      airflowVersion: "3.0.6",
      chartVersion: "1.18.0",
    },
  });
}

function createOperation(environmentId: string, status: OperationStatus) {
  return testDb.prisma.operation.create({ data: { environmentId, kind: "PROVISION", status, requestedById: userId } });
}

describe("environments_live_name_key", () => {
  it("refuses a second live environment with the same name", async () => {
    await createEnvironment("sales-etl");
    await expect(createEnvironment("sales-etl", "READY")).rejects.toMatchObject({ code: "P2002" });
  });

  it("lets a name be reused once its environment is DELETED or REJECTED", async () => {
    await createEnvironment("marketing", "DELETED");
    await createEnvironment("marketing", "REJECTED");
    await expect(createEnvironment("marketing")).resolves.toMatchObject({ name: "marketing" });
  });

  it("refuses to bring a deleted environment back while its name is taken", async () => {
    const old = await createEnvironment("finance", "DELETED");
    await createEnvironment("finance");
    await expect(testDb.prisma.environment.update({ where: { id: old.id }, data: { status: "READY" } })).rejects.toMatchObject({
      code: "P2002",
    });
  });
});

describe("operations_one_active_key", () => {
  it("refuses a second QUEUED operation on one environment", async () => {
    const env = await createEnvironment("ops-a");
    await createOperation(env.id, "QUEUED");
    await expect(createOperation(env.id, "QUEUED")).rejects.toMatchObject({ code: "P2002" });
  });

  it("refuses a QUEUED operation while another one is RUNNING", async () => {
    const env = await createEnvironment("ops-b");
    await createOperation(env.id, "RUNNING");
    await expect(createOperation(env.id, "QUEUED")).rejects.toMatchObject({ code: "P2002" });
  });

  it("allows a new operation once the previous one finished, and one per environment at a time", async () => {
    const env = await createEnvironment("ops-c");
    const other = await createEnvironment("ops-d");
    const first = await createOperation(env.id, "QUEUED");
    await createOperation(other.id, "QUEUED");
    await testDb.prisma.operation.update({ where: { id: first.id }, data: { status: "SUCCEEDED" } });
    await createOperation(env.id, "FAILED");
    await expect(createOperation(env.id, "QUEUED")).resolves.toMatchObject({ status: "QUEUED" });
  });
});

describe("audit_events_append_only", () => {
  it("refuses to change or remove an audit event, and to delete what one names", async () => {
    const env = await createEnvironment("audited");
    const auditor = await testDb.prisma.user.create({ data: { subject: "oid-auditor", name: "Ada" } });
    const event = await testDb.prisma.auditEvent.create({
      data: { environmentId: env.id, actorId: auditor.id, action: "environment.approved", toStatus: "APPROVED" },
    });
    await expect(testDb.prisma.auditEvent.update({ where: { id: event.id }, data: { reason: "rewritten" } })).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(testDb.prisma.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only: DELETE refused/);
    // Nothing but the audit event refers to either row, so only its foreign keys can refuse.
    await expect(testDb.prisma.environment.delete({ where: { id: env.id } })).rejects.toThrow(/audit_events_environment_id_fkey/);
    await expect(testDb.prisma.user.delete({ where: { id: auditor.id } })).rejects.toThrow(/audit_events_actor_id_fkey/);
    expect(await testDb.prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      reason: null,
      environmentId: env.id,
      actorId: auditor.id,
    });
  });
});
