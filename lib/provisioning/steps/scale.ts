import { setTimeout as sleep } from "node:timers/promises";
import type { AgentPool } from "@azure/arm-containerservice";
import { readSettled } from "@/lib/azure/ensure";
import { SIZE_PRESETS } from "@/lib/environments/catalog";
import type { StepRun } from "../context";
import { MAX_PODS_PER_NODE } from "./cluster";

/**
 * A size change's Azure side. Each step reads what is there first and writes only what differs,
 * so a resumed or repeated run sends nothing when the cloud already matches the environment's size.
 */

/** A node pool's name for a VM size: lowercase letters and digits, at most 12 (Standard_D8ds_v5 → d8dsv5). */
export function poolNameFor(vmSize: string): string {
  return vmSize.replace(/^Standard_/i, "").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12);
}

/** A System pool as the cluster's first one is made (lib/provisioning/steps/cluster.ts), in the subnet of `like`. */
function poolSpec(vmSize: string, counts: Pick<AgentPool, "enableAutoScaling" | "minCount" | "maxCount" | "count">, like: AgentPool | undefined): AgentPool {
  return {
    mode: "System",
    vmSize,
    osType: "Linux",
    ...counts,
    maxPods: like?.maxPods ?? MAX_PODS_PER_NODE,
    ...(like?.vnetSubnetID ? { vnetSubnetID: like.vnetSubnetID } : {}),
  };
}

/**
 * The cluster's nodes at the size's VM size and autoscaler range. AKS cannot change a pool's VM
 * size in place: a new System pool of the new size is added first, then the old pools are deleted
 * (AKS cordons and drains their nodes, so pods move to the new pool as the old nodes go).
 */
export const resizeNodePool: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const cluster = env.names.cluster;
  const preset = SIZE_PRESETS[env.size];
  const pools: AgentPool[] = [];
  // Pools AKS is still changing (a resumed step's own earlier request) are waited for first.
  let told = false;
  await ctx.retry(async () => {
    for (;;) {
      pools.length = 0;
      for await (const pool of arm.aks.agentPools.list(rg, cluster, { abortSignal: ctx.signal })) pools.push(pool);
      const busy = pools.find((p) => p.provisioningState && !["Succeeded", "Failed", "Canceled"].includes(p.provisioningState));
      if (!busy) return;
      if (!told) await ctx.log(`Node pool ${busy.name} is ${busy.provisioningState!.toLowerCase()}; waiting for it`);
      told = true;
      await sleep(arm.poll.updateIntervalInMs, undefined, { signal: ctx.signal });
    }
  });
  const range = { enableAutoScaling: true, minCount: preset.nodeMinCount, maxCount: preset.nodeMaxCount };
  const current = pools.find((p) => p.vmSize === preset.nodeVmSize && p.mode === "System");
  if (current) {
    const count = Math.min(Math.max(current.count ?? preset.nodeMinCount, preset.nodeMinCount), preset.nodeMaxCount);
    if (current.enableAutoScaling && current.minCount === range.minCount && current.maxCount === range.maxCount) {
      await ctx.log(`Node pool ${current.name} is already ${preset.nodeVmSize}, ${range.minCount}–${range.maxCount} nodes`);
    } else {
      await ctx.log(`Setting node pool ${current.name} to ${range.minCount}–${range.maxCount} nodes`);
      const spec = poolSpec(preset.nodeVmSize, { ...range, count }, current);
      await ctx.retry(() => arm.aks.agentPools.beginCreateOrUpdateAndWait(rg, cluster, current.name!, spec, { ...arm.poll, abortSignal: ctx.signal }));
    }
  } else {
    const template = pools.find((p) => p.mode === "System") ?? pools[0];
    const name = poolNameFor(preset.nodeVmSize);
    await ctx.log(`Adding node pool ${name} (${preset.nodeVmSize}, ${range.minCount}–${range.maxCount} nodes); a pool's VM size cannot change in place`);
    const spec = poolSpec(preset.nodeVmSize, { ...range, count: preset.nodeMinCount }, template);
    await ctx.retry(() => arm.aks.agentPools.beginCreateOrUpdateAndWait(rg, cluster, name, spec, { ...arm.poll, abortSignal: ctx.signal }));
  }
  // Pools of another size go, once the new one runs: AKS drains their nodes as it deletes them.
  for (const old of pools.filter((p) => p.vmSize !== preset.nodeVmSize)) {
    await ctx.log(`Deleting node pool ${old.name} (${old.vmSize}); AKS drains its nodes first`);
    await ctx.retry(() => arm.aks.agentPools.beginDeleteAndWait(rg, cluster, old.name!, { ...arm.poll, abortSignal: ctx.signal }));
  }
  return { vmSize: preset.nodeVmSize, minCount: range.minCount, maxCount: range.maxCount };
};

/**
 * The PostgreSQL server at the size's SKU; its storage only grows (Azure refuses to shrink a
 * flexible server's disk), so a smaller size keeps the storage it has. A SKU change restarts the server.
 */
export const resizeDatabaseServer: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.postgresServer;
  const preset = SIZE_PRESETS[env.size];
  // A resumed step finds the update it sent still running: it waits for it, then compares.
  const server = await ctx.retry(() =>
    readSettled({
      get: () => arm.postgres.servers.get(rg, name, { abortSignal: ctx.signal }),
      state: (s) => s.state,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
      onWait: (state) => ctx.log(`Server ${name} is ${state.toLowerCase()}; waiting for it`),
    }),
  );
  const storage = Math.max(server.storage?.storageSizeGB ?? 0, preset.postgresStorageGiB);
  const sameSku = server.sku?.name === preset.postgresSkuName && server.sku?.tier === preset.postgresTier;
  if (sameSku && server.storage?.storageSizeGB === storage) {
    await ctx.log(`Server ${name} is already ${preset.postgresSkuName} with ${storage} GiB`);
  } else {
    await ctx.log(`Updating server ${name} to ${preset.postgresSkuName} (${preset.postgresTier}) with ${storage} GiB${sameSku ? "" : "; it restarts on the new SKU"}`);
    await ctx.retry(() =>
      arm.postgres.servers.beginUpdateAndWait(rg, name, { sku: { name: preset.postgresSkuName, tier: preset.postgresTier }, storage: { storageSizeGB: storage } }, { ...arm.poll, abortSignal: ctx.signal }),
    );
  }
  return { sku: preset.postgresSkuName, storageSizeGB: storage };
};

/**
 * Before an upgrade migrates Airflow's metadata: an on-demand backup of the server, named after the
 * change so a resumed run finds the one it took. Its time is the restore point an admin comes back
 * to if the upgrade fails (a point-in-time restore to a new server). Without a version change,
 * nothing to do.
 */
export const backUpBeforeUpgrade: StepRun = async (ctx) => {
  const upgrade = ctx.env.change?.upgrade;
  if (!upgrade || !ctx.env.change) {
    await ctx.log("No Airflow or chart version change: no backup needed");
    return {};
  }
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const server = env.names.postgresServer;
  const versionChange = upgrade.from !== upgrade.to;
  const what = versionChange ? `airflow-${upgrade.to}` : `chart-${upgrade.chart?.to ?? upgrade.to}`;
  const name = `before-${what.replaceAll(".", "-")}-${ctx.env.change.operationId.slice(0, 8)}`;
  const described = versionChange ? `Airflow ${upgrade.from} → ${upgrade.to}` : `chart airflow ${upgrade.chart?.from} → ${upgrade.chart?.to}`;
  const existing = await ctx.retry(async () => {
    try {
      return await arm.postgres.backupsAutomaticAndOnDemand.get(rg, server, name, { abortSignal: ctx.signal });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  });
  if (existing) {
    await ctx.log(`Backup ${name} was already taken`);
    return { backup: name, completedAt: existing.completedTime?.toISOString() ?? null };
  }
  await ctx.log(`Taking an on-demand backup of ${server} before ${described}`);
  const backup = await ctx.retry(() => arm.postgres.backupsAutomaticAndOnDemand.beginCreateAndWait(rg, server, name, { ...arm.poll, abortSignal: ctx.signal }));
  await ctx.log(`Backup ${name} taken; the database can be restored to a new server from before the upgrade`);
  return { backup: name, completedAt: backup.completedTime?.toISOString() ?? null };
};
