/**
 * Microsoft.ManagedIdentity/userAssignedIdentities, as `@azure/arm-msi` (2024-11-30) speaks them:
 * synchronous PUT (201/200), GET, PATCH (tags), DELETE (200, 204 when absent) and the lists. An
 * identity's tenant, principal and client ids are GUIDs derived from its ARM id, the same across
 * updates and restarts.
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { isPlainObject, uuidFrom } from "../util.js";
import { TENANT_ID } from "./cluster-ids.js";
import { badRequest, checkTags, invalidName } from "./errors.js";
import { requireLocation } from "./locations.js";
import { listRoutes } from "./resource-routes.js";
import { deleteNow, groupId, refuseMove, reply, requireGroup, requireResource, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export const USER_ASSIGNED_IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";

const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;
const ISOLATION_SCOPES = ["None", "Regional"];

export const identityId = (sub: string, group: string, name: string) => `${groupId(sub, group)}/providers/${USER_ASSIGNED_IDENTITY_TYPE}/${name}`;

/** The identity's service principal object id: what role assignments name. */
export const identityPrincipalId = (id: string) => uuidFrom(`${id.toLowerCase()}#principal`);

/** The identity a request names (`…/userAssignedIdentities/{name}`), or ARM's 404. */
export function requireIdentity(ctx: CloudContext, ar: ArmRequest): ArmResource {
  const [sub, group, name] = ar.params as [string, string, string];
  return requireResource(ctx, sub, group, identityId(sub, group, name), USER_ASSIGNED_IDENTITY_TYPE);
}

const render = (_ctx: CloudContext, identity: ArmResource) => identity.body;

async function put(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  if (!NAME_RULE.test(name)) {
    throw invalidName(USER_ASSIGNED_IDENTITY_TYPE, name, "The name must be 3 to 128 characters long, start with a letter or number, and contain only letters, numbers, hyphens and underscores.");
  }
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  const location = requireLocation(body, USER_ASSIGNED_IDENTITY_TYPE);
  checkTags(body);
  const input = isPlainObject(body.properties) ? body.properties : {};
  if (input.isolationScope !== undefined && !ISOLATION_SCOPES.includes(String(input.isolationScope))) {
    throw badRequest("InvalidParameter", `The value '${String(input.isolationScope)}' of properties.isolationScope is not valid. Allowed values are 'None' and 'Regional'.`);
  }
  const existing = ctx.store.getResource(identityId(sub, group, name));
  if (existing) refuseMove(existing, location, group);
  const id = existing?.id ?? identityId(sub, String(rg.body.name ?? group), name);
  const previous = (existing?.body.properties ?? {}) as Json;
  const resource: ArmResource = {
    id,
    type: USER_ASSIGNED_IDENTITY_TYPE,
    body: {
      id,
      name: existing?.body.name ?? name,
      type: USER_ASSIGNED_IDENTITY_TYPE,
      location,
      ...(body.tags ? { tags: body.tags } : {}),
      systemData: systemData(existing),
      properties: {
        ...(input.isolationScope !== undefined || previous.isolationScope !== undefined ? { isolationScope: input.isolationScope ?? previous.isolationScope } : {}),
        tenantId: TENANT_ID,
        principalId: identityPrincipalId(id),
        clientId: uuidFrom(`${id.toLowerCase()}#client`),
      },
    },
  };
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  if (!existing) ctx.store.count(id, "created");
  reply(ar, existing ? 200 : 201, resource.body);
}

/** The SDK's `update`: tags (and the isolation scope) change; what the request leaves out stays. */
async function patch(ctx: CloudContext, ar: ArmRequest) {
  const identity = requireIdentity(ctx, ar);
  const body = await ar.body();
  checkTags(body);
  if (isPlainObject(body.tags)) identity.body.tags = body.tags;
  const scope = isPlainObject(body.properties) ? body.properties.isolationScope : undefined;
  if (scope !== undefined) {
    if (!ISOLATION_SCOPES.includes(String(scope))) throw badRequest("InvalidParameter", `The value '${String(scope)}' of properties.isolationScope is not valid. Allowed values are 'None' and 'Regional'.`);
    (identity.body.properties as Json).isolationScope = scope;
  }
  identity.body.systemData = systemData(identity);
  ctx.store.count(identity.id, "patches");
  ctx.store.changed();
  reply(ar, 200, identity.body);
}

export const userAssignedIdentityRoutes: ArmRoute[] = [
  ...listRoutes(USER_ASSIGNED_IDENTITY_TYPE, "userAssignedIdentity", render),
  {
    pattern: route(`/subscriptions/{}/resourcegroups/{}/providers/${USER_ASSIGNED_IDENTITY_TYPE}/{}`),
    kind: "userAssignedIdentity",
    methods: {
      PUT: put,
      GET: (ctx, ar) => reply(ar, 200, requireIdentity(ctx, ar).body),
      PATCH: patch,
      DELETE: (ctx, ar) => {
        const [sub, group, name] = ar.params as [string, string, string];
        requireGroup(ctx, sub, group);
        // The identity's federated credentials go with it.
        deleteNow(ctx, ar, ctx.store.getResource(identityId(sub, group, name)));
      },
    },
  },
];
