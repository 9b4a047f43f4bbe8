import { readdirSync, readFileSync } from "node:fs";

/** CPU time (user + system, ms) of a process and all its descendants, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    const fields = statFields(p);
    if (fields) total += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  }
  return total;
}

/** Resident memory (MB) of a process and its descendants. */
export function rssMb(pid: number): number {
  let kb = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (match) kb += Number(match[1]);
    } catch {
      // Gone meanwhile.
    }
  }
  return Math.round(kb / 1024);
}

/** Fields after the command name in /proc/<pid>/stat (field 3 onwards; utime is index 11, stime 12). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (!fields) continue;
    const ppid = Number(fields[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}
