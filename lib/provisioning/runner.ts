import type { TokenCredential } from "@azure/core-auth";
import type { ArmClients } from "@/lib/azure/clients";
import { CloudError, toCloudError, withRetry } from "@/lib/azure/errors";
import type { EngineConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { EngineEnvironment, StepContext, StepOutput } from "./context";
import { planFor, type PlannedStep } from "./plan";
import { STEP_RUNS } from "./steps";
import { finishStep, loadSteps, recordEvent, startStep, type ClaimedOperation } from "./store";

export interface EngineDeps {
  db: PrismaClient;
  config: EngineConfig;
  arm: ArmClients;
  credential: TokenCredential;
  workerId: string;
}

const done = (status: string | undefined) => status === "SUCCEEDED" || status === "SKIPPED";

const SKIP_REASONS: Record<NonNullable<PlannedStep["only"]>, string> = {
  https: "Skipped: no Airflow domain is configured (PORTAL_AIRFLOW_DOMAIN), so the UI stays behind its load balancer",
  "platform-network": "Skipped: no platform network is configured (PORTAL_HUB_VNET_ID), so AKS makes the cluster's network",
  "public-database": "Skipped: the database has private access in the environment's network; it has no firewall rules",
};

/** Whether a step's condition holds under this configuration. */
export function applies(step: PlannedStep, config: EngineConfig): boolean {
  switch (step.only) {
    case undefined:
      return true;
    case "https":
      return config.airflowAccess !== null;
    case "platform-network":
      return config.platformNetwork !== null;
    case "public-database":
      return config.platformNetwork === null;
  }
}

export type RunResult = { ok: true; outputs: Record<string, StepOutput> } | { ok: false; error: string } | { ok: "lost" };

/**
 * Runs an operation's plan: finished steps are skipped (their outputs feed later steps), every
 * step whose dependencies have succeeded starts at once, so independent cloud work overlaps. The
 * first permanent failure lets running steps finish, starts nothing new, and fails the run.
 */
export async function runPlan(deps: EngineDeps, op: ClaimedOperation, env: EngineEnvironment, signal: AbortSignal): Promise<RunResult> {
  const plan = planFor(op.kind);
  const rows = new Map((await loadSteps(deps.db, op.id, plan)).map((r) => [r.key, r]));
  const outputs: Record<string, StepOutput> = {};
  for (const row of rows.values()) if (row.status === "SUCCEEDED" && row.output) outputs[row.key] = row.output;
  // Succeeded before, checked again now: pending for this run, its earlier output kept meanwhile.
  const rechecks = new Set(plan.filter((s) => s.recheck && rows.get(s.key)?.status === "SUCCEEDED").map((s) => s.key));
  for (const key of rechecks) rows.get(key)!.status = "PENDING";
  const memory = new Map<string, string>();
  const running = new Map<string, Promise<void>>();
  let failure: string | null = null;
  let lost = false;

  const ready = (step: PlannedStep) => {
    const row = rows.get(step.key)!;
    return row.status !== "SUCCEEDED" && row.status !== "SKIPPED" && !running.has(step.key) && step.dependsOn.every((d) => done(rows.get(d)?.status));
  };

  const skip = (step: PlannedStep) => {
    const task = (async () => {
      if (!(await finishStep(deps.db, op.id, deps.workerId, step.key, { ok: "skipped", reason: SKIP_REASONS[step.only!] }))) lost = true;
      rows.get(step.key)!.status = "SKIPPED";
    })().finally(() => running.delete(step.key));
    running.set(step.key, task);
  };

  const launch = (step: PlannedStep) => {
    const row = rows.get(step.key)!;
    const task = (async () => {
      if (!(await startStep(deps.db, op.id, deps.workerId, step.key))) {
        lost = true;
        return;
      }
      if (rechecks.has(step.key)) {
        const message = `Checking again (attempt ${row.attempts + 1}): the cloud may have changed since`;
        await recordEvent(deps.db, op.id, step.key, "info", message);
      } else if (row.status === "RUNNING" || row.attempts > 0) {
        await recordEvent(deps.db, op.id, step.key, "info", `Resuming (attempt ${row.attempts + 1}); what already exists is kept`);
      }
      row.status = "RUNNING";
      try {
        const output = await STEP_RUNS[step.key]!(stepContext(deps, op, env, step.key, outputs, memory, signal, row.attempts + 1));
        if (!(await finishStep(deps.db, op.id, deps.workerId, step.key, { ok: true, output }))) lost = true;
        outputs[step.key] = output;
        row.status = "SUCCEEDED";
      } catch (raw) {
        if (signal.aborted) {
          lost = true;
          return;
        }
        const error = toCloudError(raw);
        row.status = "FAILED";
        failure ??= error.display;
        if (!(await finishStep(deps.db, op.id, deps.workerId, step.key, { ok: false, error: error.display }))) lost = true;
      }
    })().finally(() => running.delete(step.key));
    running.set(step.key, task);
  };

  for (;;) {
    if (!failure && !lost && !signal.aborted) for (const step of plan) if (ready(step)) (applies(step, deps.config) ? launch : skip)(step);
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (lost || signal.aborted) return { ok: "lost" };
  if (failure) return { ok: false, error: failure };
  const unfinished = plan.filter((s) => !done(rows.get(s.key)?.status));
  if (unfinished.length > 0) return { ok: false, error: `Steps could not start: ${unfinished.map((s) => s.key).join(", ")}` };
  return { ok: true, outputs };
}

function stepContext(
  deps: EngineDeps,
  op: ClaimedOperation,
  env: EngineEnvironment,
  key: string,
  outputs: Record<string, StepOutput>,
  memory: Map<string, string>,
  signal: AbortSignal,
  attempt: number,
): StepContext {
  const log: StepContext["log"] = async (message, level = "info") => {
    await recordEvent(deps.db, op.id, key, level, message);
  };
  return {
    env,
    config: deps.config,
    arm: deps.arm,
    credential: deps.credential,
    db: deps.db,
    outputs,
    memory,
    signal,
    attempt,
    log,
    exclusive: (name, work) =>
      deps.db.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`airflow-portal:${name}`}))`;
          return work();
        },
        { maxWait: 60_000, timeout: 10 * 60_000 },
      ),
    retry: (work) =>
      withRetry(work, {
        signal,
        attempts: 10,
        onRetry: (error: CloudError, attempt, delayMs) =>
          log(`${error.display} — retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`, "warn"),
      }),
  };
}

