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
  const cluster = await ctx.retry(() => ctx.arm.aks.managedClusters.get(ctx.env.names.resourceGroup, ctx.env.names.cluster, { abortSignal: ctx.signal }));
  if (cluster.powerState?.code === "Stopped") {
    await ctx.log("The cluster is stopped: its Flux is not running, and the release stays as it was suspended");
    return { suspended: true };
  }
  return setSuspended(ctx, true);
};
export const resumeRelease: StepRun = (ctx) => setSuspended(ctx, false);

export const stopCluster: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.cluster;
  const cluster = await ctx.retry(() => arm.aks.managedClusters.get(rg, name, { abortSignal: ctx.signal }));
  if (cluster.powerState?.code === "Stopped") {
    await ctx.log(`Cluster ${name} is already stopped`);
  } else {
    await ctx.log(`Stopping cluster ${name}: its VMs are deallocated, its disks kept`);
    await ctx.retry(() => arm.aks.managedClusters.beginStopAndWait(rg, name, { ...arm.poll, abortSignal: ctx.signal }));
    await ctx.log(`Cluster ${name} is stopped`);
  }
  return { powerState: "Stopped" };
};

export const startCluster: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.cluster;
  const cluster = await ctx.retry(() => arm.aks.managedClusters.get(rg, name, { abortSignal: ctx.signal }));
  if (cluster.powerState?.code === "Running") {
    await ctx.log(`Cluster ${name} is already running`);
  } else {
    await ctx.log(`Starting cluster ${name}`);
    await ctx.retry(() => arm.aks.managedClusters.beginStartAndWait(rg, name, { ...arm.poll, abortSignal: ctx.signal }));
    await ctx.log(`Cluster ${name} is running`);
  }
  return { powerState: "Running" };
};

export const stopDatabaseServer: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.postgresServer;
  const server = await ctx.retry(() => arm.postgres.servers.get(rg, name, { abortSignal: ctx.signal }));
  if (server.state === "Stopped") {
    await ctx.log(`Server ${name} is already stopped`);
  } else {
    await ctx.log(`Stopping server ${name}; Azure starts it by itself after 7 days, and the portal stops it again`);
    await ctx.retry(() => arm.postgres.servers.beginStopAndWait(rg, name, { ...arm.poll, abortSignal: ctx.signal }));
    await ctx.log(`Server ${name} is stopped`);
  }
  return { state: "Stopped" };
};

export const startDatabaseServer: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.postgresServer;
  const server = await ctx.retry(() => arm.postgres.servers.get(rg, name, { abortSignal: ctx.signal }));
  if (server.state === "Ready") {
    await ctx.log(`Server ${name} is already running`);
  } else {
    await ctx.log(`Starting server ${name}`);
    await ctx.retry(() => arm.postgres.servers.beginStartAndWait(rg, name, { ...arm.poll, abortSignal: ctx.signal }));
    await ctx.log(`Server ${name} is running`);
  }
  return { state: "Ready" };
};
