import { spawn, type ChildProcess } from "node:child_process";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

export interface Started {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a long-running child whose PID is the server's own (no shell, no npx wrapper), so it
 * can be stopped by that PID. Output is prefixed so interleaved logs stay readable; a quiet
 * child's recent output is printed only if it fails.
 */
export function startProcess(
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { quiet?: boolean } = {},
): Started {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const recent: string[] = [];
  const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    const text = chunk
      .toString()
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => `[${label}] ${l}\n`)
      .join("");
    recent.push(text);
    if (recent.length > 80) recent.shift();
    if (!options.quiet) stream.write(text);
  };
  child.stdout!.on("data", onData(process.stdout));
  child.stderr!.on("data", onData(process.stderr));
  let stopping = false;
  child.on("exit", (code) => {
    if (!stopping && code !== 0) {
      if (options.quiet) process.stderr.write(recent.join(""));
      process.stderr.write(`[${label}] exited with code ${code}\n`);
    }
  });
  return {
    child,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
      if (timedOut) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Polls a URL until it answers with a status below 500, trusting `ca` for https. */
export async function waitForUrl(
  url: string,
  options: { ca?: string; timeoutMs?: number; child?: ChildProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (options.child && options.child.exitCode !== null) {
      throw new Error(`The process serving ${url} exited with code ${options.child.exitCode}`);
    }
    try {
      const status = await probe(url, options.ca);
      if (status < 500) return;
      lastError = new Error(`HTTP ${status}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer in time: ${String(lastError)}`);
}

function probe(url: string, ca?: string): Promise<number> {
  if (url.startsWith("http://")) return fetch(url, { redirect: "manual" }).then((r) => r.status);
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.setTimeout(5_000, () => req.destroy(new Error("timeout")));
  });
}
