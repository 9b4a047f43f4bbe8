import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { AppError } from "@/lib/errors";
import { resolveUser, type CurrentUser } from "@/lib/users/resolve-user";
import { DEFAULT_CATALOG } from "./catalog";
import { approveRequest, rejectRequest } from "./decide-request";
import { COUNT_LIMIT, decodeCursor } from "./paging";
import { getEnvironment, listAuditEvents, listEnvironments, listPendingRequests } from "./queries";
import { requestEnvironment } from "./request-environment";

const database = withTestDatabase();
const GROUPS = { platform: "00000000-0000-4000-8000-000000000001", analytics: "00000000-0000-4000-8000-000000000002", ml: "00000000-0000-4000-8000-000000000003" };

let admin: CurrentUser;
let otherAdmin: CurrentUser;
let ana: CurrentUser;
let milo: CurrentUser;

const request = (overrides: Record<string, unknown> = {}) => ({
  name: "sales-etl",
  team: "analytics",
  purpose: "Nightly sales pipelines",
  region: "westeurope",
  size: "small",
  executor: "CeleryExecutor",
  airflowVersion: "3.2.2",
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const counts = async () => ({
  environments: await database.prisma.environment.count(),
  audit: await database.prisma.auditEvent.count(),
  operations: await database.prisma.operation.count(),
});

beforeAll(async () => {
  const db = database.prisma;
  await db.team.createMany({
    data: [
      { slug: "data-platform", name: "Data Platform", entraGroupId: GROUPS.platform },
      { slug: "analytics", name: "Analytics", entraGroupId: GROUPS.analytics },
      { slug: "ml", name: "Machine Learning", entraGroupId: GROUPS.ml },
    ],
  });
  const user = (subject: string, name: string, groups: string[], roles: string[] = []) =>
    resolveUser(db, { subject, name, email: `${subject}@example.test`, groups, roles }, "Portal.Admin");
  admin = await user("admin", "Ada Admin", [GROUPS.platform], ["Portal.Admin"]);
  otherAdmin = await user("admin2", "Otto Admin", [GROUPS.platform], ["Portal.Admin"]);
  ana = await user("ana", "Ana Analyst", [GROUPS.analytics]);
  milo = await user("milo", "Milo Modeler", [GROUPS.ml]);
});

beforeEach(async () => {
  await database.truncate(["environments"]);
});

describe("users", () => {
  it("maps the token's groups to teams and its roles to admin", () => {
    expect(ana.teams.map((t) => t.slug)).toEqual(["analytics"]);
    expect(ana.isAdmin).toBe(false);
    expect(admin.isAdmin).toBe(true);
  });

  it("keeps one user row per subject however often they sign in", async () => {
    const claims = { subject: "repeat", name: "Rae Peat", email: null, groups: [], roles: [] };
    const first = await resolveUser(database.prisma, claims, "Portal.Admin");
    const renamed = await resolveUser(database.prisma, { ...claims, name: "Rae P." }, "Portal.Admin");
    expect(renamed).toMatchObject({ id: first.id, name: "Rae P." });
    expect(await database.prisma.user.count({ where: { subject: "repeat" } })).toBe(1);
  });
});

describe("requesting an environment", () => {
  it("records the request and its audit event", async () => {
    const { id } = await requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG);
    const env = await getEnvironment(database.prisma, ana, id);
    expect(env).toMatchObject({ name: "sales-etl", status: "PENDING_APPROVAL", executor: "CeleryExecutor", team: { slug: "analytics" } });
    expect(env).toMatchObject({ airflowVersion: "3.2.2", chartVersion: "1.22.0" });
    expect(env.names.postgresServer).toMatch(/^pg-airflow-sales-etl-[0-9a-f]{6}$/);
    expect(env.history).toMatchObject([{ action: "environment.requested", actorName: "Ana Analyst", toStatus: "PENDING_APPROVAL" }]);
  });

  it("writes nothing for invalid input", async () => {
    const error = await rejection(requestEnvironment(database.prisma, ana, request({ name: "Bad_Name", size: "huge" }), DEFAULT_CATALOG));
    expect(error.fieldErrors).toHaveProperty("name");
    expect(error.fieldErrors).toHaveProperty("size");
    expect(await counts()).toEqual({ environments: 0, audit: 0, operations: 0 });
  });

  it("refuses a team the requester is not in, and writes nothing", async () => {
    const error = await rejection(requestEnvironment(database.prisma, ana, request({ team: "ml" }), DEFAULT_CATALOG));
    expect(error.fieldErrors?.team?.[0]).toMatch(/your own teams/);
    expect(await counts()).toEqual({ environments: 0, audit: 0, operations: 0 });
  });

  it("refuses a name already used by a live environment, even when both arrive at once", async () => {
    const results = await Promise.allSettled([
      requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG),
      requestEnvironment(database.prisma, milo, request({ team: "ml" }), DEFAULT_CATALOG),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((failed.reason as AppError).fieldErrors?.name?.[0]).toMatch(/already exists/);
    expect(await database.prisma.environment.count()).toBe(1);
  });

  it("lets a rejected request's name be used again", async () => {
    const { id } = await requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG);
    await rejectRequest(database.prisma, admin, id, "Use the shared environment");
    await expect(requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG)).resolves.toHaveProperty("id");
  });
});

describe("team boundaries", () => {
  it("keeps another team's environment out of lists and detail pages", async () => {
    const { id } = await requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG);
    expect((await listEnvironments(database.prisma, milo)).items).toEqual([]);
    expect((await rejection(getEnvironment(database.prisma, milo, id))).code).toBe("NOT_FOUND");
    expect((await listEnvironments(database.prisma, ana)).items.map((e) => e.id)).toEqual([id]);
    expect((await listEnvironments(database.prisma, admin)).items.map((e) => e.id)).toEqual([id]);
    expect((await rejection(getEnvironment(database.prisma, ana, "not-a-uuid"))).code).toBe("NOT_FOUND");
  });

  it("lets no requester approve or reject, not even their own team's request", async () => {
    const { id } = await requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG);
    expect((await rejection(approveRequest(database.prisma, ana, id))).code).toBe("FORBIDDEN");
    expect((await rejection(approveRequest(database.prisma, milo, id))).code).toBe("FORBIDDEN");
    expect((await rejection(rejectRequest(database.prisma, milo, id, "no"))).code).toBe("FORBIDDEN");
    expect((await rejection(listPendingRequests(database.prisma, ana))).code).toBe("FORBIDDEN");
    expect((await rejection(listAuditEvents(database.prisma, ana))).code).toBe("FORBIDDEN");
    const env = await getEnvironment(database.prisma, admin, id);
    expect(env.status).toBe("PENDING_APPROVAL");
    expect(env.history).toHaveLength(1);
  });
});

describe("the dashboard's list", () => {
  it("filters by status, and leaves rejected and deleted environments out of the default view", async () => {
    const pending = await requestEnvironment(database.prisma, ana, request({ name: "pending-one" }), DEFAULT_CATALOG);
    const rejected = await requestEnvironment(database.prisma, ana, request({ name: "rejected-one" }), DEFAULT_CATALOG);
    await rejectRequest(database.prisma, admin, rejected.id, "No budget");
    const ids = async (filter: Parameters<typeof listEnvironments>[2]) => (await listEnvironments(database.prisma, ana, filter)).items.map((e) => e.id);
    expect(await ids({})).toEqual([pending.id]);
    expect(await ids({ status: "REJECTED" })).toEqual([rejected.id]);
    expect(await ids({ status: "PENDING_APPROVAL" })).toEqual([pending.id]);
    expect(await listEnvironments(database.prisma, milo, { status: "REJECTED" })).toMatchObject({ items: [], total: 0, next: null, previous: null });
  });

  it("pages through a team's environments without overlap, counting only what the user may see", async () => {
    const names = ["page-a", "page-b", "page-c", "page-d", "page-e"];
    for (const name of names) await requestEnvironment(database.prisma, ana, request({ name }), DEFAULT_CATALOG);
    await requestEnvironment(database.prisma, milo, request({ name: "other-team", team: "ml" }), DEFAULT_CATALOG);

    // Five requests in one millisecond: the id alone keeps the order, and pages must neither skip nor repeat.
    const sameTime = new Date(Date.now() - 60_000);
    await database.prisma.environment.updateMany({ where: { name: { in: names.slice(1, 4) } }, data: { createdAt: sameTime } });

    const pages = [await listEnvironments(database.prisma, ana, { pageSize: 2 })];
    while (pages.at(-1)!.next) {
      pages.push(await listEnvironments(database.prisma, ana, { pageSize: 2, cursor: { direction: "after", key: decodeCursor(pages.at(-1)!.next)! } }));
    }
    expect(pages.map((p) => [p.total, p.items.length, p.isFirst, Boolean(p.previous), Boolean(p.next)])).toEqual([
      [5, 2, true, false, true],
      [5, 2, false, true, true],
      [5, 1, false, true, false],
    ]);
    const listed = pages.flatMap((p) => p.items);
    expect(listed.map((e) => e.name).sort()).toEqual(names);
    const keys = listed.map((e) => [e.createdAt.getTime(), e.id] as const);
    expect(keys).toEqual([...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1)));

    // Back from the last page gives the middle one again, then the first, which knows it is first.
    const back = await listEnvironments(database.prisma, ana, { pageSize: 2, cursor: { direction: "before", key: decodeCursor(pages[2]!.previous)! } });
    expect(back.items.map((e) => e.id)).toEqual(pages[1]!.items.map((e) => e.id));
    const first = await listEnvironments(database.prisma, ana, { pageSize: 2, cursor: { direction: "before", key: decodeCursor(back.previous)! } });
    expect(first).toMatchObject({ isFirst: true, previous: null });
    expect(first.items.map((e) => e.id)).toEqual(pages[0]!.items.map((e) => e.id));

    expect((await listEnvironments(database.prisma, admin, { pageSize: 2 })).total).toBe(6);
  });

  it("stops counting at the limit, and says the total is a lower bound", async () => {
    const team = await database.prisma.team.findUniqueOrThrow({ where: { slug: "ml" } });
    await database.prisma.$executeRaw`
      INSERT INTO environments (id, name, name_suffix, team_id, requested_by_id, purpose, region, size, executor, airflow_version, chart_version, updated_at)
      SELECT gen_random_uuid(), 'bulk-' || n, 'abcdef', ${team.id}::uuid, ${milo.id}::uuid, 'bulk', 'westeurope', 'small', 'LocalExecutor', '3.0.6', '1.18.0', now()
      FROM generate_series(1, ${COUNT_LIMIT + 5}) AS n`;
    const listing = await listEnvironments(database.prisma, milo);
    expect(listing).toMatchObject({ total: COUNT_LIMIT, totalIsLowerBound: true, isFirst: true });
    expect(listing.items).toHaveLength(50);
  });
});

describe("the approval queue", () => {
  it("lists pending requests oldest first, and counts them all", async () => {
    const first = await requestEnvironment(database.prisma, ana, request({ name: "queue-one" }), DEFAULT_CATALOG);
    const second = await requestEnvironment(database.prisma, milo, request({ name: "queue-two", team: "ml" }), DEFAULT_CATALOG);
    const decided = await requestEnvironment(database.prisma, ana, request({ name: "queue-done" }), DEFAULT_CATALOG);
    await approveRequest(database.prisma, admin, decided.id);
    // Two requests may land in the same millisecond; an hour apart, the order is certain.
    await database.prisma.environment.update({ where: { id: first.id }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
    const queue = await listPendingRequests(database.prisma, admin);
    expect(queue.total).toBe(2);
    expect(queue.items.map((e) => e.id)).toEqual([first.id, second.id]);

    const firstPage = await listPendingRequests(database.prisma, admin, { pageSize: 1 });
    expect(firstPage.items.map((e) => e.id)).toEqual([first.id]);
    const secondPage = await listPendingRequests(database.prisma, admin, { pageSize: 1, after: decodeCursor(firstPage.next)! });
    expect(secondPage).toMatchObject({ total: 2, next: null });
    expect(secondPage.items.map((e) => e.id)).toEqual([second.id]);
  });
});

describe("the audit log", () => {
  it("pages newest first by event id, older and back to newer, without loading other events", async () => {
    for (const name of ["audit-a", "audit-b", "audit-c"]) await requestEnvironment(database.prisma, ana, request({ name }), DEFAULT_CATALOG);
    const all = (await listAuditEvents(database.prisma, admin, { take: 10 })).items.map((e) => e.id);
    expect(all).toHaveLength(3);
    const newest = await listAuditEvents(database.prisma, admin, { take: 2 });
    expect(newest).toMatchObject({ newer: null, older: all[1] });
    expect(newest.items.map((e) => e.id)).toEqual(all.slice(0, 2));
    const older = await listAuditEvents(database.prisma, admin, { take: 2, before: newest.older! });
    expect(older).toMatchObject({ older: null, newer: all[2] });
    expect(older.items.map((e) => e.id)).toEqual(all.slice(2));
    const newer = await listAuditEvents(database.prisma, admin, { take: 2, after: older.newer! });
    expect(newer.items.map((e) => e.id)).toEqual(all.slice(0, 2));
    expect(newer.newer).toBeNull();
  });
});

describe("deciding a request", () => {
  it("approves once when two admins approve at the same moment", async () => {
    const { id } = await requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG);
    const results = await Promise.allSettled([
      approveRequest(database.prisma, admin, id, "ok"),
      approveRequest(database.prisma, otherAdmin, id, "ok too"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: "CONFLICT" });
    expect(await database.prisma.auditEvent.count({ where: { action: "environment.approved" } })).toBe(1);
    expect(await database.prisma.operation.findMany({ select: { kind: true, status: true } })).toEqual([{ kind: "PROVISION", status: "QUEUED" }]);
    expect((await getEnvironment(database.prisma, ana, id)).status).toBe("APPROVED");
  });

  it("needs four eyes: an admin cannot approve their own request, another admin can", async () => {
    const { id } = await requestEnvironment(database.prisma, admin, request({ team: "data-platform", name: "own-request" }), DEFAULT_CATALOG);
    const before = await counts();
    const refused = await rejection(approveRequest(database.prisma, admin, id, "looks fine to me"));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.userMessage).toMatch(/another admin must approve it/);
    expect(await counts()).toEqual(before);
    expect((await getEnvironment(database.prisma, admin, id)).status).toBe("PENDING_APPROVAL");

    await approveRequest(database.prisma, otherAdmin, id, "ok");
    expect(await getEnvironment(database.prisma, admin, id)).toMatchObject({ status: "APPROVED", decidedBy: { name: "Otto Admin" } });
  });

  it("lets an admin reject their own request, as withdrawing would", async () => {
    const { id } = await requestEnvironment(database.prisma, admin, request({ team: "data-platform", name: "own-reject" }), DEFAULT_CATALOG);
    await rejectRequest(database.prisma, admin, id, "Not needed after all");
    expect((await getEnvironment(database.prisma, admin, id)).status).toBe("REJECTED");
  });

  it("records who rejected and why, and refuses a second decision", async () => {
    const { id } = await requestEnvironment(database.prisma, ana, request(), DEFAULT_CATALOG);
    await rejectRequest(database.prisma, admin, id, "Use the shared environment");
    const env = await getEnvironment(database.prisma, ana, id);
    expect(env).toMatchObject({ status: "REJECTED", decisionReason: "Use the shared environment", decidedBy: { name: "Ada Admin" } });
    expect(env.history.map((h) => h.action)).toEqual(["environment.requested", "environment.rejected"]);
    const again = await rejection(approveRequest(database.prisma, admin, id));
    expect(again.userMessage).toMatch(/already decided: it is rejected/);
    expect(await database.prisma.operation.count()).toBe(0);
  });

  it("answers not found for an unknown request", async () => {
    expect((await rejection(approveRequest(database.prisma, admin, "00000000-0000-4000-8000-00000000dead"))).code).toBe("NOT_FOUND");
  });
});
