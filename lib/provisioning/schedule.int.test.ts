import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";
import { refreshHealth } from "./schedule";

const database = withTestDatabase();

async function environment(name: string, status: "READY" | "FAILED", airflowUrl: string | null) {
  const db = database.prisma;
  const team = await db.team.upsert({ where: { slug: "health" }, update: {}, create: { slug: "health", name: "Health", entraGroupId: "g-health" } });
  const user = await db.user.upsert({ where: { subject: "health" }, update: {}, create: { subject: "health", name: "Hal" } });
  return db.environment.create({
    data: {
      name, nameSuffix: "abc123", teamId: team.id, requestedById: user.id, status, purpose: "Health", region: "westeurope",
      size: "small", executor: "KubernetesExecutor", airflowVersion: "3.0.6", chartVersion: "1.18.0", airflowUrl,
    },
  });
}

describe("the health sweep", () => {
  it("probes each READY Airflow once per interval and records what it said", async () => {
    const ready = await environment("probed", "READY", "http://127.0.0.1:1/");
    await environment("failed-one", "FAILED", "http://127.0.0.1:2/");
    await environment("no-address", "READY", null);
    const probed: string[] = [];
    const probe = async (env: { airflowUrl: string }) => {
      probed.push(env.airflowUrl);
      return "unhealthy: scheduler";
    };

    expect(await refreshHealth(database.prisma, 60_000, probe)).toBe(1);
    expect(probed).toEqual(["http://127.0.0.1:1/"]);
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id: ready.id } })).toMatchObject({ health: "unhealthy: scheduler" });

    // Checked a moment ago: not probed again until the interval has passed.
    expect(await refreshHealth(database.prisma, 60_000, probe)).toBe(0);
    expect(await refreshHealth(database.prisma, 0, async () => null)).toBe(1);
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id: ready.id } })).health).toBe("healthy");
  });
});
