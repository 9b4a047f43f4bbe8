import https from "node:https";
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DEFAULT_CATALOG } from "@/lib/environments/catalog";
import { approveRequest } from "@/lib/environments/decide-request";
import { requestEnvironment } from "@/lib/environments/request-environment";
import type { CurrentUser } from "@/lib/users/resolve-user";
import { percentile } from "./load";

export type Latencies = Record<string, number>;

/**
 * The critical path of a PROVISION run through the emulated cloud: the longest chain of the plan's
 * steps (lib/provisioning/plan.ts) weighted by the emulator's latencies, i.e. the time a run would
 * take with no overhead at all: resource group, then the slower of cluster + Flux extension,
 * server + database, and both + firewall rule, then the Helm release becoming ready.
 */
export function criticalPathMs(l: Latencies): number {
  const cluster = l.resourceGroup! + l.managedCluster!;
  const server = l.resourceGroup! + l.postgresServer!;
  const secretsReady = Math.max(cluster, server + l.postgresDatabase!, Math.max(cluster, server) + l.firewallRule!);
  const releaseStarts = Math.max(secretsReady, cluster + l.extension!);
  return releaseStarts + l.helmRelease!;
}

export async function emulatorState(url: string, caPath: string): Promise<{ latencies: Latencies; counts: Record<string, { created: number; puts: number; deletes: number }> }> {
  const ca = readFileSync(caPath, "utf8");
  return new Promise((resolve, reject) => {
    https
      .get(`${url}/_emulator/state`, { ca }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => {
          try {
            resolve(JSON.parse(body));
          } catch (error) {
            reject(error);
          }
        });
      })
      .on("error", reject);
  });
}

interface RunTiming {
  name: string;
  status: string;
  approvedAt: number;
  firstStepAt: number | null;
  readyAt: number | null;
}

/** Requests and approves `count` environments at once, then waits for each to be READY or FAILED. */
export async function provisionAtOnce(
  db: PrismaClient,
  people: { requester: CurrentUser; admin: CurrentUser },
  prefix: string,
  count: number,
  timeoutMs: number,
): Promise<RunTiming[]> {
  const ids: { id: string; name: string }[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${String(i).padStart(2, "0")}`;
    const { id } = await requestEnvironment(db, people.requester, {
      name,
      team: "analytics",
      purpose: "Bench: time to a working Airflow",
      region: DEFAULT_CATALOG.regions[0],
      size: "small",
      executor: "KubernetesExecutor",
      airflowVersion: DEFAULT_CATALOG.airflowVersions[0],
    }, DEFAULT_CATALOG);
    ids.push({ id, name });
  }
  const approvedAt = Date.now();
  await Promise.all(ids.map(({ id }) => approveRequest(db, people.admin, id)));
  const deadline = approvedAt + timeoutMs;
  for (;;) {
    const rows = await db.environment.findMany({ where: { id: { in: ids.map((e) => e.id) } }, select: { status: true } });
    if (rows.every((r) => r.status === "READY" || r.status === "FAILED") || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const environments = await db.environment.findMany({
    where: { id: { in: ids.map((e) => e.id) } },
    select: {
      name: true,
      status: true,
      operations: { select: { createdAt: true, finishedAt: true, status: true, steps: { select: { startedAt: true } } } },
    },
  });
  return environments.map((env) => {
    const op = env.operations[0];
    const starts = (op?.steps ?? []).map((s) => s.startedAt?.getTime()).filter((t): t is number => t !== undefined);
    return {
      name: env.name,
      status: env.status,
      approvedAt: op?.createdAt.getTime() ?? approvedAt,
      firstStepAt: starts.length ? Math.min(...starts) : null,
      readyAt: env.status === "READY" && op?.finishedAt ? op.finishedAt.getTime() : null,
    };
  });
}

export function summariseRuns(runs: RunTiming[]) {
  const toFirst = runs.filter((r) => r.firstStepAt !== null).map((r) => r.firstStepAt! - r.approvedAt).sort((a, b) => a - b);
  const toReady = runs.filter((r) => r.readyAt !== null).map((r) => r.readyAt! - r.approvedAt).sort((a, b) => a - b);
  return {
    runs: runs.length,
    ready: runs.filter((r) => r.status === "READY").length,
    approveToFirstArmMs: { p50: percentile(toFirst, 50), p95: percentile(toFirst, 95) },
    timeToReadyMs: { p50: percentile(toReady, 50), p95: percentile(toReady, 95), max: toReady.at(-1) ?? 0 },
    /** From the first approval to the last READY. */
    totalMs: toReady.length ? Math.max(...runs.map((r) => r.readyAt ?? 0)) - Math.min(...runs.map((r) => r.approvedAt)) : 0,
  };
}
