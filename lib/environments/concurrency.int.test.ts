import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db/create-client";
import { withTestDatabase } from "@/scripts/test-support/db";
import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { resolveUser, type CurrentUser } from "@/lib/users/resolve-user";
import { DEFAULT_CATALOG } from "./catalog";
import { approveRequest } from "./decide-request";
import { requestEnvironment } from "./request-environment";

/**
 * Many connections doing conflicting transactions at once, through the portal's own Prisma client:
 * the database, not luck, must decide who wins, and the losers must get the clear error meant for
 * them — never a protocol error from a server that mixes up its connections' messages.
 *
 * To be sure the transactions really overlap, a blocker first holds the contested row (or name) in
 * an open transaction; the test waits until all N transactions are queued behind it on their own
 * connections, then releases it so they race.
 */
const N = 20;
const database = withTestDatabase();
const ANALYTICS = "00000000-0000-4000-8000-000000000002";
const PROTOCOL_ERRORS = /bind message supplies|portal .* does not exist|P2028|Transaction API error/;

let prisma: PrismaClient;
let admins: CurrentUser[];
let requester: CurrentUser;

const request = (name: string) => ({
  name,
  team: "analytics",
  purpose: "Concurrency test",
  region: "westeurope",
  size: "small",
  executor: "CeleryExecutor",
  airflowVersion: "3.2.2",
});

beforeAll(async () => {
  // A pool big enough for every racer to hold its own connection (node-postgres defaults to 10).
  prisma = createPrismaClient(database.url, { max: N + 5 });
  await database.prisma.team.create({ data: { slug: "analytics", name: "Analytics", entraGroupId: ANALYTICS } });
  // Not one of the racing admins: none of them may approve their own request (four eyes).
  requester = await resolveUser(database.prisma, { subject: "requester", name: "Requester", email: null, groups: [ANALYTICS], roles: [] }, "Portal.Admin");
  admins = [];
  for (let i = 0; i < N; i++) {
    const claims = { subject: `admin-${i}`, name: `Admin ${i}`, email: null, groups: [ANALYTICS], roles: ["Portal.Admin"] };
    admins.push(await resolveUser(database.prisma, claims, "Portal.Admin"));
  }
});

afterAll(async () => {
  await prisma?.$disconnect();
});

beforeEach(async () => {
  await database.truncate(["environments"]);
});

/**
 * Runs `race` while `blocker` holds a lock the racers need, and resolves to their outcomes once
 * all N were seen waiting for that lock at the same time, each on its own server connection.
 */
async function raceBehind<T>(blocker: Blocker, race: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  const monitor = new pg.Client({ connectionString: database.url });
  await monitor.connect();
  const outcomes = Promise.allSettled(race());
  let waiting = 0;
  try {
    const deadline = Date.now() + 15_000;
    while (waiting < N && Date.now() < deadline) {
      const { rows } = await monitor.query<{ n: number }>(
        `SELECT count(DISTINCT pid)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`,
        [blocker.pid],
      );
      waiting = rows[0]!.n;
      if (waiting < N) await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await blocker.client.query("ROLLBACK");
    await blocker.client.end();
    await monitor.end();
  }
  const settled = await outcomes;
  expect(waiting, `only ${waiting} of ${N} transactions were waiting at once`).toBe(N);
  return settled;
}

function split<T>(settled: PromiseSettledResult<T>[]) {
  const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
  for (const error of errors) expect(String(error)).not.toMatch(PROTOCOL_ERRORS);
  return { won: settled.filter((s) => s.status === "fulfilled").length, errors };
}

type Blocker = { client: pg.Client; pid: number };

/** A connection of its own with an open transaction, to hold the lock the racers queue behind. */
async function openBlocker(): Promise<Blocker> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  await client.query("BEGIN");
  return { client, pid: rows[0]!.pid };
}

describe(`${N} connections at once`, () => {
  it(`lets exactly one of ${N} admins approve the same request`, async () => {
    const { id } = await requestEnvironment(database.prisma, requester, request("contested"), DEFAULT_CATALOG);
    const blocker = await openBlocker();
    await blocker.client.query("SELECT id FROM environments WHERE id = $1 FOR UPDATE", [id]);

    const settled = await raceBehind(blocker, () => admins.map((admin) => approveRequest(prisma, admin, id)));

    const { won, errors } = split(settled);
    expect(won).toBe(1);
    expect(errors).toHaveLength(N - 1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/already decided/) });
    }
    const environment = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    expect(environment.status).toBe("APPROVED");
    expect(await database.prisma.operation.count({ where: { environmentId: id, kind: "PROVISION" } })).toBe(1);
    expect(await database.prisma.auditEvent.count({ where: { environmentId: id, action: "environment.approved" } })).toBe(1);
    const decidedBy = await database.prisma.auditEvent.findFirstOrThrow({ where: { environmentId: id, action: "environment.approved" } });
    expect(decidedBy.actorId).toBe(environment.decidedById);
  });

  it(`lets exactly one of ${N} requests for the same name through`, async () => {
    // The blocker renames another request to the contested name without committing: every racer
    // passes the early "name free?" check, then its insert waits on the unique index.
    const other = await requestEnvironment(database.prisma, admins[0]!, request("placeholder"), DEFAULT_CATALOG);
    const blocker = await openBlocker();
    await blocker.client.query("UPDATE environments SET name = 'contested' WHERE id = $1", [other.id]);

    const settled = await raceBehind(blocker, () =>
      admins.map((admin) => requestEnvironment(prisma, admin, request("contested"), DEFAULT_CATALOG)),
    );

    const { won, errors } = split(settled);
    expect(won).toBe(1);
    expect(errors).toHaveLength(N - 1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).fieldErrors?.name).toEqual(['An environment named "contested" already exists. Choose another name.']);
    }
    const contested = await database.prisma.environment.findMany({ where: { name: "contested" }, select: { id: true } });
    expect(contested).toHaveLength(1);
    expect(await database.prisma.environment.count()).toBe(2);
    expect(
      await database.prisma.auditEvent.count({ where: { environmentId: contested[0]!.id, action: "environment.requested" } }),
    ).toBe(1);
  });
});
