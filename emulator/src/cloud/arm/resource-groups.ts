import { delay } from "../util.js";
import type { ArmResource } from "../store.js";
import { ArmError, badRequest, checkTags, groupNotFound } from "./errors.js";
import { requireLocation } from "./locations.js";
import { beginDelete, completeDelete, groupId, listBody, reply, route, type ArmRoute } from "./resources.js";
import type { CloudContext } from "../context.js";

export const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";

function validateName(name: string) {
  const bad = [...name].filter((c) => !/[\p{L}\p{N}_().-]/u.test(c));
  if (bad.length > 0) {
    throw badRequest("InvalidResourceGroup", `The provided resource group name '${name}' has these invalid characters: '${[...new Set(bad)].join("")}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`);
  }
  if (name.length < 1 || name.length > 90 || name.endsWith(".")) {
    throw badRequest("InvalidResourceGroup", `The provided resource group name '${name}' is invalid: it must be 1 to 90 characters long and must not end with a period.`);
  }
}

export function registerResourceGroups(ctx: CloudContext) {
  ctx.lro.register(RESOURCE_GROUP_TYPE, (op) => completeDelete(ctx, op));
}

export const resourceGroupRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}/resourcegroups"),
    kind: "resourceGroup",
    methods: {
      GET: (ctx, ar) => {
        const [sub] = ar.params as [string];
        reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`/subscriptions/${sub}/resourceGroups/`, RESOURCE_GROUP_TYPE)));
      },
    },
  },
  {
    pattern: route("/subscriptions/{}/resourcegroups/{}"),
    kind: "resourceGroup",
    methods: {
      PUT: async (ctx, ar) => {
        const [sub, name] = ar.params as [string, string];
        validateName(name);
        const body = await ar.body();
        const location = requireLocation(body, RESOURCE_GROUP_TYPE);
        checkTags(body);
        const existing = ctx.store.getResource(groupId(sub, name));
        if (existing?.body.location && existing.body.location !== location) {
          throw new ArmError(409, "InvalidResourceGroupLocation", `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.body.location as string}'.`);
        }
        if ((existing?.body.properties as { provisioningState?: string } | undefined)?.provisioningState === "Deleting") {
          throw new ArmError(409, "ResourceGroupBeingDeleted", `The resource group '${name}' is in deprovisioning state and cannot perform this operation.`);
        }
        await delay(ctx.latencies.resourceGroup);
        const id = existing?.id ?? groupId(sub, name);
        const resource: ArmResource = {
          id,
          type: RESOURCE_GROUP_TYPE,
          body: {
            id,
            name: existing?.body.name ?? name,
            type: RESOURCE_GROUP_TYPE,
            location,
            ...(body.tags ? { tags: body.tags } : {}),
            ...(body.managedBy ? { managedBy: body.managedBy } : {}),
            properties: { provisioningState: "Succeeded" },
          },
        };
        ctx.store.putResource(resource);
        ctx.store.count(id, "puts");
        if (!existing) ctx.store.count(id, "created");
        reply(ar, existing ? 200 : 201, resource.body);
      },
      GET: (ctx, ar) => {
        const [sub, name] = ar.params as [string, string];
        const rg = ctx.store.getResource(groupId(sub, name));
        if (!rg) throw groupNotFound(name);
        reply(ar, 200, rg.body);
      },
      HEAD: (ctx, ar) => {
        const [sub, name] = ar.params as [string, string];
        reply(ar, ctx.store.getResource(groupId(sub, name)) ? 204 : 404);
      },
      PATCH: async (ctx, ar) => {
        const [sub, name] = ar.params as [string, string];
        const rg = ctx.store.getResource(groupId(sub, name));
        if (!rg) throw groupNotFound(name);
        const body = await ar.body();
        checkTags(body);
        if (body.tags) rg.body.tags = body.tags;
        ctx.store.changed();
        reply(ar, 200, rg.body);
      },
      DELETE: (ctx, ar) => {
        const [sub, name] = ar.params as [string, string];
        const rg = ctx.store.getResource(groupId(sub, name));
        if (!rg) throw groupNotFound(name);
        // ARM answers a resource group delete with a Location header only.
        beginDelete(ctx, ar, rg, { locationOnly: true, stateField: "provisioningState" });
      },
    },
  },
];
