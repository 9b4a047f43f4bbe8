import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/scripts/test-support/db";

const database = withTestDatabase();
const dir = mkdtempSync(path.join(os.tmpdir(), "teams-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GROUP_A = "11111111-1111-4111-8111-111111111111";
const GROUP_B = "22222222-2222-4222-8222-222222222222";

function teamsFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** `npm run teams:load` as an operator runs it. */
async function loadTeams(file: string): Promise<{ code: number; output: string }> {
  const script = path.resolve(import.meta.dirname, "../../scripts/db/load-teams.ts");
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, file], {
      env: { ...process.env, DATABASE_URL: database.url },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe("npm run teams:load", () => {
  it("creates teams, then renames and re-maps them by slug without duplicating any", async () => {
    const first = await loadTeams(teamsFile("teams.json", [{ slug: "analytics", name: "Analytics", entraGroupId: GROUP_A }]));
    expect(first).toMatchObject({ code: 0, output: expect.stringContaining("team analytics (Analytics)") });

    // The group moves to a team listed after the one that had it: order must not matter.
    const second = await loadTeams(
      teamsFile("teams-v2.json", [
        { slug: "ml", name: "Machine Learning", entraGroupId: GROUP_A },
        { slug: "analytics", name: "Analytics & BI", entraGroupId: GROUP_B },
      ]),
    );
    expect(second.code).toBe(0);
    const teams = await database.prisma.team.findMany({ orderBy: { slug: "asc" }, select: { slug: true, name: true, entraGroupId: true } });
    expect(teams).toEqual([
      { slug: "analytics", name: "Analytics & BI", entraGroupId: GROUP_B },
      { slug: "ml", name: "Machine Learning", entraGroupId: GROUP_A },
    ]);

    const swapped = await loadTeams(
      teamsFile("teams-v3.json", [
        { slug: "analytics", name: "Analytics & BI", entraGroupId: GROUP_A },
        { slug: "ml", name: "Machine Learning", entraGroupId: GROUP_B },
      ]),
    );
    expect(swapped.code).toBe(0);
    expect(await database.prisma.team.findUniqueOrThrow({ where: { slug: "analytics" } })).toMatchObject({ entraGroupId: GROUP_A });
    expect(await database.prisma.team.findUniqueOrThrow({ where: { slug: "ml" } })).toMatchObject({ entraGroupId: GROUP_B });
  });

  it("refuses a malformed file, naming the entry, and changes nothing", async () => {
    const before = await database.prisma.team.findMany({ orderBy: { slug: "asc" } });
    const bad = await loadTeams(
      teamsFile("bad.json", [
        { slug: "finance", name: "Finance", entraGroupId: "33333333-3333-4333-8333-333333333333" },
        { slug: "Bad Slug", name: "x", entraGroupId: "not-a-uuid" },
      ]),
    );
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/bad\.json is invalid[\s\S]*\[1\.slug\][\s\S]*\[1\.entraGroupId\]/);
    const twice = await loadTeams(
      teamsFile("twice.json", [
        { slug: "finance", name: "Finance", entraGroupId: GROUP_A },
        { slug: "finance", name: "Finance 2", entraGroupId: "44444444-4444-4444-8444-444444444444" },
      ]),
    );
    expect(twice.output).toMatch(/slug: finance appears twice/);
    expect(await loadTeams(teamsFile("broken.json", "[{"))).toMatchObject({ code: 1, output: expect.stringMatching(/Cannot read the teams file/) });
    const stolen = await loadTeams(teamsFile("stolen.json", [{ slug: "finance", name: "Finance", entraGroupId: GROUP_A }]));
    expect(stolen).toMatchObject({ code: 1, output: expect.stringContaining(`${GROUP_A} (team analytics)`) });
    expect(await database.prisma.team.findMany({ orderBy: { slug: "asc" } })).toEqual(before);
  });
});
