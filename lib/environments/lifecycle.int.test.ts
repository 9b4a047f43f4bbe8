import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { AppError } from "@/lib/errors";
import type { EnvironmentStatus, OperationStatus, StepStatus } from "@/lib/generated/prisma/client";
import { resolveUser, type CurrentUser } from "@/lib/users/resolve-user";
import { retryEnvironment } from "./retry-operation";
import { tearDownEnvironment } from "./teardown-environment";
import { withdrawRequest } from "./withdraw-request";

const database = withTestDatabase();
const GROUPS = { platform: "00000000-0000-4000-8000-000000000011", analytics: "00000000-0000-4000-8000-000000000012", ml: "00000000-0000-4000-8000-000000000013" };
let admin: CurrentUser;
let ana: CurrentUser;
let anaTeammate: CurrentUser;
let milo: CurrentUser;
let analyticsTeamId: string;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Everything a refused call must leave as it was. */
async function snapshot() {
  const db = database.prisma;
  return {
    environments: await db.environment.findMany({ select: { id: true, status: true }, orderBy: { id: "asc" } }),
    audit: await db.auditEvent.count(),
    operations: await db.operation.findMany({ select: { id: true, status: true, attempt: true }, orderBy: { id: "asc" } }),
    steps: await db.operationStep.findMany({ select: { key: true, status: true }, orderBy: { key: "asc" } }),
    events: await db.operationEvent.count(),
    jobs: await jobCount(),
  };
}

async function jobCount(operationId?: string): Promise<number> {
  const [row] = operationId
    ? await database.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.job WHERE name = 'operations' AND data->>'operationId' = ${operationId}`
    : await database.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.job WHERE name = 'operations'`;
  return Number(row?.n ?? 0);
}

async function environment(status: EnvironmentStatus, name = "sales-etl"): Promise<string> {
  const env = await database.prisma.environment.create({
    data: {
      name,
      nameSuffix: "abc123",
      teamId: analyticsTeamId,
      requestedById: ana.id,
      status,
      purpose: "Nightly sales pipelines",
      region: "westeurope",
      size: "small",
      executor: "KubernetesExecutor",
      airflowVersion: "3.0.6",
      chartVersion: "1.18.0",
    },
  });
  return env.id;
}

async function operation(environmentId: string, status: OperationStatus, steps: Record<string, StepStatus> = {}, kind: "PROVISION" | "TEARDOWN" = "PROVISION") {
  return database.prisma.operation.create({
    data: {
      environmentId,
      kind,
      status,
      attempt: 1,
      error: status === "FAILED" ? "The AKS cluster could not be created: QuotaExceeded" : null,
      workerId: status === "FAILED" ? "worker-1" : null,
      finishedAt: status === "FAILED" ? new Date() : null,
      steps: {
        create: Object.entries(steps).map(([key, s]) => ({ key, status: s, attempts: 1, error: s === "FAILED" ? "QuotaExceeded" : null, finishedAt: new Date() })),
      },
    },
  });
}

beforeAll(async () => {
  const db = database.prisma;
  await db.team.createMany({
    data: [
      { slug: "data-platform", name: "Data Platform", entraGroupId: GROUPS.platform },
      { slug: "analytics", name: "Analytics", entraGroupId: GROUPS.analytics },
      { slug: "ml", name: "Machine Learning", entraGroupId: GROUPS.ml },
    ],
  });
  const user = (subject: string, groups: string[], roles: string[] = []) =>
    resolveUser(db, { subject, name: subject, email: null, groups, roles }, "Portal.Admin");
  admin = await user("admin", [GROUPS.platform], ["Portal.Admin"]);
  ana = await user("ana", [GROUPS.analytics]);
  anaTeammate = await user("bo", [GROUPS.analytics]);
  milo = await user("milo", [GROUPS.ml]);
  analyticsTeamId = (await db.team.findUniqueOrThrow({ where: { slug: "analytics" } })).id;
});

beforeEach(async () => {
  await database.truncate(["environments"]);
  await database.prisma.$executeRaw`DELETE FROM pgboss.job`;
});

describe("tearing an environment down", () => {
  it("moves a ready environment to DELETING with its audit event, a TEARDOWN operation and its job", async () => {
    const id = await environment("READY");
    const result = await tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl", reason: "Project ended" });
    expect(result).toEqual({ name: "sales-etl", outcome: "requested" });
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status).toBe("DELETING");
    const audit = await database.prisma.auditEvent.findMany({ where: { environmentId: id } });
    expect(audit).toMatchObject([{ action: "environment.teardown-requested", actorId: admin.id, fromStatus: "READY", toStatus: "DELETING", reason: "Project ended" }]);
    const [op] = await database.prisma.operation.findMany({ where: { environmentId: id } });
    expect(op).toMatchObject({ kind: "TEARDOWN", status: "QUEUED", requestedById: admin.id });
    expect(await jobCount(op!.id)).toBe(1);
  });

  it("refuses requesters, even of the environment's own team, and changes nothing", async () => {
    const id = await environment("READY");
    const before = await snapshot();
    for (const user of [ana, milo]) {
      expect((await rejection(tearDownEnvironment(database.prisma, user, { id, confirmName: "sales-etl" }))).code).toBe("FORBIDDEN");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a typed name that does not match, at the field, and changes nothing", async () => {
    const id = await environment("FAILED");
    const before = await snapshot();
    for (const typed of ["sales", "SALES-ETL", "sales-etl2"]) {
      const error = await rejection(tearDownEnvironment(database.prisma, admin, { id, confirmName: typed }));
      expect(error.code).toBe("INVALID");
      expect(error.fieldErrors?.confirmName?.[0]).toMatch(/Type sales-etl exactly/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("is harmless when asked again: already being torn down, or gone, and nothing new is written", async () => {
    const id = await environment("STOPPED");
    await tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl" });
    const before = await snapshot();
    expect(await tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl" })).toMatchObject({ outcome: "already-deleting" });
    expect(await snapshot()).toEqual(before);
    await database.prisma.environment.update({ where: { id }, data: { status: "DELETED" } });
    const gone = await snapshot();
    expect(await tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl" })).toMatchObject({ outcome: "already-deleted" });
    expect(await snapshot()).toEqual(gone);
  });

  it("refuses while provisioning is still queued or running, saying so, and changes nothing", async () => {
    for (const [status, opStatus] of [["APPROVED", "QUEUED"], ["PROVISIONING", "RUNNING"]] as const) {
      await database.truncate(["environments"]);
      const id = await environment(status);
      await operation(id, opStatus);
      const before = await snapshot();
      const error = await rejection(tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl" }));
      expect(error).toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/Another operation is still running/) });
      expect(await snapshot()).toEqual(before);
    }
  });

  it("tears down a provisioning environment whose operation is no longer active", async () => {
    const id = await environment("PROVISIONING");
    await operation(id, "CANCELLED");
    expect(await tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl" })).toMatchObject({ outcome: "requested" });
  });

  it("refuses a pending request: that is rejected, not torn down", async () => {
    const id = await environment("PENDING_APPROVAL");
    const error = await rejection(tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl" }));
    expect(error.userMessage).toMatch(/cannot be torn down while it is pending approval/);
    expect(await database.prisma.operation.count()).toBe(0);
  });

  it("tells the person clearly when the database finds another operation active (P2002)", async () => {
    const id = await environment("READY");
    // An operation the explicit check cannot see yet: created by a concurrent transaction that commits first.
    await database.prisma.$executeRaw`
      CREATE FUNCTION sneak_operation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO operations (id, environment_id, kind, status) VALUES (gen_random_uuid(), NEW.id, 'UPDATE', 'RUNNING');
        RETURN NEW;
      END $$`;
    await database.prisma.$executeRaw`CREATE TRIGGER sneak AFTER UPDATE OF status ON environments FOR EACH ROW EXECUTE FUNCTION sneak_operation()`;
    try {
      const before = await snapshot();
      const error = await rejection(tearDownEnvironment(database.prisma, admin, { id, confirmName: "sales-etl" }));
      expect(error.userMessage).toBe("Another operation is still running on this environment. Wait for it to finish, then try again.");
      expect(await snapshot()).toEqual(before);
    } finally {
      await database.prisma.$executeRaw`DROP TRIGGER sneak ON environments`;
      await database.prisma.$executeRaw`DROP FUNCTION sneak_operation()`;
    }
  });
});

describe("retrying a failed environment", () => {
  it("re-queues the same operation, resets only the steps that did not finish, and enqueues it", async () => {
    const id = await environment("FAILED");
    const failed = await operation(id, "FAILED", { "resource-group": "SUCCEEDED", "database-server": "SUCCEEDED", cluster: "FAILED", database: "RUNNING" });
    const result = await retryEnvironment(database.prisma, admin, id);
    expect(result).toEqual({ name: "sales-etl", operationId: failed.id });

    expect(await database.prisma.operation.findMany()).toMatchObject([
      { id: failed.id, status: "QUEUED", attempt: 2, error: null, finishedAt: null, workerId: null },
    ]);
    const steps = Object.fromEntries((await database.prisma.operationStep.findMany()).map((s) => [s.key, s]));
    expect(steps["resource-group"]).toMatchObject({ status: "SUCCEEDED" });
    expect(steps["database-server"]).toMatchObject({ status: "SUCCEEDED" });
    expect(steps.cluster).toMatchObject({ status: "PENDING", error: null, finishedAt: null, attempts: 1 });
    expect(steps.database).toMatchObject({ status: "PENDING" });
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status).toBe("PROVISIONING");
    expect(await database.prisma.auditEvent.findMany({ where: { environmentId: id } })).toMatchObject([
      { action: "environment.retried", actorId: admin.id, fromStatus: "FAILED", toStatus: "PROVISIONING" },
    ]);
    expect(await jobCount(failed.id)).toBe(1);
    const events = await database.prisma.operationEvent.findMany({ orderBy: { id: "asc" } });
    expect(events.map((e) => [e.stepKey, e.level, e.message])).toEqual([
      [null, "status", "QUEUED"],
      ["cluster", "status", "PENDING"],
      ["database", "status", "PENDING"],
    ]);
  });

  it("takes a failed teardown back to DELETING", async () => {
    const id = await environment("FAILED");
    await operation(id, "FAILED", { "delete-resource-group": "FAILED" }, "TEARDOWN");
    await retryEnvironment(database.prisma, admin, id);
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status).toBe("DELETING");
  });

  it("refuses requesters and strangers, and changes nothing", async () => {
    const id = await environment("FAILED");
    await operation(id, "FAILED", { cluster: "FAILED" });
    const before = await snapshot();
    for (const user of [ana, milo]) expect((await rejection(retryEnvironment(database.prisma, user, id))).code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses what has not failed, and retries once when asked twice", async () => {
    const ready = await environment("READY", "ready-one");
    await operation(ready, "SUCCEEDED");
    expect((await rejection(retryEnvironment(database.prisma, admin, ready))).userMessage).toMatch(/Only a failed environment/);

    const id = await environment("FAILED");
    const failed = await operation(id, "FAILED", { cluster: "FAILED" });
    const results = await Promise.allSettled([retryEnvironment(database.prisma, admin, id), retryEnvironment(database.prisma, admin, id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await database.prisma.operation.findUniqueOrThrow({ where: { id: failed.id } })).attempt).toBe(2);
    expect(await database.prisma.auditEvent.count({ where: { action: "environment.retried" } })).toBe(1);
  });

  it("tells the person clearly when another operation is active (P2002), and changes nothing", async () => {
    const id = await environment("FAILED");
    await operation(id, "FAILED", { cluster: "FAILED" });
    // An older operation left QUEUED: re-queueing the failed one would make two active.
    const stuck = await operation(id, "QUEUED");
    await database.prisma.operation.update({ where: { id: stuck.id }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
    const before = await snapshot();
    const error = await rejection(retryEnvironment(database.prisma, admin, id));
    expect(error.userMessage).toMatch(/Another operation is still running on this environment/);
    expect(await snapshot()).toEqual(before);
  });
});

describe("withdrawing a request", () => {
  it("lets the requester's team withdraw a pending request, with its audit event", async () => {
    const id = await environment("PENDING_APPROVAL");
    expect(await withdrawRequest(database.prisma, anaTeammate, id)).toEqual({ name: "sales-etl" });
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status).toBe("DELETED");
    expect(await database.prisma.auditEvent.findMany({ where: { environmentId: id } })).toMatchObject([
      { action: "environment.withdrawn", actorId: anaTeammate.id, fromStatus: "PENDING_APPROVAL", toStatus: "DELETED" },
    ]);
    const again = await environment("PENDING_APPROVAL", "sales-etl");
    await withdrawRequest(database.prisma, admin, again);
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id: again } })).status).toBe("DELETED");
  });

  it("answers another team as if the request did not exist, and changes nothing", async () => {
    const id = await environment("PENDING_APPROVAL");
    const before = await snapshot();
    expect((await rejection(withdrawRequest(database.prisma, milo, id))).code).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses anything past approval with a clear message", async () => {
    const id = await environment("APPROVED");
    const before = await snapshot();
    expect((await rejection(withdrawRequest(database.prisma, ana, id))).userMessage).toBe(
      "Only a request still waiting for approval can be withdrawn; sales-etl is approved.",
    );
    expect(await snapshot()).toEqual(before);
  });
});
