import type { RenderedHook } from "@/lib/helm/render";
import type { Json } from "../store.js";
import { HelmError, multiError, type Built, type HelmClient } from "./helm-client.js";
import type { HelmLog } from "./helm-log.js";
import { formatGoDuration } from "./timing.js";

export interface HookRun {
  client: HelmClient;
  log: HelmLog;
  timeoutMs: number;
  shownTimeoutMs: number;
  pollMs: number;
  /** Lets the cluster's controllers act on what was just created before the first look. */
  settle: () => void;
  cancelled: () => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * kube.Client.WatchUntilReady for one hook: a Job until it completes or fails, a Pod until it
 * succeeds or fails, anything else at once. Its errors come wrapped as Helm's perform wraps them.
 */
async function watchUntilReady(run: HookRun, b: Built): Promise<string | undefined> {
  if (b.t.kind !== "Job" && b.t.kind !== "Pod") return undefined;
  run.log.log(`Watching for changes to ${b.t.kind} ${b.name} with timeout of ${formatGoDuration(run.shownTimeoutMs)}`);
  const deadline = Date.now() + run.timeoutMs;
  for (;;) {
    run.settle();
    const obj = run.client.read(b);
    if (!obj) return undefined;
    const status = (obj.status ?? {}) as Json;
    if (b.t.kind === "Job") {
      const conditions = ((status.conditions ?? []) as Json[]).filter((c) => c.status === "True");
      if (conditions.some((c) => c.type === "Complete")) return undefined;
      const failed = conditions.find((c) => c.type === "Failed");
      if (failed) return multiError([`job ${b.name} failed: ${String(failed.reason)}`]);
      const n = (k: string) => Number(status[k] ?? 0);
      const counts = `Jobs active: ${n("active")}, jobs failed: ${n("failed")}, jobs succeeded: ${n("succeeded")}`;
      run.log.log(`${b.name}: ${counts}`);
    } else {
      if (status.phase === "Succeeded") return undefined;
      if (status.phase === "Failed") return multiError([`pod ${b.name} failed`]);
      run.log.log(`Pod ${b.name} ${String(status.phase ?? "Pending").toLowerCase()}`);
    }
    if (run.cancelled()) return multiError(["context canceled"]);
    if (Date.now() >= deadline) return multiError(["timed out waiting for the condition"]);
    await sleep(Math.min(run.pollMs, Math.max(0, deadline - Date.now())));
  }
}

function deleteHook(run: HookRun, b: Built) {
  const existing = run.client.read(b);
  if (!existing) return;
  run.log.log(`Starting delete for "${b.name}" ${b.t.kind}`);
  run.client.delete(b.t, existing);
}

/**
 * Helm's execHook: the event's hooks by weight, each first deleted when its policy says
 * before-hook-creation (the default), created, watched until ready; deleted afterwards on
 * hook-succeeded or hook-failed. Resolves to Helm's error, or undefined.
 */
export async function runHooks(run: HookRun, hooks: RenderedHook[], event: string): Promise<string | undefined> {
  const executing = hooks.filter((h) => h.events.includes(event));
  const built: { hook: RenderedHook; b: Built; policies: string[] }[] = [];
  for (const hook of executing) {
    const policies = hook.deletePolicies.length > 0 ? hook.deletePolicies : ["before-hook-creation"];
    let b: Built;
    try {
      [b] = run.client.build([hook], false) as [Built];
    } catch (err) {
      if (!(err instanceof HelmError)) throw err;
      return `unable to build kubernetes object for ${event} hook ${hook.template}: ${err.message}`;
    }
    if (policies.includes("before-hook-creation")) deleteHook(run, b);
    try {
      run.client.create(b);
    } catch (err) {
      return `warning: Hook ${event} ${hook.template} failed: ${multiError([(err as Error).message])}`;
    }
    built.push({ hook, b, policies });
    const failure = await watchUntilReady(run, b);
    if (failure) {
      if (policies.includes("hook-failed")) deleteHook(run, b);
      for (const done of built.slice(0, -1)) if (done.policies.includes("hook-succeeded")) deleteHook(run, done.b);
      return failure;
    }
  }
  for (const done of [...built].reverse()) if (done.policies.includes("hook-succeeded")) deleteHook(run, done.b);
  return undefined;
}
