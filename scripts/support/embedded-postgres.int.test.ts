import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { createDatabase, dropDatabase } from "./postgres";

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Gone, or a zombie: an orphaned server's exit status is collected by init a moment after it exits. */
async function isGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "State:\tX");
    if (/^State:\s+[ZX]/m.test(status)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The OS user a process runs as: PostgreSQL refuses root, so as root the server must have dropped to another. */
async function uidOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^Uid:\s+(\d+)/m.exec(status)![1]);
}

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe("startEmbeddedPostgres", () => {
  it("starts a private server on loopback and a free port, creates databases on it, and leaves nothing behind", async () => {
    const server = await startEmbeddedPostgres();
    const [settings] = await query<Record<string, string>>(
      server.url,
      `SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets,
              current_setting('max_connections') AS max, current_setting('fsync') AS fsync, version() AS version`,
    );
    expect(settings).toMatchObject({ listen: "127.0.0.1", sockets: "", max: "200", fsync: "off" });
    expect(settings!.version).toMatch(/^PostgreSQL 17\./);
    expect(server.url).toBe(`postgresql://postgres@127.0.0.1:${server.port}/postgres`);
    if (process.getuid?.() === 0) expect(await uidOf(server.pid)).not.toBe(0);

    const url = await createDatabase(server.url, "scratch");
    expect((await query<{ db: string }>(url, "SELECT current_database() AS db"))[0]!.db).toBe("scratch");
    await dropDatabase(server.url, "scratch");
    expect(await query(server.url, "SELECT 1 FROM pg_database WHERE datname = 'scratch'")).toEqual([]);

    await server.stop();
    expect(await isGone(server.pid)).toBe(true);
    expect(await portAcceptsConnections(server.port)).toBe(false);
    expect(existsSync(path.dirname(server.dataDir))).toBe(false);
  });

  it("keeps a persistent folder's data across restarts and refuses a second server on it", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "portal-postgres-test-"));
    roots.push(root);
    await chmod(root, 0o755); // as root, the server's own user has to reach the folder inside
    const dataDir = path.join(root, "postgres");

    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    expect((await query<{ fsync: string }>(first.url, "SELECT current_setting('fsync') AS fsync"))[0]!.fsync).toBe("on");
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
      new RegExp(`already running on .*\\(process ${first.pid}, port ${first.port}\\)`),
    );
    await first.stop();
    expect(await portAcceptsConnections(first.port)).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(await query(second.url, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
    } finally {
      await second.stop();
    }
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
  });

  it("stops the server of a run that exits without stopping it", async () => {
    // A separate Node process starts a temporary server and exits at once, as a crashed test run would.
    const modulePath = path.join(import.meta.dirname, "embedded-postgres.ts");
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(modulePath)};
      const s = await startEmbeddedPostgres();
      console.log(JSON.stringify({ pid: s.pid, port: s.port, dataDir: s.dataDir }));
      process.exit(3);`;
    let output = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      expect(e.status, e.stderr).toBe(3);
      output = e.stdout;
    }
    const left = JSON.parse(output.trim().split("\n").pop()!) as { pid: number; port: number; dataDir: string };
    expect(await isGone(left.pid)).toBe(true);
    expect(existsSync(path.dirname(left.dataDir))).toBe(false);
    expect(await portAcceptsConnections(left.port)).toBe(false);
  });

  it("rejects database names that would need quoting", async () => {
    await expect(createDatabase("postgresql://postgres@127.0.0.1:1/postgres", 'x"; DROP')).rejects.toThrow(/Not a safe database name/);
  });
});
