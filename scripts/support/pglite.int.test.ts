import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db/create-client";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import { startPglite, type PgliteServer } from "./pglite";

/** The embedded database behind `npm run dev` must take the same migrations and client as PostgreSQL. */
let root = "";
let server: PgliteServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "portal-pglite-"));
  server = await startPglite({ dataDir: join(root, "pglite") });
});

afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("PGlite over the PostgreSQL wire protocol", () => {
  it("listens on loopback with a postgresql:// URL on a free port", () => {
    expect(server.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it("takes the migrations, concurrently and idempotently", async () => {
    const runs = await Promise.all([applyMigrations(server.url), applyMigrations(server.url)]);
    const names = (await readMigrations()).map((m) => m.name);
    expect(runs.flatMap((r) => r.applied).sort()).toEqual(names);
    expect((await applyMigrations(server.url)).applied).toEqual([]);
  });

  it("serves Prisma Client: writes, reads, interactive transactions and many connections", async () => {
    const prisma = createPrismaClient(server.url);
    try {
      const team = await prisma.team.create({ data: { slug: "embedded", name: "Embedded", entraGroupId: "g-embedded" } });
      const users = await Promise.all(
        Array.from({ length: 25 }, (_, i) => prisma.user.create({ data: { subject: `oid-${i}`, name: `User ${i}` } })),
      );
      expect(await prisma.user.count()).toBe(25);

      await prisma.$transaction(async (tx) => {
        await tx.team.update({ where: { id: team.id }, data: { name: "Renamed" } });
        await tx.user.update({ where: { id: users[0]!.id }, data: { email: "first@example.test" } });
      });
      await expect(
        prisma.$transaction(async (tx) => {
          await tx.team.update({ where: { id: team.id }, data: { name: "Not kept" } });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect((await prisma.team.findUniqueOrThrow({ where: { id: team.id } })).name).toBe("Renamed");

      // Plain drivers (pg-boss uses pg) connect alongside Prisma's pool.
      const clients = Array.from({ length: 8 }, () => new pg.Client({ connectionString: server.url }));
      await Promise.all(clients.map((c) => c.connect()));
      const counts = await Promise.all(clients.map((c) => c.query("SELECT count(*)::int AS n FROM users")));
      expect(counts.map((r) => r.rows[0].n)).toEqual(Array(8).fill(25));
      await Promise.all(clients.map((c) => c.end()));
    } finally {
      await prisma.$disconnect();
    }
  });

  it("keeps its data across a restart and refuses a second server on the same folder", async () => {
    const dataDir = join(root, "pglite");
    await expect(startPglite({ dataDir })).rejects.toThrow(/already served by process/);
    await server.stop();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    server = await startPglite({ dataDir });
    const prisma = createPrismaClient(server.url);
    try {
      expect(await prisma.user.count()).toBe(25);
    } finally {
      await prisma.$disconnect();
    }
  });
});
