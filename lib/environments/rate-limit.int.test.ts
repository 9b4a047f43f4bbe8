import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db/create-client";
import { withTestDatabase } from "@/scripts/test-support/db";
import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { resolveUser, type CurrentUser } from "@/lib/users/resolve-user";
import { DEFAULT_CATALOG } from "./catalog";
import { requestEnvironment } from "./request-environment";

const database = withTestDatabase();
const ANALYTICS = "00000000-0000-4000-8000-0000000000c2";
let prisma: PrismaClient;
let ana: CurrentUser;
let milo: CurrentUser;

const request = (name: string) => ({
  name, team: "analytics", purpose: "Rate limit test", region: "westeurope", size: "small", executor: "CeleryExecutor", airflowVersion: "3.2.2",
});

beforeAll(async () => {
  prisma = createPrismaClient(database.url, { max: 25 });
  await database.prisma.team.create({ data: { slug: "analytics", name: "Analytics", entraGroupId: ANALYTICS } });
  ana = await resolveUser(database.prisma, { subject: "ana", name: "Ana", email: null, groups: [ANALYTICS], roles: [] }, "Portal.Admin");
  milo = await resolveUser(database.prisma, { subject: "milo", name: "Milo", email: null, groups: [ANALYTICS], roles: [] }, "Portal.Admin");
});

beforeEach(() => database.truncate(["environments"]));

describe("requests per person", () => {
  it("let only the limit through when 20 arrive at once, and say why to the rest", async () => {
    const now = new Date();
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => requestEnvironment(prisma, ana, request(`burst-${i}`), DEFAULT_CATALOG, now, { perHour: 5 })),
    );
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(5);
    for (const s of settled.filter((s) => s.status === "rejected")) {
      expect(s.reason).toBeInstanceOf(AppError);
      expect(s.reason).toMatchObject({ code: "RATE_LIMITED", userMessage: expect.stringMatching(/in the last hour/) });
    }
    expect(await database.prisma.environment.count({ where: { requestedById: ana.id } })).toBe(5);
    expect(await database.prisma.auditEvent.count({ where: { actorId: ana.id, action: "environment.requested" } })).toBe(5);
  });

  it("count each person on their own, and only the last hour", async () => {
    // created_at is the database's clock, so "now" is the real one here.
    const now = new Date();
    for (let i = 0; i < 3; i++) await requestEnvironment(database.prisma, ana, request(`ana-${i}`), DEFAULT_CATALOG, now, { perHour: 3 });
    await expect(requestEnvironment(database.prisma, ana, request("ana-3"), DEFAULT_CATALOG, now, { perHour: 3 })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(requestEnvironment(database.prisma, milo, request("milo-0"), DEFAULT_CATALOG, now, { perHour: 3 })).resolves.toHaveProperty("id");
    // An hour on, those requests no longer count.
    const later = new Date(now.getTime() + 61 * 60 * 1000);
    await expect(requestEnvironment(database.prisma, ana, request("ana-4"), DEFAULT_CATALOG, later, { perHour: 3 })).resolves.toHaveProperty("id");
  });
});
