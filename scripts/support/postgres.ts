import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { chown, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./ports";

/**
 * A throwaway PostgreSQL server for integration tests: its own data folder, trust auth on
 * loopback only, a free port. Several runs (and other projects) can share the machine.
 */
export type PostgresServer = {
  /** Admin URL of the `postgres` database (user `postgres`, no password: trust auth on loopback). */
  url: string;
  port: number;
  stop(): Promise<void>;
};

const run = promisify(execFile);
const SERVER_USER = "postgres";
const INSTALL_HINT = "Install the PostgreSQL server: apt-get install -y postgresql";

/** Newest `/usr/lib/postgresql/<major>/bin` that has a server; Debian installs majors side by side. */
export function findPostgresBinaries(root = "/usr/lib/postgresql"): string {
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const bin = join(root, major, "bin");
    if (["initdb", "pg_ctl", "postgres"].every((tool) => existsSync(join(bin, tool)))) return bin;
  }
  throw new Error(`PostgreSQL server binaries not found under ${root}. ${INSTALL_HINT}`);
}

/**
 * PostgreSQL refuses to start as root, so as root every server command runs as the unprivileged
 * `postgres` user that the Debian package creates.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", SERVER_USER], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", SERVER_USER], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`Running as root, and PostgreSQL will not run as root: no '${SERVER_USER}' user to run it as. ${INSTALL_HINT}`);
  }
}

function asServerUser(command: string, args: string[], asUser: boolean): [string, string[]] {
  return asUser ? ["runuser", ["-u", SERVER_USER, "--", command, ...args]] : [command, args];
}

async function runTool(command: string, args: string[], asUser: boolean, what: string): Promise<void> {
  const [file, argv] = asServerUser(command, args, asUser);
  try {
    await run(file, argv, { env: { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" } });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${what} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** Starts a fresh server; `dir` (kept afterwards) or a temporary folder (removed on stop). */
export async function startPostgres(options: { dir?: string } = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  const user = serverUser();
  const ownsDir = !options.dir;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "portal-postgres-")));
  const dataDir = join(dir, "data");
  await mkdir(dir, { recursive: true });
  if (user) await chown(dir, user.uid, user.gid);

  const stopped = { value: false };
  const pgCtl = join(bin, "pg_ctl");
  // A crashed test run must not leave a server behind; exit handlers can only run sync code.
  const stopSync = () => {
    if (stopped.value) return;
    stopped.value = true;
    const [file, argv] = asServerUser(pgCtl, ["stop", "-D", dataDir, "-m", "immediate", "-w"], Boolean(user));
    try {
      execFileSync(file, argv, { stdio: "ignore" });
    } catch {
      // Already gone.
    }
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await runTool(
      join(bin, "initdb"),
      ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
      Boolean(user),
      "initdb",
    );
    const port = await freePort();
    // Durability settings are off: the data is thrown away and tests run much faster without fsync.
    const serverOptions = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    process.once("exit", stopSync);
    await runTool(pgCtl, ["start", "-D", dataDir, "-w", "-t", "30", "-l", join(dir, "server.log"), "-o", serverOptions], Boolean(user), "pg_ctl start");
    const pid = Number((await readFile(join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;

    return {
      url,
      port,
      async stop() {
        if (stopped.value) return;
        stopped.value = true;
        process.removeListener("exit", stopSync);
        // pg_ctl stops the postmaster recorded in this data folder's postmaster.pid: ours, by PID.
        await runTool(pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w"], Boolean(user), `pg_ctl stop (pid ${pid})`);
        if (ownsDir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stopSync();
    process.removeListener("exit", stopSync);
    throw error;
  }
}

/** Creates database `name` on the server behind `url` and returns that database's URL. */
export async function createDatabase(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/** Drops database `name` even while clients are still connected (PostgreSQL 13+). */
export async function dropDatabase(url: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
