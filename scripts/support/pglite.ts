import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * The embedded database for `npm run dev`: PGlite (PostgreSQL compiled to WebAssembly) served
 * over the PostgreSQL wire protocol, so the portal, Prisma and the job queue connect with an
 * ordinary postgresql:// URL exactly as they would to a real server.
 *
 * Limits worth knowing: PGlite is a single backend, so transactions from different connections
 * run one after another (a transaction that waits on another connection's transaction never
 * finishes), and session state such as advisory locks is shared by all connections.
 */
export type PgliteServer = { url: string; port: number; stop(): Promise<void> };

export type StartPgliteOptions = {
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** PGlite's server accepts one connection by default; the portal's pools need many. */
  maxConnections?: number;
};

export async function startPglite(options: StartPgliteOptions): Promise<PgliteServer> {
  const { dataDir, port = 0, host = "127.0.0.1", maxConnections = 200 } = options;
  await mkdir(dirname(dataDir), { recursive: true });
  const lockFile = `${dataDir}.lock`;
  await claimDataDir(dataDir, lockFile);

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create({ dataDir });
    server = new PGLiteSocketServer({ db, port, host, maxConnections });
    await server.start();
  } catch (error) {
    await db?.close().catch(() => {});
    await rm(lockFile, { force: true });
    throw error;
  }

  // The server resolves port 0 to the real one only in its connection string.
  const actualPort = Number(server.getServerConn().split(":").pop());
  const running = { server, db };
  let stopping: Promise<void> | undefined;
  return {
    url: `postgresql://postgres@${host}:${actualPort}/postgres`,
    port: actualPort,
    stop: () => {
      stopping ??= (async () => {
        await running.server.stop();
        await running.db.close();
        await rm(lockFile, { force: true });
      })();
      return stopping;
    },
  };
}

/**
 * Two processes opening one PGlite data folder overwrite each other's writes without an error,
 * so the folder is claimed with a lock file naming the serving process (created exclusively, so
 * two starters cannot both win; a lock left by a dead process is taken over).
 */
async function claimDataDir(dataDir: string, lockFile: string): Promise<void> {
  try {
    await writeFile(lockFile, String(process.pid), { flag: "wx" });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const holder = Number(await readFile(lockFile, "utf8").catch(() => ""));
  if (holder && isAlive(holder)) {
    throw new Error(
      `The embedded database in ${dataDir} is already served by process ${holder}; stop that first (or delete ${lockFile} if that process is not a database server).`,
    );
  }
  await writeFile(lockFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
