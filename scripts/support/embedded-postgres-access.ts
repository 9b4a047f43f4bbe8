import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { chmod, mkdir, rename, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/** Where the server user's reach ends, when the server runs as another user than the caller (root). */
export type Binaries = { initdb: string; postgres: string };

const USER = "postgres";
const run = promisify(execFile);

/** Whether the server user can reach `target` (every folder above it must let it through). */
async function reachableBy(user: string, target: string, test: "-x" | "-w"): Promise<boolean> {
  try {
    await run("runuser", ["-u", user, "--", "test", test, target]);
    return true;
  } catch {
    return false;
  }
}

/**
 * As root the server runs as another user, who may not reach the project's node_modules (a clone
 * under /root or a private temporary folder). Then the binaries are copied once to a shared
 * folder that user can reach, keyed by the package's version.
 */
export async function binariesFor(user: { uid: number } | undefined, bin: Binaries): Promise<Binaries> {
  if (!user || (await reachableBy(USER, bin.initdb, "-x"))) return bin;
  const native = path.dirname(path.dirname(bin.initdb));
  const version = JSON.parse(readFileSync(path.join(native, "..", "package.json"), "utf8")).version as string;
  const shared = path.join(tmpdir(), `airflow-portal-postgres-${version}-${process.platform}-${process.arch}`);
  if (!existsSync(path.join(shared, "complete"))) {
    const staging = `${shared}.${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await run("cp", ["-a", native, staging]);
    await run("chmod", ["-R", "a+rX", staging]);
    writeFileSync(path.join(staging, "complete"), version);
    await rm(shared, { recursive: true, force: true });
    await rename(staging, shared);
  }
  const relocate = (file: string) => path.join(shared, path.relative(native, file));
  return { initdb: relocate(bin.initdb), postgres: relocate(bin.postgres) };
}

/**
 * A persistent data folder the server user cannot reach (a project under /root) moves to
 * /var/tmp, one folder per project path, so data still survives restarts.
 */
export async function reachableDataDir(user: { uid: number } | undefined, dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  if (!user || (await reachableBy(USER, path.dirname(dataDir), "-x"))) return dataDir;
  const key = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  const moved = path.join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), `airflow-portal-${key}`, path.basename(dataDir));
  await rmdir(dataDir).catch(() => undefined); // only if it is the empty folder just made
  await mkdir(moved, { recursive: true });
  await chmod(path.dirname(moved), 0o755);
  console.log(`[postgres] ${dataDir} is out of reach of user ${USER}; the data lives in ${moved} instead`);
  return moved;
}

