import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function minorOf(bin: string): number | undefined {
  try {
    const out = execFileSync(bin, ["version", "--client", "-o", "json"], { encoding: "utf8", timeout: 15_000, stdio: ["ignore", "pipe", "ignore"] });
    return Number((JSON.parse(out) as { clientVersion: { minor: string } }).clientVersion.minor.replace(/\D/g, ""));
  } catch {
    return undefined;
  }
}

/**
 * Every distinct kubectl minor version on this machine: KUBECTL, Debian's 1.20 that scripts/test.ts
 * unpacks into .cache, and kubectl on PATH (1.32 on some machines). Old and new clients differ in
 * how they watch, wait and diff, so each behaviour is tried with each.
 */
export function kubectls(): { bin: string; minor: number }[] {
  const candidates = [process.env.KUBECTL, path.join(repoRoot, ".cache/kubernetes-client/usr/bin/kubectl"), "kubectl"].filter((c): c is string => Boolean(c) && (c === "kubectl" || existsSync(c as string)));
  const found = new Map<number, string>();
  for (const bin of candidates) {
    const minor = minorOf(bin);
    if (minor !== undefined && !found.has(minor)) found.set(minor, bin);
  }
  return [...found].map(([minor, bin]) => ({ bin, minor }));
}
