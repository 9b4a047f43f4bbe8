import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binariesFor, reachableDataDir } from "./embedded-postgres-access";

/** As root, the server runs as `postgres`, who must reach its binaries and data wherever the project lives. */
const asRoot = process.getuid?.() === 0;
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function privateFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "private-project-"));
  chmodSync(dir, 0o700);
  made.push(dir);
  return dir;
}

const runsAsPostgres = (file: string) => {
  try {
    execFileSync("runuser", ["-u", "postgres", "--", "test", "-x", file]);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!asRoot)("the server user's reach, as root", () => {
  it("copies binaries out of a project folder it cannot enter, once, keeping their layout", async () => {
    const version = `0.0.0-test-${process.pid}`;
    const native = path.join(privateFolder(), "linux", "native");
    mkdirSync(path.join(native, "bin"), { recursive: true });
    writeFileSync(path.join(native, "..", "package.json"), JSON.stringify({ version }));
    for (const tool of ["initdb", "postgres"]) writeFileSync(path.join(native, "bin", tool), "#!/bin/sh\n", { mode: 0o755 });
    const bin = { initdb: path.join(native, "bin", "initdb"), postgres: path.join(native, "bin", "postgres") };
    expect(runsAsPostgres(bin.initdb)).toBe(false);

    const moved = await binariesFor({ uid: 0 }, bin);
    made.push(path.dirname(path.dirname(moved.initdb)));
    expect(moved.initdb).toMatch(new RegExp(`airflow-portal-postgres-${version.replace(/\./g, "\\.")}-[^/]+/bin/initdb$`));
    expect(runsAsPostgres(moved.initdb) && runsAsPostgres(moved.postgres)).toBe(true);
    expect(await binariesFor({ uid: 0 }, bin)).toEqual(moved);
  });

  it("moves a persistent data folder it cannot reach to /var/tmp, the same place every time", async () => {
    const wanted = path.join(privateFolder(), ".data", "postgres");
    const moved = await reachableDataDir({ uid: 0 }, wanted);
    made.push(path.dirname(moved));
    expect(moved).not.toBe(wanted);
    expect(existsSync(moved)).toBe(true);
    expect(runsAsPostgres(path.dirname(moved))).toBe(true);
    expect(await reachableDataDir({ uid: 0 }, wanted)).toBe(moved);
  });

  it("leaves a reachable folder where it is", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "open-project-"));
    made.push(dir);
    chmodSync(dir, 0o755);
    expect(await reachableDataDir({ uid: 0 }, path.join(dir, "postgres"))).toBe(path.join(dir, "postgres"));
  });
});
