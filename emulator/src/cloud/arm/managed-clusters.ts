import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { isPlainObject, shortHash, uuidFrom } from "../util.js";
import { addonProfilesFor, validateAddonProfiles } from "./addons.js";
import { refuseWhileClusterBusy, refuseWhileStopped } from "./agent-pools.js";
import { appRoutingOf, ingressProfileFor, syncIngressClass, validateIngressProfile } from "./app-routing.js";
import { clusterCredential, resolveAccess } from "./cluster-access.js";
import { clusterId, clusterKeyOf, MANAGED_CLUSTER_TYPE, TENANT_ID } from "./cluster-ids.js";
import { restartNodes, syncNodes } from "../kube/nodes.js";
import { ensureClusterNetwork, nodeResourceGroupFor, validateNodeSubnets } from "./cluster-network.js";
import { ArmError, badRequest, checkTags, invalidName } from "./errors.js";
import { requireLocation } from "./locations.js";
import { validateClusterProperties } from "./managed-cluster-validation.js";
import { defaultMaxPods, resolveNetworkProfile } from "./network-profile.js";
import { oidcIssuerProfileFor, securityProfileFor, validateWorkloadIdentity } from "./workload-identity.js";
import { beginDelete, beginWrite, completeDelete, groupId, listBody, props, refuseMove, refuseWhileBusy, reply, requireGroup, requireResource, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export { clusterId, clusterKeyOf, MANAGED_CLUSTER_TYPE };

const NAME_RULE = /^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/;

function buildBody(ctx: CloudContext, id: string, name: string, group: string, body: Json, existing?: ArmResource): Json {
  const location = requireLocation(body, MANAGED_CLUSTER_TYPE);
  const input = (body.properties ?? {}) as Json;
  const previous = (existing?.body.properties ?? {}) as Json;
  const key = clusterKeyOf(id);
  const dnsPrefix = (input.dnsPrefix as string | undefined) ?? (previous.dnsPrefix as string | undefined) ?? `${name.slice(0, 40)}-${group.slice(0, 8)}`.replace(/[^a-zA-Z0-9-]/g, "");
  const k8sVersion = (input.kubernetesVersion as string | undefined) ?? (previous.kubernetesVersion as string | undefined) ?? "1.32";
  const patch = k8sVersion.split(".").length === 2 ? `${k8sVersion}.5` : k8sVersion;
  const identityType = ((body.identity as Json | undefined)?.type as string | undefined) ?? "SystemAssigned";
  // A PUT without networkProfile keeps the cluster's network: AKS does not rebuild it.
  const networkProfile = resolveNetworkProfile((input.networkProfile ?? previous.networkProfile) as Json | undefined);
  const pools = (input.agentPoolProfiles as Json[]).map((p) => ({
    type: "VirtualMachineScaleSets",
    osType: "Linux",
    osSKU: "Ubuntu",
    osDiskSizeGB: 128,
    maxPods: defaultMaxPods(networkProfile),
    ...p,
    mode: p.mode ?? "System",
    orchestratorVersion: patch,
    currentOrchestratorVersion: patch,
    nodeImageVersion: "AKSUbuntu-2204gen2containerd-202507.21.0",
    provisioningState: existing ? "Updating" : "Creating",
    powerState: { code: "Running" },
  }));
  const principalId = uuidFrom(`${id.toLowerCase()}#principal`);
  const nodeResourceGroup = nodeResourceGroupFor(input, previous, group, name, location);
  const ingressProfile = ingressProfileFor(input, previous, id, nodeResourceGroup, name);
  const addonProfiles = addonProfilesFor(input, previous, id, nodeResourceGroup, name);
  const securityProfile = securityProfileFor(input, previous);
  return {
    id,
    name,
    type: "Microsoft.ContainerService/ManagedClusters",
    location,
    ...(body.tags ? { tags: body.tags } : {}),
    sku: body.sku ?? { name: "Base", tier: "Free" },
    ...(identityType === "None"
      ? {}
      : { identity: { ...(body.identity as Json | undefined), type: identityType, ...(identityType.includes("SystemAssigned") ? { principalId, tenantId: TENANT_ID } : {}) } }),
    systemData: systemData(existing),
    properties: {
      ...input,
      provisioningState: existing ? "Updating" : "Creating",
      powerState: { code: "Running" },
      kubernetesVersion: k8sVersion,
      currentKubernetesVersion: patch,
      dnsPrefix,
      fqdn: `${dnsPrefix.toLowerCase()}-${shortHash(id.toLowerCase())}.hcp.${location}.azmk8s.io`,
      azurePortalFQDN: `${dnsPrefix.toLowerCase()}-${shortHash(id.toLowerCase())}.portal.hcp.${location}.azmk8s.io`,
      agentPoolProfiles: pools,
      nodeResourceGroup,
      ...resolveAccess(input, previous, TENANT_ID),
      ...(ingressProfile ? { ingressProfile } : {}),
      ...(addonProfiles ? { addonProfiles } : {}),
      enableRBAC: input.enableRBAC ?? true,
      maxAgentPools: 100,
      supportPlan: "KubernetesOfficial",
      networkProfile,
      oidcIssuerProfile: oidcIssuerProfileFor(input, previous, location, key),
      ...(securityProfile ? { securityProfile } : {}),
      identityProfile: {
        kubeletidentity: {
          resourceId: `/subscriptions/${id.split("/")[2]}/resourcegroups/${nodeResourceGroupFor(input, previous, group, name, location)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
          clientId: uuidFrom(`${id.toLowerCase()}#kubelet-client`),
          objectId: uuidFrom(`${id.toLowerCase()}#kubelet-object`),
        },
      },
    },
  };
}

function settle(ctx: CloudContext, op: OperationRecord) {
  if (completeDelete(ctx, op)) return;
  const resource = ctx.store.getResource(op.resourceId);
  if (!resource) return;
  const p = props(resource);
  const pools = (p.agentPoolProfiles as Json[] | undefined) ?? [];
  const failed = op.status !== "Succeeded";
  p.provisioningState = failed ? "Failed" : "Succeeded";
  const power = op.action === "stop" ? (failed ? "Running" : "Stopped") : op.action === "start" ? (failed ? "Stopped" : "Running") : (p.powerState as Json).code;
  p.powerState = { code: power };
  for (const pool of pools) {
    pool.provisioningState = p.provisioningState;
    pool.powerState = { code: power };
  }
  if (!failed && (op.action === "create" || op.action === "update")) {
    const cluster = ctx.kube.ensureCluster(clusterKeyOf(resource.id), resource.id);
    syncNodes(ctx.kube, cluster, resource.body);
    syncIngressClass(ctx.kube, cluster, appRoutingOf(resource).enabled);
    ctx.appRouting.clusterChanged(cluster.key);
  }
  if (!failed && (op.action === "stop" || op.action === "start")) {
    const cluster = ctx.kube.get(clusterKeyOf(resource.id));
    if (cluster && op.action === "start") restartNodes(ctx.kube, cluster, resource.body);
    ctx.kube.setStopped(clusterKeyOf(resource.id), op.action === "stop");
  }
  ctx.store.changed();
}

export function registerManagedClusters(ctx: CloudContext) {
  ctx.lro.register(MANAGED_CLUSTER_TYPE, (op) => settle(ctx, op));
  ctx.onRemoved.push((r) => {
    if (r.type.toLowerCase() === MANAGED_CLUSTER_TYPE.toLowerCase()) ctx.kube.removeCluster(clusterKeyOf(r.id));
  });
}

function target(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  return { sub, group, name, resource: requireResource(ctx, sub, group, clusterId(sub, group, name), MANAGED_CLUSTER_TYPE) };
}

const minorOf = (v: unknown) => (/^(\d+)\.(\d+)/.exec(String(v)) ?? []).slice(1).map(Number);

/** What AKS refuses to change on an existing cluster: its DNS prefix, and its Kubernetes version going down. */
function refuseImmutableChanges(existing: ArmResource, body: Json) {
  const before = props(existing);
  const after = (body.properties ?? {}) as Json;
  if (after.dnsPrefix !== undefined && before.dnsPrefix !== undefined && String(after.dnsPrefix).toLowerCase() !== String(before.dnsPrefix).toLowerCase()) {
    throw badRequest("PropertyChangeNotAllowed", "Changing property 'dnsPrefix' is not allowed.");
  }
  if (after.kubernetesVersion !== undefined) {
    const [fromMajor = 0, fromMinor = 0] = minorOf(before.currentKubernetesVersion ?? before.kubernetesVersion);
    const [toMajor = 0, toMinor = 0] = minorOf(after.kubernetesVersion);
    if (toMajor * 1000 + toMinor < fromMajor * 1000 + fromMinor) {
      throw badRequest(
        "NotAllowedK8sVersionDowngrading",
        `Downgrading Kubernetes version ${String(before.currentKubernetesVersion ?? before.kubernetesVersion)} to ${String(after.kubernetesVersion)} is not allowed. Available upgrades: use [az aks get-upgrades] to see the versions this cluster can move to.`,
      );
    }
  }
}

async function put(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  if (!NAME_RULE.test(name)) throw invalidName(MANAGED_CLUSTER_TYPE, name, "The name can contain only letters, numbers, underscores and hyphens, must start and end with a letter or number, and be 1 to 63 characters long.");
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  requireLocation(body, MANAGED_CLUSTER_TYPE);
  checkTags(body);
  const existing = ctx.store.getResource(clusterId(sub, group, name));
  if (existing) {
    refuseWhileBusy(ctx, existing, "managed cluster");
    refuseWhileClusterBusy(ctx, existing);
    refuseWhileStopped(existing);
    refuseMove(existing, requireLocation(body, MANAGED_CLUSTER_TYPE), group);
    refuseImmutableChanges(existing, body);
  }
  validateClusterProperties(body, Boolean(existing));
  validateIngressProfile((body.properties ?? {}) as Json);
  validateAddonProfiles((body.properties ?? {}) as Json);
  validateWorkloadIdentity((body.properties ?? {}) as Json, existing ? props(existing) : undefined);
  const input = (body.properties ?? {}) as Json;
  validateNodeSubnets(ctx, body, existing, resolveNetworkProfile((input.networkProfile ?? (existing ? props(existing).networkProfile : undefined)) as Json | undefined));
  const id = existing?.id ?? clusterId(sub, (rg.body.name as string) ?? group, name);
  const resource: ArmResource = { id, type: MANAGED_CLUSTER_TYPE, body: buildBody(ctx, id, (existing?.body.name as string) ?? name, group, body, existing) };
  ensureClusterNetwork(ctx, resource, group);
  ctx.kube.ensureCluster(clusterKeyOf(id), id, false);
  beginWrite(ctx, ar, resource, !existing, "managedCluster");
}

function power(action: "stop" | "start") {
  return (ctx: CloudContext, ar: ArmRequest) => {
    const { resource } = target(ctx, ar);
    refuseWhileBusy(ctx, resource, "managed cluster");
    refuseWhileClusterBusy(ctx, resource);
    const p = props(resource);
    if (p.provisioningState !== "Succeeded") {
      throw new ArmError(409, "OperationNotAllowed", `The managed cluster is in provisioning state '${p.provisioningState as string}'; ${action} needs 'Succeeded'.`);
    }
    const code = (p.powerState as Json | undefined)?.code;
    if ((action === "stop" && code === "Stopped") || (action === "start" && code === "Running")) return reply(ar, 200);
    const availabilitySets = ((p.agentPoolProfiles ?? []) as Json[]).filter((pool) => pool.type === "AvailabilitySet");
    if (availabilitySets.length > 0) {
      // AKS stops and starts scale set clusters only; the code of its refusal was not confirmed (best guess).
      throw badRequest("OperationNotAllowed", `Stopping and starting a cluster needs Virtual Machine Scale Sets: agent pool '${String(availabilitySets[0]?.name)}' uses an availability set.`);
    }
    p.provisioningState = action === "stop" ? "Stopping" : "Starting";
    ctx.store.changed();
    const op = ctx.lro.start({ kind: "managedClusterPower", action, resourceId: resource.id, resourceType: MANAGED_CLUSTER_TYPE, location: resource.body.location as string, name: resource.body.name as string });
    reply(ar, 202, undefined, ctx.lro.headers(op, ar.apiVersion));
  };
}

function credentials(admin: boolean) {
  return (ctx: CloudContext, ar: ArmRequest) => {
    const { group, resource } = target(ctx, ar);
    reply(ar, 200, clusterCredential(ctx, resource, group, admin));
  };
}

const base = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.ContainerService/managedClusters";

export const managedClusterRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.ContainerService/managedClusters"),
    kind: "managedCluster",
    methods: { GET: (ctx, ar) => reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`/subscriptions/${ar.params[0]}/`, MANAGED_CLUSTER_TYPE))) },
  },
  {
    pattern: route(base),
    kind: "managedCluster",
    methods: {
      GET: (ctx, ar) => {
        const [sub, group] = ar.params as [string, string];
        requireGroup(ctx, sub, group);
        reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`${groupId(sub, group)}/`, MANAGED_CLUSTER_TYPE)));
      },
    },
  },
  {
    pattern: route(`${base}/{}`),
    kind: "managedCluster",
    methods: {
      PUT: put,
      GET: (ctx, ar) => reply(ar, 200, target(ctx, ar).resource.body),
      PATCH: async (ctx, ar) => {
        const { resource } = target(ctx, ar);
        const body = await ar.body();
        checkTags(body);
        if (isPlainObject(body.tags)) resource.body.tags = body.tags;
        resource.body.systemData = systemData(resource);
        ctx.store.changed();
        reply(ar, 200, resource.body);
      },
      DELETE: (ctx, ar) => {
        const [sub, group, name] = ar.params as [string, string, string];
        requireGroup(ctx, sub, group);
        // AKS reports a cluster whose delete failed as Failed; a PUT brings it back.
        beginDelete(ctx, ar, ctx.store.getResource(clusterId(sub, group, name)), { stateField: "provisioningState", failedState: "Failed" });
      },
    },
  },
  { pattern: route(`${base}/{}/stop`), kind: "managedClusterPower", methods: { POST: power("stop") } },
  { pattern: route(`${base}/{}/start`), kind: "managedClusterPower", methods: { POST: power("start") } },
  { pattern: route(`${base}/{}/listClusterUserCredential`), kind: "credential", methods: { POST: credentials(false) } },
  { pattern: route(`${base}/{}/listClusterAdminCredential`), kind: "credential", methods: { POST: credentials(true) } },
];
