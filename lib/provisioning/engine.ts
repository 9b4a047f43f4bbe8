import { AppError } from "@/lib/errors";
import { deriveNames } from "@/lib/environments/naming";
import { transitionEnvironment } from "@/lib/environments/transition";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { EngineEnvironment, StepOutput } from "./context";
import { chartVersionFor } from "@/lib/environments/catalog";
import { ChangeTargetSchema, readWhatIf } from "@/lib/environments/changes/what-if";
import { RestorePlanSchema, type RestorePlan } from "@/lib/environments/changes/restore";
import { readDeployed, type Deployed } from "./deployed";
import { runPlan, type EngineDeps } from "./runner";
import { airflowRoles } from "./steps/airflow-access";
import { beat, claimOperation, finishOperation, recordEvent, type ClaimedOperation } from "./store";

/** An UPDATE operation's approved change: the environment as it will be, and what its what-if found. */
async function approvedChange(db: PrismaClient, op: ClaimedOperation, chartBefore: string) {
  if (op.kind !== "UPDATE") return null;
  const row = await db.operation.findUniqueOrThrow({ where: { id: op.id }, select: { params: true, whatIf: true } });
  const target = ChangeTargetSchema.parse(row.params);
  const whatIf = readWhatIf(row.whatIf);
  const from = whatIf?.from.airflowVersion;
  const chartVersion = whatIf?.chartVersion ?? chartVersionFor(target.airflowVersion);
  const versionChanged = Boolean(from && from !== target.airflowVersion);
  return {
    target: {
      executor: target.executor,
      size: target.size,
      airflowVersion: target.airflowVersion,
      chartVersion,
      // Left out of the change: as it is.
      ...(target.dagSource !== undefined ? { dagSource: target.dagSource } : {}),
    },
    change: {
      operationId: op.id,
      disks: whatIf?.disks ?? [],
      // An Airflow or chart version change: the backup before it is the restore point.
      upgrade:
        versionChanged || chartVersion !== chartBefore
          ? { from: from ?? target.airflowVersion, to: target.airflowVersion, ...(chartVersion !== chartBefore ? { chart: { from: chartBefore, to: chartVersion } } : {}) }
          : null,
      ...(target.expiresOn !== undefined ? { expiresOn: target.expiresOn } : {}),
    },
  };
}

/** A RESTORE operation's approved plan: which server is restored, from which, to when. */
async function approvedRestore(db: PrismaClient, op: ClaimedOperation): Promise<RestorePlan | null> {
  if (op.kind !== "RESTORE") return null;
  const row = await db.operation.findUniqueOrThrow({ where: { id: op.id }, select: { params: true } });
  return RestorePlanSchema.parse(row.params);
}

async function loadEnvironment(db: PrismaClient, op: ClaimedOperation): Promise<EngineEnvironment> {
  const row = await db.environment.findUniqueOrThrow({
    where: { id: op.environmentId },
    include: { team: { select: { slug: true, name: true, entraGroupId: true } }, requestedBy: { select: { email: true, name: true } } },
  });
  const change = await approvedChange(db, op, row.chartVersion);
  const restore = await approvedRestore(db, op);
  return {
    id: row.id,
    name: row.name,
    names: deriveNames(row.name, row.nameSuffix, restore?.server ?? row.databaseServer),
    region: row.region,
    size: row.size,
    executor: row.executor,
    airflowVersion: row.airflowVersion,
    chartVersion: row.chartVersion,
    dagSource: row.dagRepoUrl ? { repoUrl: row.dagRepoUrl, branch: row.dagBranch ?? "main", subPath: row.dagSubPath } : null,
    team: row.team,
    requestedBy: row.requestedBy,
    ...(change ? { ...change.target, change: change.change } : {}),
    restore,
    previousDeployed: readDeployed(row.deployed),
  };
}

const RUNNING_STATUS = { PROVISION: "PROVISIONING", UPDATE: "UPDATING", STOP: "UPDATING", START: "UPDATING", TEARDOWN: "DELETING", RESTORE: "UPDATING" } as const;

/** Where each kind of operation may start from (a retry starts from FAILED). */
const ENTER_FROM = {
  PROVISION: ["APPROVED", "FAILED"],
  UPDATE: ["READY", "FAILED"],
  STOP: ["READY", "FAILED"],
  START: ["STOPPED", "FAILED"],
  TEARDOWN: ["READY", "FAILED", "STOPPED", "APPROVED"],
  RESTORE: ["FAILED"],
} as const;

/** The environment enters the operation's working state (a retry or takeover finds it there already). */
async function enterRunningState(db: PrismaClient, op: ClaimedOperation): Promise<void> {
  const to = RUNNING_STATUS[op.kind as keyof typeof RUNNING_STATUS];
  if (!to) throw new Error(`${op.kind} operations are not supported yet`);
  const env = await db.environment.findUniqueOrThrow({ where: { id: op.environmentId }, select: { status: true } });
  if (env.status === to) return;
  await db.$transaction((tx) =>
    transitionEnvironment(tx, {
      environmentId: op.environmentId,
      from: ENTER_FROM[op.kind],
      to,
      action: op.kind === "PROVISION" ? "environment.provisioning" : op.kind === "TEARDOWN" ? "environment.teardown-requested" : "environment.change-approved",
      actorId: null,
    }),
  );
}

function deployedFrom(outputs: Record<string, StepOutput>, config: EngineDeps["config"], env: EngineEnvironment): Deployed {
  const id = (key: string) => outputs[key]?.id as string | undefined;
  const resources: Record<string, string> = {};
  for (const [name, key] of [
    ["resourceGroup", "resource-group"],
    ["virtualNetwork", "spoke-network"],
    ["hubPeering", "hub-peering"],
    ["privateDnsZone", "database-dns"],
    ["cluster", "cluster"],
    ["postgresServer", "database-server"],
    ["database", "database"],
    ["firewallRule", "database-firewall"],
    ["fluxExtension", "flux-extension"],
    ["identity", "workload-identity"],
    ["storageAccount", "task-log-storage"],
  ] as const) {
    const value = id(key);
    if (value) resources[name] = value;
  }
  const helm = outputs["helm-release"] ?? {};
  const identity = outputs["workload-identity"];
  const logs = outputs["task-log-storage"];
  return {
    appliedAt: new Date().toISOString(),
    chartVersion: String(helm.chartVersion ?? ""),
    helmValues: (helm.helmValues as Record<string, unknown>) ?? {},
    ...(helm.release ? { release: helm.release as Deployed["release"] } : {}),
    resources,
    ...(identity?.clientId ? { identity: { clientId: String(identity.clientId), principalId: String(identity.principalId ?? "") } } : {}),
    ...(logs?.blobEndpoint && identity?.tenantId
      ? { taskLogs: { account: String(logs.account), blobEndpoint: String(logs.blobEndpoint), container: String(logs.container), tenantId: String(identity.tenantId) } }
      : {}),
    airflowUrl: (outputs["airflow-health"]?.url as string | undefined) ?? null,
    exposure: config.airflowAccess ? "ingress" : config.airflowExposure,
    ...(outputs["spoke-network"]
      ? { network: { hub: String(outputs["hub-peering"]?.hub ?? ""), addressPrefix: String(outputs["spoke-network"].addressPrefix ?? "") } }
      : {}),
    access: config.airflowAccess
      ? {
          url: String(outputs["airflow-health"]?.url ?? ""),
          roles: airflowRoles(config.airflowAccess, env.team),
          certificateExpiresAt: (outputs["airflow-health"]?.certificateExpiresAt as string | null | undefined) ?? null,
          redirectUri: String(outputs["sign-in-redirect"]?.redirectUri ?? ""),
        }
      : null,
  };
}

const pick = (resources: Record<string, string>, keys: string[]) => Object.fromEntries(Object.entries(resources).filter(([key]) => keys.includes(key)));

/** The resources recorded after a restore: the restored server and its firewall rule in place of the old ones. */
function restoredResources(outputs: Record<string, StepOutput>, before: Record<string, string>): Record<string, string> {
  const resources = { ...before };
  const server = outputs["restore-database"]?.id;
  if (typeof server === "string") {
    resources.postgresServer = server;
    resources.database = `${server}/databases/${before.database?.split("/").pop() ?? "airflow"}`;
  }
  const rule = outputs["database-firewall"]?.id;
  if (typeof rule === "string") resources.firewallRule = rule;
  else delete resources.firewallRule;
  return resources;
}

async function settleEnvironment(tx: Prisma.TransactionClient, op: ClaimedOperation, env: EngineEnvironment, result: { ok: true; outputs: Record<string, StepOutput> } | { ok: false; error: string }, deps: EngineDeps) {
  if (!result.ok) {
    await transitionEnvironment(tx, { environmentId: op.environmentId, from: ["PROVISIONING", "UPDATING", "DELETING"], to: "FAILED", action: "environment.failed", actorId: null, reason: result.error.slice(0, 1000) });
    return;
  }
  if (op.kind === "PROVISION") {
    const deployed = deployedFrom(result.outputs, deps.config, env);
    await transitionEnvironment(tx, {
      environmentId: op.environmentId,
      from: ["PROVISIONING"],
      to: "READY",
      action: "environment.ready",
      actorId: null,
      details: { airflowUrl: deployed.airflowUrl, chartVersion: deployed.chartVersion },
      data: { airflowUrl: deployed.airflowUrl, deployed: deployed as unknown as Prisma.InputJsonValue, health: "healthy", healthCheckedAt: new Date(), drift: Prisma.DbNull },
    });
  } else if (op.kind === "STOP") {
    await transitionEnvironment(tx, { environmentId: op.environmentId, from: ["UPDATING"], to: "STOPPED", action: "environment.stopped", actorId: null, details: { operationId: op.id }, data: { health: null, healthCheckedAt: null } });
  } else if (op.kind === "START") {
    await transitionEnvironment(tx, { environmentId: op.environmentId, from: ["UPDATING"], to: "READY", action: "environment.started", actorId: null, details: { operationId: op.id }, data: { health: "healthy", healthCheckedAt: new Date(), drift: Prisma.DbNull } });
  } else if (op.kind === "UPDATE" || op.kind === "RESTORE") {
    // What was there stays recorded (resource ids, the network); the release is the one just applied,
    // and after a restore the server is the restored one.
    const applied = deployedFrom(result.outputs, deps.config, env);
    const before = env.previousDeployed;
    const restored = env.restore ? restoredResources(result.outputs, before?.resources ?? {}) : null;
    const deployed = before
      ? {
          ...before,
          appliedAt: applied.appliedAt,
          chartVersion: applied.chartVersion,
          helmValues: applied.helmValues,
          release: applied.release,
          airflowUrl: applied.airflowUrl ?? before.airflowUrl,
          // What a change added to an environment built before it existed: the identity, the task logs' account.
          ...(applied.identity ? { identity: applied.identity } : {}),
          ...(applied.taskLogs ? { taskLogs: applied.taskLogs } : {}),
          resources: { ...(restored ?? before.resources), ...pick(applied.resources, ["identity", "storageAccount"]) },
        }
      : applied;
    await transitionEnvironment(tx, {
      environmentId: op.environmentId,
      from: ["UPDATING"],
      to: "READY",
      action: env.restore ? "environment.restored" : "environment.updated",
      actorId: null,
      details: { operationId: op.id, executor: env.executor, size: env.size, airflowVersion: env.airflowVersion, chartVersion: env.chartVersion, ...(env.restore ? { server: env.restore.server, from: env.restore.sourceServer, pointInTime: env.restore.pointInTime } : {}) },
      // What was found to differ is looked at again against what was just applied.
      data: {
        executor: env.executor,
        size: env.size,
        airflowVersion: env.airflowVersion,
        chartVersion: env.chartVersion,
        airflowUrl: deployed.airflowUrl,
        deployed: deployed as unknown as Prisma.InputJsonValue,
        health: "healthy",
        healthCheckedAt: new Date(),
        drift: Prisma.DbNull,
        dagRepoUrl: env.dagSource?.repoUrl ?? null,
        dagBranch: env.dagSource?.branch ?? null,
        dagSubPath: env.dagSource?.subPath ?? null,
        ...(env.change?.expiresOn !== undefined ? { expiresAt: env.change.expiresOn ? new Date(`${env.change.expiresOn}T00:00:00Z`) : null } : {}),
        ...(env.restore ? { databaseServer: env.restore.server } : {}),
      },
    });
  } else {
    await transitionEnvironment(tx, {
      environmentId: op.environmentId,
      from: ["DELETING"],
      to: "DELETED",
      action: "environment.deleted",
      actorId: null,
      data: { airflowUrl: null, health: null, healthCheckedAt: null },
    });
  }
}

/**
 * Takes one operation from delivery to its end: claim it (or take it over from a stalled worker),
 * keep a heartbeat, run its plan, then record the outcome with the environment's new status.
 * Returns quietly when another worker has it; a lost claim stops the work at once.
 */
export async function processOperation(deps: EngineDeps, operationId: string, stopSignal: AbortSignal): Promise<"done" | "not-claimed" | "lost"> {
  const op = await claimOperation(deps.db, operationId, deps.workerId, deps.config.worker.staleAfterMs);
  if (!op) return "not-claimed";
  const controller = new AbortController();
  const abort = () => controller.abort(stopSignal.reason);
  stopSignal.addEventListener("abort", abort, { once: true });
  const heartbeat = setInterval(() => {
    beat(deps.db, op.id, deps.workerId).then(
      (mine) => mine || controller.abort(new Error("The operation was taken over by another worker")),
      () => undefined, // a missed beat is retried at the next tick; staleness is judged by time
    );
  }, deps.config.worker.heartbeatMs);
  try {
    await recordEvent(deps.db, op.id, null, "status", "RUNNING");
    if (op.takenOverFrom) await recordEvent(deps.db, op.id, null, "warn", `Worker ${op.takenOverFrom} stopped responding; ${deps.workerId} resumes its work`);
    try {
      await enterRunningState(deps.db, op);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await finishOperation(deps.db, op.id, deps.workerId, { ok: false, error: error.userMessage }, async () => {});
      return "done";
    }
    const env = await loadEnvironment(deps.db, op);
    const result = await runPlan(deps, op, env, controller.signal);
    if (result.ok === "lost") return "lost";
    const finished = await finishOperation(deps.db, op.id, deps.workerId, result.ok ? { ok: true } : result, (tx) => settleEnvironment(tx, op, env, result, deps));
    return finished ? "done" : "lost";
  } finally {
    clearInterval(heartbeat);
    stopSignal.removeEventListener("abort", abort);
  }
}
