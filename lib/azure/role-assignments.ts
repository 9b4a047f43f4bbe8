import { createHash } from "node:crypto";
import type { AuthorizationManagementClient } from "@azure/arm-authorization";

/** Built-in Azure roles the portal grants, by their fixed role definition ids. */
export const BUILT_IN_ROLES = {
  /** Lets the application routing add-on's external-dns write the environment's records in the zone. */
  dnsZoneContributor: "befefa01-2a29-4197-83a8-272ff33ce314",
  /** Lets a cluster in the platform's network put its load balancers in its node subnet. */
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  /** Lets the add-on's NGINX read the certificate, the role AKS's application routing docs grant its identity. */
  keyVaultCertificateUser: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
  /** What environments built before were granted instead; kept so teardown still removes it. */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Lets an environment's managed identity write and read its task logs, and nothing else of the account. */
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/**
 * A role assignment's name is a GUID the caller chooses. Deriving it from what it grants (to whom,
 * which role, where) makes the PUT idempotent across retries and lets teardown find it without
 * listing anything.
 */
export function roleAssignmentName(scope: string, role: BuiltInRole, principalId: string): string {
  const hex = createHash("sha256").update(`${scope.toLowerCase()}|${BUILT_IN_ROLES[role]}|${principalId.toLowerCase()}`).digest("hex");
  // RFC 4122 layout, version 5-style bits, so ARM accepts it as a GUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function roleDefinitionId(scope: string, role: BuiltInRole): string {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  if (!subscription) throw new Error(`Not a subscription scope: ${scope}`);
  return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const codeOf = (error: unknown) => (error as { code?: string }).code;

/**
 * Grants `role` at `scope` to a service principal. Returns false when it was already granted (the
 * same assignment, or the same grant under another name: ARM's 409 RoleAssignmentExists).
 */
export async function grantRole(
  client: AuthorizationManagementClient,
  scope: string,
  role: BuiltInRole,
  principalId: string,
  signal?: AbortSignal,
  description = "Airflow portal: application routing add-on of an environment's cluster",
): Promise<boolean> {
  const name = roleAssignmentName(scope, role, principalId);
  try {
    await client.roleAssignments.get(scope, name, { abortSignal: signal });
    return false;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  try {
    await client.roleAssignments.create(
      scope,
      name,
      { roleDefinitionId: roleDefinitionId(scope, role), principalId, principalType: "ServicePrincipal", description },
      { abortSignal: signal },
    );
    return true;
  } catch (error) {
    if (statusOf(error) === 409 && codeOf(error) === "RoleAssignmentExists") return false;
    throw error;
  }
}

/** Removes a grant made by `grantRole`; one already gone is fine. Returns whether it existed. */
export async function revokeRole(client: AuthorizationManagementClient, scope: string, role: BuiltInRole, principalId: string, signal?: AbortSignal): Promise<boolean> {
  const name = roleAssignmentName(scope, role, principalId);
  try {
    const result = await client.roleAssignments.delete(scope, name, { abortSignal: signal });
    // ARM answers 204 (no body) for an assignment that did not exist.
    return Boolean(result && (result as { id?: string }).id);
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}
