import type { IncomingMessage } from "node:http";
import { adminGroupsOf, isEntraCluster } from "../arm/cluster-access.js";
import type { CloudContext } from "../context.js";
import type { ClusterState } from "../store.js";
import { AKS_SERVER_APP_ID } from "../tokens.js";
import type { KubeType } from "./discovery.js";
import { KubeError, qualified } from "./status.js";

/** Who is calling: a local account (static token, cluster-admin) or an Entra principal and whether it is in an admin group. */
export type Principal = { kind: "local" } | { kind: "entra"; user: string; admin: boolean };

/**
 * AKS's authentication: the kubeconfig's static tokens (an Entra cluster has only the admin one;
 * disabling local accounts later does not revoke it, as on AKS until a certificate rotation), and
 * on an AKS-managed Entra cluster an Entra token for the AKS server application.
 */
export async function authenticate(ctx: CloudContext, cluster: ClusterState, req: IncomingMessage): Promise<Principal> {
  const header = req.headers.authorization ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const arm = ctx.store.getResource(cluster.armId);
  const entra = isEntraCluster(arm);
  if (token && (token === cluster.adminToken || (!entra && token === cluster.userToken))) return { kind: "local" };
  if (token && entra) {
    const result = await ctx.tokens.verify(header, [AKS_SERVER_APP_ID]);
    if (result.ok) {
      const groups = Array.isArray(result.claims.groups) ? (result.claims.groups as unknown[]).map((g) => String(g).toLowerCase()) : [];
      const admins = adminGroupsOf(arm);
      return { kind: "entra", user: String(result.claims.oid ?? result.claims.sub), admin: groups.some((g) => admins.includes(g)) };
    }
  }
  throw new KubeError(401, "Unauthorized", "Unauthorized");
}

function verbOf(method: string, name: string | undefined, watch: boolean) {
  if (method === "GET") return name ? "get" : watch ? "watch" : "list";
  return ({ POST: "create", PUT: "update", PATCH: "patch", DELETE: name ? "delete" : "deletecollection" } as Record<string, string>)[method] ?? method.toLowerCase();
}

/**
 * Entra principals outside the cluster's admin groups have no role binding: every resource request
 * is refused with Kubernetes RBAC's words.
 */
export function authorize(principal: Principal, method: string, t: KubeType, target: { namespace?: string; name?: string; subresource?: string }, watch: boolean) {
  if (principal.kind === "local" || principal.admin) return;
  const verb = verbOf(method, target.name, watch);
  const resource = target.subresource ? `${t.plural}/${target.subresource}` : t.plural;
  const scope = t.namespaced && target.namespace ? `in the namespace "${target.namespace}"` : "at the cluster scope";
  const why = `User "${principal.user}" cannot ${verb} resource "${resource}" in API group "${t.group}" ${scope}`;
  const message = target.name && method !== "POST" ? `${qualified(t)} "${target.name}" is forbidden: ${why}` : `${qualified(t)} is forbidden: ${why}`;
  throw new KubeError(403, "Forbidden", message, { ...(target.name && method !== "POST" ? { name: target.name } : {}), ...(t.group ? { group: t.group } : {}), kind: t.plural });
}
