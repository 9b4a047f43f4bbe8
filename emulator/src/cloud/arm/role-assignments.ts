import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { uuidFrom } from "../util.js";
import { TENANT_ID } from "./cluster-ids.js";
import { ArmError, badRequest, groupNotFound } from "./errors.js";
import { groupId, listBody, reply, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export const ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";

/** Built-in role definitions (name → GUID) the portal and the add-on deal in, as Azure names them. */
export const BUILT_IN_ROLES: Record<string, string> = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
  "DNS Zone Contributor": "befefa01-2a29-4197-83a8-272ff33ce314",
  "Private DNS Zone Contributor": "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
  "Key Vault Certificates Officer": "a4417e6f-fecd-4de8-b567-7b0420556985",
  "Key Vault Certificate User": "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
  "Azure Kubernetes Service Cluster Admin Role": "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
  "Azure Kubernetes Service Cluster User Role": "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
  "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  "Azure Kubernetes Service RBAC Admin": "3498e952-d568-435e-9b2c-8d77e338d7f7",
  "Azure Kubernetes Service RBAC Writer": "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
  "Azure Kubernetes Service RBAC Reader": "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
};

export const DNS_ZONE_CONTRIBUTOR = BUILT_IN_ROLES["DNS Zone Contributor"] as string;
export const KEY_VAULT_CERTIFICATE_USER = BUILT_IN_ROLES["Key Vault Certificate User"] as string;
export const KEY_VAULT_SECRETS_USER = BUILT_IN_ROLES["Key Vault Secrets User"] as string;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_DEFINITION_ID = /^(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;
const roleNameOf = (guid: string) => Object.entries(BUILT_IN_ROLES).find(([, id]) => id === guid.toLowerCase())?.[0];

const assignmentId = (scope: string, name: string) => `${scope}/providers/${ROLE_ASSIGNMENT_TYPE}/${name.toLowerCase()}`;
const norm = (scope: string) => scope.replace(/\/+$/, "").toLowerCase();
/** The GUID at the end of a role definition id. */
export const roleGuidOf = (roleDefinitionId: unknown) => String(roleDefinitionId ?? "").split("/").pop()?.toLowerCase() ?? "";

/**
 * Whether an object id is a principal the emulated directory has. Every principal is taken to
 * exist (users, groups and service principals live in Entra, which the emulator does not keep),
 * except the identities of a managed cluster that has been deleted — its system identity, kubelet
 * identity and application routing identity went with it, as in Azure — and the service principal
 * of a deleted user-assigned identity.
 */
function principalExists(ctx: CloudContext, principalId: string): boolean {
  const oid = principalId.toLowerCase();
  for (const id of Object.keys(ctx.store.state.counters)) {
    if (!/\/providers\/microsoft\.(containerservice\/managedclusters|managedidentity\/userassignedidentities)\/[^/]+$/.test(id) || ctx.store.getResource(id)) continue;
    if ([`${id}#principal`, `${id}#kubelet-object`, `${id}#webapprouting-object`].some((seed) => uuidFrom(seed) === oid)) return false;
  }
  return true;
}

/** ARM refuses an assignment at a scope whose resource group does not exist. */
function checkScope(ctx: CloudContext, scope: string) {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)/i.exec(scope);
  if (m && !ctx.store.getResource(groupId(m[1] as string, m[2] as string))) throw groupNotFound(m[2] as string);
}

/** True when `scope` is `ancestor` or lies under it. */
export const within = (scope: string, ancestor: string) => norm(scope) === norm(ancestor) || norm(scope).startsWith(`${norm(ancestor)}/`);

/** Every role assignment in the emulated cloud. */
export const allAssignments = (ctx: CloudContext) => Object.values(ctx.store.state.resources).filter((r) => r.type === ROLE_ASSIGNMENT_TYPE);

/** Whether `principalId` holds one of `roleGuids` on `scope` or a scope above it. */
export function holdsRole(ctx: CloudContext, principalId: string, roleGuids: string[], scope: string): boolean {
  return allAssignments(ctx).some((r) => {
    const p = r.body.properties as Json;
    return String(p.principalId).toLowerCase() === principalId.toLowerCase() && roleGuids.includes(roleGuidOf(p.roleDefinitionId)) && within(scope, String(p.scope));
  });
}

async function put(ctx: CloudContext, ar: ArmRequest) {
  const [scope, name] = ar.params as [string, string];
  if (!GUID.test(name)) throw badRequest("InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  checkScope(ctx, scope);
  const body = await ar.body();
  const input = (body.properties ?? {}) as Json;
  const principalId = String(input.principalId ?? "");
  const roleDefinitionId = String(input.roleDefinitionId ?? "");
  if (!principalId || !roleDefinitionId) throw badRequest("InvalidRoleAssignmentRequest", "The role assignment request must specify properties.principalId and properties.roleDefinitionId.");
  if (input.scope !== undefined && norm(String(input.scope)) !== norm(scope)) {
    throw badRequest("InvalidCreateRoleAssignmentRequest", `The request to create role assignment '${name}' is not valid. Role assignment scope '${String(input.scope)}' must match the scope specified on the URI '${scope}'.`);
  }
  const definition = ROLE_DEFINITION_ID.exec(roleDefinitionId);
  const roleGuid = roleGuidOf(roleDefinitionId);
  if (!definition || !GUID.test(roleGuid)) throw badRequest("InvalidRoleDefinitionId", `The role definition ID '${roleDefinitionId}' is not valid.`);
  if (!roleNameOf(roleGuid)) throw badRequest("RoleDefinitionDoesNotExist", `The specified role definition with ID '${roleGuid}' does not exist.`);
  if (!GUID.test(principalId) || !principalExists(ctx, principalId)) {
    throw badRequest(
      "PrincipalNotFound",
      `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${TENANT_ID}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype`,
    );
  }
  const id = assignmentId(scope, name);
  const existing = ctx.store.getResource(id);
  if (existing) {
    const p = existing.body.properties as Json;
    if (String(p.principalId).toLowerCase() !== principalId.toLowerCase() || roleGuidOf(p.roleDefinitionId) !== roleGuid) {
      throw new ArmError(409, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
    }
  } else {
    const twin = allAssignments(ctx).find((r) => {
      const p = r.body.properties as Json;
      return norm(String(p.scope)) === norm(scope) && String(p.principalId).toLowerCase() === principalId.toLowerCase() && roleGuidOf(p.roleDefinitionId) === roleGuid;
    });
    if (twin) throw new ArmError(409, "RoleAssignmentExists", "The role assignment already exists.");
  }
  const now = new Date().toISOString();
  const sub = scope.split("/")[2] as string;
  const resource: ArmResource = {
    id,
    type: ROLE_ASSIGNMENT_TYPE,
    body: {
      id: `${scope}/providers/${ROLE_ASSIGNMENT_TYPE}/${name}`,
      type: ROLE_ASSIGNMENT_TYPE,
      name,
      properties: {
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
        principalId,
        principalType: input.principalType ?? (existing?.body.properties as Json | undefined)?.principalType ?? "ServicePrincipal",
        scope,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.condition !== undefined ? { condition: input.condition, conditionVersion: input.conditionVersion ?? "2.0" } : {}),
        createdOn: (existing?.body.properties as Json | undefined)?.createdOn ?? now,
        updatedOn: now,
        createdBy: (existing?.body.properties as Json | undefined)?.createdBy ?? null,
        updatedBy: null,
        delegatedManagedIdentityResourceId: null,
      },
      systemData: systemData(existing),
    },
  };
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  if (!existing) ctx.store.count(id, "created");
  ctx.appRouting.armChanged();
  reply(ar, existing ? 200 : 201, resource.body);
}

/** `$filter` as the service reads it: atScope(), principalId eq '…', assignedTo('…'); none = at, above and below. */
function listForScope(ctx: CloudContext, ar: ArmRequest) {
  const [scope] = ar.params as [string];
  checkScope(ctx, scope);
  const filter = ar.url.searchParams.get("$filter") ?? "";
  const principal = /(?:principalId\s+eq\s+|assignedTo\()\s*'([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
  const atScope = /atScope\(\)/i.test(filter);
  const found = allAssignments(ctx).filter((r) => {
    const p = r.body.properties as Json;
    const s = String(p.scope);
    const placed = atScope ? within(scope, s) : within(scope, s) || within(s, scope);
    return placed && (!principal || String(p.principalId).toLowerCase() === principal);
  });
  reply(ar, 200, listBody(ctx, ar, found));
}

function roleDefinition(sub: string | undefined, guid: string) {
  const roleName = roleNameOf(guid);
  if (!roleName) return undefined;
  return {
    id: `${sub ? `/subscriptions/${sub}` : ""}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    type: "Microsoft.Authorization/roleDefinitions",
    name: guid,
    properties: { roleName, type: "BuiltInRole", description: `${roleName} (built-in role)`, assignableScopes: ["/"], permissions: [] },
  };
}

/** Role assignments (and the built-in role definitions) at any scope, as `@azure/arm-authorization` speaks them. */
export const roleAssignmentRoutes: ArmRoute[] = [
  {
    pattern: /^(\/subscriptions\/[^/]+(?:\/.+?)?)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i,
    kind: "roleAssignment",
    methods: {
      PUT: put,
      GET: (ctx, ar) => {
        const [scope, name] = ar.params as [string, string];
        const found = ctx.store.getResource(assignmentId(scope, name));
        if (!found) throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${name}' is not found.`);
        reply(ar, 200, found.body);
      },
      DELETE: (ctx, ar) => {
        const [scope, name] = ar.params as [string, string];
        const id = assignmentId(scope, name);
        const found = ctx.store.getResource(id);
        if (!found) return reply(ar, 204);
        ctx.store.deleteResource(id);
        ctx.store.count(id, "deletes");
        ctx.appRouting.armChanged();
        reply(ar, 200, found.body);
      },
    },
  },
  {
    pattern: /^(\/subscriptions\/[^/]+(?:\/.+?)?)\/providers\/Microsoft\.Authorization\/roleAssignments$/i,
    kind: "roleAssignment",
    methods: { GET: listForScope },
  },
  {
    pattern: /^(\/subscriptions\/[^/]+(?:\/.+?)?)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i,
    kind: "roleDefinition",
    methods: {
      GET: (_ctx, ar) => {
        const [scope, guid] = ar.params as [string, string];
        const found = roleDefinition(scope.split("/")[2], guid.toLowerCase());
        if (!found) throw new ArmError(404, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${guid}' does not exist.`);
        reply(ar, 200, found);
      },
    },
  },
  {
    pattern: /^(\/subscriptions\/[^/]+(?:\/.+?)?)\/providers\/Microsoft\.Authorization\/roleDefinitions$/i,
    kind: "roleDefinition",
    methods: {
      GET: (_ctx, ar) => {
        const [scope] = ar.params as [string];
        const wanted = /roleName\s+eq\s+'([^']+)'/i.exec(ar.url.searchParams.get("$filter") ?? "")?.[1]?.toLowerCase();
        const value = Object.entries(BUILT_IN_ROLES)
          .filter(([roleName]) => !wanted || roleName.toLowerCase() === wanted)
          .map(([, guid]) => roleDefinition(scope.split("/")[2], guid));
        reply(ar, 200, { value });
      },
    },
  },
];
