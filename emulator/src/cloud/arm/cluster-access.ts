import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { clusterKeyOf } from "./cluster-ids.js";
import { ArmError, badRequest } from "./errors.js";
import { buildKubeconfig } from "./kubeconfig.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An AKS-managed Entra cluster: its API server takes Entra tokens and answers to its admin groups. */
export const isEntraCluster = (resource: ArmResource | undefined) => ((resource?.body.properties as Json | undefined)?.aadProfile as Json | undefined)?.managed === true;

export const localAccountsDisabled = (resource: ArmResource | undefined) => (resource?.body.properties as Json | undefined)?.disableLocalAccounts === true;

export const adminGroupsOf = (resource: ArmResource | undefined): string[] =>
  ((((resource?.body.properties as Json | undefined)?.aadProfile as Json | undefined)?.adminGroupObjectIDs as string[] | undefined) ?? []).map((g) => g.toLowerCase());

/**
 * AKS's rules for Entra integration and local accounts. Managed AAD cannot be turned off once on,
 * so an update that leaves `aadProfile` out keeps the previous one.
 */
export function resolveAccess(input: Json, previous: Json, tenantId: string): Json {
  const aad = (input.aadProfile ?? previous.aadProfile) as Json | undefined;
  if (previous.aadProfile && (previous.aadProfile as Json).managed === true && aad?.managed !== true) {
    throw badRequest("BadRequest", "Disabling AKS-managed Azure AD integration is not supported.");
  }
  if (aad !== undefined) {
    if (aad.managed !== true) {
      throw badRequest("InvalidParameter", "The value of parameter aadProfile.managed is invalid. Legacy Azure AD integration is retired: set aadProfile.managed to true.");
    }
    if (input.enableRBAC === false) throw badRequest("BadRequest", "AKS-managed Azure AD integration requires Kubernetes RBAC: enableRBAC cannot be false.");
    const groups = aad.adminGroupObjectIDs ?? [];
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== "string" || !GUID.test(g))) {
      throw badRequest("InvalidParameter", "The value of parameter aadProfile.adminGroupObjectIDs is invalid. Each entry must be the object id (a GUID) of an Azure AD group.");
    }
  }
  if (input.disableLocalAccounts === true && aad?.managed !== true) {
    throw badRequest("BadRequest", "Since kubernetes version 1.25, disableLocalAccounts can only be set on Azure AD integration enabled cluster. Please integrate your cluster with AAD.");
  }
  return {
    disableLocalAccounts: input.disableLocalAccounts === true,
    ...(aad
      ? { aadProfile: { managed: true, enableAzureRBAC: aad.enableAzureRBAC === true, adminGroupObjectIDs: (aad.adminGroupObjectIDs as string[] | undefined) ?? [], adminUsers: null, tenantID: (aad.tenantID as string | undefined) ?? tenantId } }
      : {}),
  };
}

/**
 * listClusterUserCredential / listClusterAdminCredential as AKS answers them: an Entra cluster's
 * user credential is a kubelogin exec config; the admin one is static, and refused when local
 * accounts are disabled.
 */
export function clusterCredential(ctx: CloudContext, resource: ArmResource, group: string, admin: boolean) {
  if (admin && localAccountsDisabled(resource)) {
    throw new ArmError(400, "BadRequest", "Getting static credential is not allowed because this cluster is set to disable local accounts.");
  }
  const cluster = ctx.kube.ensureCluster(clusterKeyOf(resource.id), resource.id, false);
  const aad = (resource.body.properties as Json).aadProfile as Json | undefined;
  const value = buildKubeconfig({
    clusterName: resource.body.name as string,
    resourceGroup: group,
    server: `${ctx.baseUrl}/k8s/${cluster.key}`,
    caCert: ctx.caCert,
    admin,
    auth: !admin && isEntraCluster(resource) ? { kubeloginTenantId: aad?.tenantID as string } : { token: admin ? cluster.adminToken : cluster.userToken },
  });
  return { kubeconfigs: [{ name: admin ? "clusterAdmin" : "clusterUser", value: Buffer.from(value).toString("base64") }] };
}
