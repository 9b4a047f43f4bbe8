import type { CloudContext } from "../context.js";
import { syncNodes } from "../kube/nodes.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { isPlainObject } from "../util.js";
import { clusterId, clusterKeyOf, MANAGED_CLUSTER_TYPE } from "./cluster-ids.js";
import { validateNodeSubnets } from "./cluster-network.js";
import { ArmError, badRequest, notFound } from "./errors.js";
import { checkPool } from "./managed-cluster-validation.js";
import { defaultMaxPods, resolveNetworkProfile } from "./network-profile.js";
import { props, reply, requireResource, route, type ArmRequest, type ArmRoute } from "./resources.js";

export const AGENT_POOL_TYPE = `${MANAGED_CLUSTER_TYPE}/agentPools`;

/**
 * What AKS will not change on an existing pool: a scale set's VM size, OS, pod limit and disk are
 * fixed when it is made (resizing a VMSS pool is a preview behind a feature registration the
 * emulated subscription does not have). The subnet is checked with the cluster's
 * (validateNodeSubnets), with the same code.
 */
const IMMUTABLE = ["vmSize", "osType", "osSKU", "maxPods", "osDiskSizeGB"];
/** Fields AKS computes: a client that GETs a pool and PUTs it back sends them, and they are ignored. */
const READ_ONLY = ["provisioningState", "currentOrchestratorVersion", "nodeImageVersion", "name", "id", "type"];

const poolsOf = (cluster: ArmResource) => ((props(cluster).agentPoolProfiles ??= []) as Json[]);
const poolIdOf = (cluster: ArmResource, name: string) => `${cluster.id}/agentPools/${name}`;
const powerOf = (cluster: ArmResource) => String(((props(cluster).powerState ?? {}) as Json).code ?? "Running");

/** An agent pool as the agentPools API answers it: the cluster's profile, its name outside `properties`. */
export function poolResource(cluster: ArmResource, pool: Json) {
  const { name, ...rest } = pool;
  return { id: poolIdOf(cluster, String(name)), name, type: AGENT_POOL_TYPE, properties: rest };
}

/**
 * AKS runs one operation at a time per cluster, its pools included: a write while the cluster or
 * one of its pools is still changing is 409 OperationNotAllowed (AKS's words).
 */
export function refuseWhileClusterBusy(ctx: CloudContext, cluster: ArmResource) {
  const id = cluster.id.toLowerCase();
  const busy = ctx.lro.inFlight(cluster.id).find((op) => op.resourceId.toLowerCase() === id || op.resourceId.toLowerCase().startsWith(`${id}/agentpools/`));
  if (!busy) return;
  const poolName = busy.resourceId.toLowerCase() === id ? undefined : busy.resourceId.split("/").pop();
  const pool = poolName ? poolsOf(cluster).find((p) => p.name === poolName) : undefined;
  const what = pool ? `${poolName} - ${String(pool.provisioningState)}` : String(props(cluster).provisioningState);
  throw new ArmError(
    409,
    "OperationNotAllowed",
    `Operation is not allowed: Another operation (${what}) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details`,
  );
}

/**
 * A stopped cluster can only be started or deleted: AKS refuses other writes to it and its pools
 * with OperationNotAllowed (its words, as operators report them; the status is the emulator's).
 */
export function refuseWhileStopped(cluster: ArmResource) {
  if (powerOf(cluster) !== "Stopped") return;
  throw new ArmError(409, "OperationNotAllowed", "Operations are not allowed when the managed cluster is not in the Running power state. Start the cluster first.");
}

function target(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  const cluster = requireResource(ctx, sub, group, clusterId(sub, group, name), MANAGED_CLUSTER_TYPE);
  return { cluster, group, poolName: ar.params[3] as string };
}

function findPool(ctx: CloudContext, ar: ArmRequest) {
  const { cluster, group, poolName } = target(ctx, ar);
  const pool = poolsOf(cluster).find((p) => String(p.name).toLowerCase() === poolName.toLowerCase());
  return { cluster, group, poolName, pool };
}

/** A new pool: what the request says, with AKS's defaults for the rest (a pool added on its own is a User pool). */
function newPool(cluster: ArmResource, name: string, input: Json): Json {
  const p = props(cluster);
  const version = String(p.currentKubernetesVersion ?? p.kubernetesVersion);
  return {
    name,
    count: 1,
    vmSize: "Standard_D4ds_v5",
    type: "VirtualMachineScaleSets",
    osType: "Linux",
    osSKU: "Ubuntu",
    osDiskSizeGB: 128,
    maxPods: defaultMaxPods(resolveNetworkProfile(p.networkProfile as Json | undefined)),
    mode: "User",
    ...input,
    orchestratorVersion: version,
    currentOrchestratorVersion: version,
    nodeImageVersion: "AKSUbuntu-2204gen2containerd-202507.21.0",
    powerState: { code: "Running" },
  };
}

/** An update: the pool as it is, with what the request sets; autoscaler bounds go when autoscaling is switched off. */
function updatedPool(existing: Json, input: Json): Json {
  for (const field of IMMUTABLE) {
    const before = existing[field];
    const after = input[field];
    if (after === undefined || before === undefined) continue;
    const same = typeof before === "string" && typeof after === "string" ? before.toLowerCase() === after.toLowerCase() : before === after;
    if (!same) throw badRequest("PropertyChangeNotAllowed", `Changing property 'agentPoolProfile.${field}' is not allowed.`);
  }
  const pool = { ...existing, ...input };
  if (pool.enableAutoScaling !== true) {
    delete pool.minCount;
    delete pool.maxCount;
  }
  return pool;
}

async function put(ctx: CloudContext, ar: ArmRequest) {
  const { cluster, poolName, pool: existing } = findPool(ctx, ar);
  const body = await ar.body();
  const input = body.properties ?? {};
  if (!isPlainObject(input)) throw badRequest("InvalidRequestContent", "The request content was invalid: 'properties' must be an object.");
  for (const field of READ_ONLY) delete input[field];
  refuseWhileClusterBusy(ctx, cluster);
  refuseWhileStopped(cluster);
  const pool = existing ? updatedPool(existing, input) : newPool(cluster, poolName, input);
  checkPool(pool, "agentPoolProfile");
  const pools = poolsOf(cluster);
  const after = existing ? pools.map((p) => (p === existing ? pool : p)) : [...pools, pool];
  if (!after.some((p) => p.mode === "System")) throw badRequest("MustDefineAtLeastOneSystemPool", "Must define at least one system pool.");
  const network = resolveNetworkProfile(props(cluster).networkProfile as Json | undefined);
  validateNodeSubnets(ctx, { properties: { agentPoolProfiles: after } }, cluster, network);

  pool.provisioningState = existing ? "Updating" : "Creating";
  props(cluster).agentPoolProfiles = after;
  const id = poolIdOf(cluster, String(pool.name));
  ctx.store.count(id, "puts");
  if (!existing) ctx.store.count(id, "created");
  ctx.store.changed();
  const op = ctx.lro.start({ kind: "agentPool", action: existing ? "update" : "create", resourceId: id, resourceType: AGENT_POOL_TYPE, location: String(cluster.body.location), name: String(pool.name) });
  reply(ar, existing ? 200 : 201, poolResource(cluster, pool), ctx.lro.headers(op, ar.apiVersion));
}

function remove(ctx: CloudContext, ar: ArmRequest) {
  const { cluster, pool } = findPool(ctx, ar);
  if (!pool) return reply(ar, 204);
  const id = poolIdOf(cluster, String(pool.name));
  const running = ctx.lro.inFlight(id).find((op) => op.action === "delete" && op.resourceId.toLowerCase() === id.toLowerCase());
  if (running) return reply(ar, 202, undefined, ctx.lro.headers(running, ar.apiVersion));
  refuseWhileClusterBusy(ctx, cluster);
  refuseWhileStopped(cluster);
  if (pool.mode === "System" && !poolsOf(cluster).some((p) => p !== pool && p.mode === "System")) {
    // Azure's code for this was not confirmed; AKS names the rule in these words.
    throw badRequest("OperationNotAllowed", "Operation is not allowed: There has to be at least one system agent pool. Add another System pool before deleting this one.");
  }
  const op = ctx.lro.start({ kind: "delete", action: "delete", resourceId: id, resourceType: AGENT_POOL_TYPE, location: String(cluster.body.location), name: String(pool.name) });
  op.restore = { field: "provisioningState", value: pool.provisioningState };
  pool.provisioningState = "Deleting";
  ctx.store.changed();
  reply(ar, 202, undefined, ctx.lro.headers(op, ar.apiVersion));
}

/** A pool's operation has ended: its state settles, and once it succeeded the cluster's Nodes follow its pools. */
function settle(ctx: CloudContext, op: OperationRecord) {
  const cluster = ctx.store.getResource(op.resourceId.replace(/\/agentPools\/[^/]+$/i, ""));
  if (!cluster) return;
  const name = op.resourceId.split("/").pop();
  const pools = poolsOf(cluster);
  const pool = pools.find((p) => p.name === name);
  if (!pool) return;
  const succeeded = op.status === "Succeeded";
  if (op.action === "delete" && succeeded) {
    props(cluster).agentPoolProfiles = pools.filter((p) => p !== pool);
    ctx.store.count(op.resourceId, "deletes");
  } else {
    // AKS reports a pool whose create, update or delete failed as Failed, until a PUT repairs it.
    pool.provisioningState = succeeded ? "Succeeded" : "Failed";
  }
  const kubeCluster = ctx.kube.get(clusterKeyOf(cluster.id));
  if (succeeded && kubeCluster?.provisioned && powerOf(cluster) === "Running") syncNodes(ctx.kube, kubeCluster, cluster.body);
  ctx.store.changed();
}

export function registerAgentPools(ctx: CloudContext) {
  ctx.lro.register(AGENT_POOL_TYPE, (op) => settle(ctx, op));
}

const pools = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.ContainerService/managedClusters/{}/agentPools";

/** A cluster's agent pools as their own resources: the same state as the cluster's agentPoolProfiles. */
export const agentPoolRoutes: ArmRoute[] = [
  {
    pattern: route(pools),
    kind: "agentPool",
    methods: {
      GET: (ctx, ar) => {
        const { cluster } = target(ctx, ar);
        reply(ar, 200, { value: poolsOf(cluster).map((pool) => poolResource(cluster, pool)) });
      },
    },
  },
  {
    pattern: route(`${pools}/{}`),
    kind: "agentPool",
    methods: {
      GET: (ctx, ar) => {
        const { cluster, group, pool } = findPool(ctx, ar);
        if (!pool) throw notFound(AGENT_POOL_TYPE, `${String(cluster.body.name)}/${String(ar.params[3])}`, group);
        reply(ar, 200, poolResource(cluster, pool));
      },
      PUT: put,
      DELETE: remove,
    },
  },
];
