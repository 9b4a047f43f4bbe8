import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { uuidFrom } from "../util.js";
import { ArmError, badRequest, invalidName, notFound } from "./errors.js";
import { fluxRelease, NEWEST_FLUX_VERSION } from "./flux-versions.js";
import { clusterId, clusterKeyOf, MANAGED_CLUSTER_TYPE } from "./managed-clusters.js";
import { beginDelete, beginWrite, completeDelete, listBody, props, refuseWhileBusy, reply, requireResource, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export const EXTENSION_TYPE = "Microsoft.KubernetesConfiguration/extensions";
const FLUX = "microsoft.flux";

const clusterOf = (extensionId: string) => extensionId.split("/providers/Microsoft.KubernetesConfiguration/")[0] ?? "";
const isFlux = (resource: ArmResource) => String(props(resource).extensionType).toLowerCase() === FLUX;

function settle(ctx: CloudContext, op: OperationRecord) {
  if (completeDelete(ctx, op)) return;
  const resource = ctx.store.getResource(op.resourceId);
  if (!resource) return;
  const p = props(resource);
  p.provisioningState = op.status === "Succeeded" ? "Succeeded" : "Failed";
  if (op.status === "Succeeded" && isFlux(resource)) {
    const namespace = ((p.scope as Json | undefined)?.cluster as Json | undefined)?.releaseNamespace as string | undefined;
    const release = fluxRelease(String(p.currentVersion));
    ctx.kube.installFlux(clusterKeyOf(clusterOf(resource.id)), namespace ?? "flux-system", release);
  }
  ctx.store.changed();
}

export function registerExtensions(ctx: CloudContext) {
  ctx.lro.register(EXTENSION_TYPE, (op) => settle(ctx, op));
  ctx.onRemoved.push((r) => {
    if (r.type === EXTENSION_TYPE && isFlux(r)) ctx.kube.uninstallFlux(clusterKeyOf(clusterOf(r.id)));
  });
}

function locate(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, cluster, name] = ar.params as [string, string, string, string | undefined];
  const parent = requireResource(ctx, sub, group, clusterId(sub, group, cluster), MANAGED_CLUSTER_TYPE);
  const id = name ? `${parent.id}/providers/${EXTENSION_TYPE}/${name}` : "";
  return { parent, group, name: name ?? "", id, resource: name ? ctx.store.getResource(id) : undefined };
}

/**
 * The version an extension runs after this write: the pinned `version` (which needs
 * `autoUpgradeMinorVersion: false`), else the newest for an auto-upgrading one, else what it ran.
 * A Flux version the emulator does not know is refused in the service's words.
 */
function versionAfter(input: Json, previous: Json, isFlux: boolean): { autoUpgrade: boolean; pinned?: string; current: string } {
  const autoUpgrade = (input.autoUpgradeMinorVersion ?? previous.autoUpgradeMinorVersion) !== false;
  if (autoUpgrade && typeof input.version === "string") {
    throw badRequest("InvalidParameter", "The version can be set only when autoUpgradeMinorVersion is false.");
  }
  const pinned = autoUpgrade ? undefined : ((input.version ?? previous.version) as string | undefined);
  const newest = isFlux ? NEWEST_FLUX_VERSION : "1.0.0";
  const current = pinned ?? (autoUpgrade ? newest : ((previous.currentVersion as string | undefined) ?? newest));
  if (isFlux && !fluxRelease(current)) {
    const why = "Failed to resolve the extension version from the given values.";
    throw badRequest("ExtensionOperationFailed", `The extension operation failed with the following error: ${why}`);
  }
  return { autoUpgrade, pinned, current };
}

async function put(ctx: CloudContext, ar: ArmRequest) {
  const { parent, name, id, resource: existing, group } = locate(ctx, ar);
  // A PATCH changes an extension; it never creates one.
  if (!existing && ar.method === "PATCH") throw notFound(EXTENSION_TYPE, name, group);
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) {
    throw invalidName(EXTENSION_TYPE, name, "Extension names must be lowercase letters, numbers, hyphens and periods, starting and ending with a letter or number.");
  }
  const cluster = props(parent);
  if (cluster.provisioningState !== "Succeeded" || (cluster.powerState as Json | undefined)?.code !== "Running") {
    throw new ArmError(409, "OperationNotAllowed", `The managed cluster '${parent.body.name as string}' must be running and in state Succeeded to install extensions (it is ${cluster.provisioningState as string}, ${(cluster.powerState as Json | undefined)?.code as string}).`);
  }
  if (existing) refuseWhileBusy(ctx, existing, "extension");
  const body = await ar.body();
  const input = (body.properties ?? {}) as Json;
  const extensionType = (input.extensionType as string | undefined) ?? (existing ? (props(existing).extensionType as string) : undefined);
  if (!extensionType) throw badRequest("InvalidParameter", "The extensionType property is required.");
  if (existing && String(props(existing).extensionType).toLowerCase() !== extensionType.toLowerCase()) {
    throw badRequest("InvalidParameter", "The extensionType of an existing extension cannot be changed.");
  }
  const sibling = ctx.store
    .listResources(`${parent.id}/providers/${EXTENSION_TYPE}/`, EXTENSION_TYPE)
    .find((r) => r.id.toLowerCase() !== id.toLowerCase() && String(props(r).extensionType).toLowerCase() === extensionType.toLowerCase());
  if (sibling) {
    throw badRequest("ExtensionAlreadyExists", `An extension of type '${extensionType}' is already installed on the cluster as '${sibling.body.name as string}'. Only one instance is allowed per cluster.`);
  }
  const previous = (existing?.body.properties ?? {}) as Json;
  // What a write leaves out it keeps (a PATCH of the version alone keeps the settings).
  const settings = (input.configurationSettings ?? previous.configurationSettings ?? {}) as Json;
  if (Object.values(settings).some((v) => typeof v !== "string")) {
    throw badRequest("InvalidParameter", "configurationSettings values must be strings.");
  }
  const protectedKeys = Object.keys((input.configurationProtectedSettings ?? previous.configurationProtectedSettings ?? {}) as Json);
  const { autoUpgrade, pinned, current } = versionAfter(input, previous, extensionType.toLowerCase() === FLUX);
  const { version: _unpinned, ...kept } = previous;
  const resource: ArmResource = {
    id,
    type: EXTENSION_TYPE,
    body: {
      id,
      name,
      type: EXTENSION_TYPE,
      systemData: systemData(existing),
      identity: { type: "SystemAssigned", principalId: uuidFrom(`${id.toLowerCase()}#principal`), tenantId: (parent.body.identity as Json | undefined)?.tenantId },
      properties: {
        releaseTrain: "Stable",
        scope: { cluster: { releaseNamespace: extensionType.toLowerCase() === FLUX ? "flux-system" : name } },
        ...kept,
        ...input,
        extensionType,
        autoUpgradeMinorVersion: autoUpgrade,
        ...(pinned ? { version: pinned } : {}),
        configurationSettings: settings,
        // ARM never returns protected values, only their keys.
        configurationProtectedSettings: Object.fromEntries(protectedKeys.map((k) => [k, ""])),
        currentVersion: current,
        provisioningState: existing ? "Updating" : "Creating",
        statuses: [],
        isSystemExtension: false,
        aksAssignedIdentity: { type: "SystemAssigned", principalId: uuidFrom(`${id.toLowerCase()}#aks`), tenantId: (parent.body.identity as Json | undefined)?.tenantId },
      },
    },
    secrets: { configurationProtectedSettings: input.configurationProtectedSettings ?? existing?.secrets?.configurationProtectedSettings },
  };
  beginWrite(ctx, ar, resource, !existing, "extension");
}

const base = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.ContainerService/managedClusters/{}/providers/Microsoft.KubernetesConfiguration/extensions";

export const extensionRoutes: ArmRoute[] = [
  {
    pattern: route(base),
    kind: "extension",
    methods: { GET: (ctx, ar) => reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`${locate(ctx, ar).parent.id}/providers/${EXTENSION_TYPE}/`, EXTENSION_TYPE))) },
  },
  {
    pattern: route(`${base}/{}`),
    kind: "extension",
    methods: {
      PUT: put,
      PATCH: put,
      GET: (ctx, ar) => {
        const { resource, name, group } = locate(ctx, ar);
        if (!resource) throw notFound(EXTENSION_TYPE, name, group);
        reply(ar, 200, resource.body);
      },
      DELETE: (ctx, ar) => beginDelete(ctx, ar, locate(ctx, ar).resource, { stateField: "provisioningState" }),
    },
  },
];
