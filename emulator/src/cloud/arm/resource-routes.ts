/**
 * Routes ARM serves alike for many resource types: a type's lists (across a subscription and in
 * one resource group), and a parent's child resources (list, GET, PUT, DELETE), each body as the
 * type renders it.
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { notFound } from "./errors.js";
import { beginDelete, deleteNow, groupId, listBody, reply, requireGroup, route, type ArmHandler, type ArmRequest, type ArmRoute } from "./resources.js";

/** A resource's body as GET serves it: the stored one plus what the service computes. */
export type Render = (ctx: CloudContext, resource: ArmResource) => Json;

const listed = (ctx: CloudContext, ar: ArmRequest, list: ArmResource[], render: Render) => listBody(ctx, ar, list.map((r) => ({ ...r, body: render(ctx, r) })));

/** GET of every resource of `type` in a subscription, and in one of its resource groups. */
export function listRoutes(type: string, kind: string, render: Render): ArmRoute[] {
  return [
    {
      pattern: route(`/subscriptions/{}/providers/${type}`),
      kind,
      methods: { GET: (ctx, ar) => reply(ar, 200, listed(ctx, ar, ctx.store.listResources(`/subscriptions/${ar.params[0]}/`, type), render)) },
    },
    {
      pattern: route(`/subscriptions/{}/resourcegroups/{}/providers/${type}`),
      kind,
      methods: {
        GET: (ctx, ar) => {
          const [sub, group] = ar.params as [string, string];
          requireGroup(ctx, sub, group);
          reply(ar, 200, listed(ctx, ar, ctx.store.listResources(`${groupId(sub, group)}/`, type), render));
        },
      },
    },
  ];
}

export interface ChildRoutes {
  /** The path segment the children sit under, below their parent: subnets, virtualNetworkLinks. */
  segment: string;
  type: string;
  kind: string;
  /** The parent a request names, or ARM's 404 for it. */
  parent: (ctx: CloudContext, ar: ArmRequest) => ArmResource;
  render: Render;
  put: ArmHandler;
  /** Refuses to delete a child (by throwing); by default any may go. */
  checkDelete?: (ctx: CloudContext, child: ArmResource) => void;
  /** The service deletes a child at once (200, or 204 when absent) rather than through a long-running operation. */
  synchronousDelete?: boolean;
}

/** The routes of the children of a `parentType` resource: their list, and GET, PUT and DELETE of one. */
export function childRoutes(parentType: string, { segment, type, kind, parent, render, put, checkDelete, synchronousDelete }: ChildRoutes): ArmRoute[] {
  const base = `/subscriptions/{}/resourcegroups/{}/providers/${parentType}/{}/${segment}`;
  const find = (ctx: CloudContext, ar: ArmRequest) => {
    const owner = parent(ctx, ar);
    const name = ar.params[3] as string;
    const found = ctx.store.getResource(`${owner.id}/${segment}/${name}`);
    return { owner, name, found: found && found.type.toLowerCase() === type.toLowerCase() ? found : undefined };
  };
  return [
    {
      pattern: route(base),
      kind,
      methods: { GET: (ctx, ar) => reply(ar, 200, listed(ctx, ar, ctx.store.listResources(`${parent(ctx, ar).id}/${segment}/`, type), render)) },
    },
    {
      pattern: route(`${base}/{}`),
      kind,
      methods: {
        PUT: put,
        GET: (ctx, ar) => {
          const { owner, name, found } = find(ctx, ar);
          if (!found) throw notFound(`${parentType}/${String(owner.body.name)}/${segment}`, name, ar.params[1] as string);
          reply(ar, 200, render(ctx, found));
        },
        DELETE: (ctx, ar) => {
          const { found } = find(ctx, ar);
          if (found) checkDelete?.(ctx, found);
          if (synchronousDelete) deleteNow(ctx, ar, found);
          else beginDelete(ctx, ar, found, { stateField: "provisioningState" });
        },
      },
    },
  ];
}
