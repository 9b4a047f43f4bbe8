import { readSettled } from "@/lib/azure/ensure";
import { mergePatchObject, readObject } from "@/lib/kubernetes/apply";
import type { FluxObject } from "@/lib/kubernetes/flux";
import type { StepContext, StepRun } from "../context";
import { clusterAccess } from "./cluster-access";

/**
 * Stopping (hibernating) an environment and starting it again. Stop: the HelmRelease is suspended
 * first (Flux must not try to reconcile a release whose cluster is going away), then the AKS cluster
 * is stopped, then the PostgreSQL server. Start runs the other way, the database first (Airflow's
 * pods need it as they come back). Each step reads the power state first: a repeated or resumed run
 * asks Azure for nothing already done.
 */

const releaseHeader = (ctx: StepContext) => ({
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: ctx.env.names.helmRelease, namespace: ctx.env.names.namespace },
});

async function setSuspended(ctx: StepContext, suspend: boolean) {
  const kc = await clusterAccess(ctx);
  const header = releaseHeader(ctx);
  const release = await ctx.retry(() => readObject<FluxObject & { spec?: { suspend?: boolean } }>(kc, header));
  if (!release) throw new Error(`HelmRelease ${header.metadata.namespace}/${header.metadata.name} does not exist`);
  if ((release.spec?.suspend ?? false) === suspend) {
    await ctx.log(`HelmRelease ${header.metadata.name} is already ${suspend ? "suspended" : "reconciled by Flux"}`);
    return { suspended: suspend };
  }
  // A merge patch: the values the portal applies with server-side apply stay its own.
  await ctx.retry(() => mergePatchObject(kc, header, { spec: { suspend } }));
  await ctx.log(suspend ? "Suspended the HelmRelease: Flux leaves it alone while the cluster is stopped" : "Resumed the HelmRelease: Flux reconciles it again");
  return { suspended: suspend };
}

/**
 * A stopped cluster's API server does not answer, and its Flux is not running: the release, suspended
 * when the cluster was stopped, stays so (a server Azure started by itself is stopped again this way).
 */
export const suspendRelease: StepRun = async (ctx) => {
  if ((await ctx.retry(() => clusterPower(ctx))) === "Stopped") {
    await ctx.log("The cluster is stopped: its Flux is not running, and the release stays as it was suspended");
    return { suspended: true };
  }
  return setSuspended(ctx, true);
};
export const resumeRelease: StepRun = (ctx) => setSuspended(ctx, false);

/**
 * One power change, read first: `state` reads the resource's state, which is `done` already or is
 * brought there by `act` (a long-running operation).
 */
function powerStep(what: (ctx: StepContext) => { noun: string; name: string }, wanted: { state: string; verb: string; done: string; note?: string }, state: (ctx: StepContext) => Promise<string | undefined>, act: (ctx: StepContext) => Promise<unknown>): StepRun {
  return async (ctx) => {
    const { noun, name } = what(ctx);
    if ((await ctx.retry(() => state(ctx))) === wanted.state) {
      await ctx.log(`${noun} ${name} is already ${wanted.done}`);
    } else {
      await ctx.log(`${wanted.verb} ${noun.toLowerCase()} ${name}${wanted.note ? `: ${wanted.note}` : ""}`);
      await ctx.retry(() => act(ctx));
      await ctx.log(`${noun} ${name} is ${wanted.done}`);
    }
    return { state: wanted.state };
  };
}

const cluster = (ctx: StepContext) => ({ noun: "Cluster", name: ctx.env.names.cluster });
const server = (ctx: StepContext) => ({ noun: "Server", name: ctx.env.names.postgresServer });
/** The resource once Azure is done with it: a stop or start still running (a resumed step's own) is waited for. */
const settled = <T>(ctx: StepContext, get: (signal: AbortSignal) => Promise<T>, state: (resource: T) => string | undefined) =>
  readSettled({ get: () => get(ctx.signal), state, pollMs: ctx.arm.poll.updateIntervalInMs, signal: ctx.signal });
const clusterPower = async (ctx: StepContext) =>
  (await settled(ctx, (abortSignal) => ctx.arm.aks.managedClusters.get(ctx.env.names.resourceGroup, ctx.env.names.cluster, { abortSignal }), (c) => c.provisioningState)).powerState?.code;
const serverState = async (ctx: StepContext) =>
  (await settled(ctx, (abortSignal) => ctx.arm.postgres.servers.get(ctx.env.names.resourceGroup, ctx.env.names.postgresServer, { abortSignal }), (s) => s.state)).state;
const lro = (ctx: StepContext) => ({ ...ctx.arm.poll, abortSignal: ctx.signal });

export const stopCluster = powerStep(cluster, { state: "Stopped", verb: "Stopping", done: "stopped", note: "its VMs are deallocated, its disks kept" }, clusterPower, (ctx) =>
  ctx.arm.aks.managedClusters.beginStopAndWait(ctx.env.names.resourceGroup, ctx.env.names.cluster, lro(ctx)),
);

export const startCluster = powerStep(cluster, { state: "Running", verb: "Starting", done: "running" }, clusterPower, (ctx) =>
  ctx.arm.aks.managedClusters.beginStartAndWait(ctx.env.names.resourceGroup, ctx.env.names.cluster, lro(ctx)),
);

export const stopDatabaseServer = powerStep(
  server,
  { state: "Stopped", verb: "Stopping", done: "stopped", note: "Azure starts it by itself after 7 days, and the portal stops it again" },
  serverState,
  (ctx) => ctx.arm.postgres.servers.beginStopAndWait(ctx.env.names.resourceGroup, ctx.env.names.postgresServer, lro(ctx)),
);

export const startDatabaseServer = powerStep(server, { state: "Ready", verb: "Starting", done: "running" }, serverState, (ctx) =>
  ctx.arm.postgres.servers.beginStartAndWait(ctx.env.names.resourceGroup, ctx.env.names.postgresServer, lro(ctx)),
);
