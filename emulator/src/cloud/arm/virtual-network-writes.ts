/**
 * How virtual networks, subnets and peerings are stored: the resources a write leaves (subnets
 * with their delegations), the counts and the long-running operation it starts, and AKS's own
 * VNet for a cluster without a subnet of its own. No checks here: callers check first.
 */
import { randomUUID } from "node:crypto";
import type { LatencyKind } from "../config.js";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { parseCidr } from "./cidr.js";
import { props, type ArmRequest } from "./resources.js";
import type { SubnetInput } from "./virtual-network-validation.js";
import { etag, managedVnetId, SUBNET_TYPE, VNET_TYPE } from "./virtual-network-views.js";

const DELEGATION_TYPE = `${SUBNET_TYPE}/delegations`;
const KIND: LatencyKind = "virtualNetwork";

/** The actions the network resource provider fills in for a delegation to each service. */
const DELEGATION_ACTIONS: Record<string, string[]> = {
  "microsoft.dbforpostgresql/flexibleservers": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.dbformysql/flexibleservers": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.web/serverfarms": ["Microsoft.Network/virtualNetworks/subnets/action"],
  "microsoft.containerinstance/containergroups": ["Microsoft.Network/virtualNetworks/subnets/action"],
  "microsoft.containerservice/managedclusters": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.app/environments": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
  "microsoft.sql/managedinstances": [
    "Microsoft.Network/virtualNetworks/subnets/join/action",
    "Microsoft.Network/virtualNetworks/subnets/prepareNetworkPolicies/action",
    "Microsoft.Network/virtualNetworks/subnets/unprepareNetworkPolicies/action",
  ],
};

export function subnetResource(vnetIdValue: string, s: SubnetInput, existing?: ArmResource): ArmResource {
  const id = existing?.id ?? `${vnetIdValue}/subnets/${s.name}`;
  return {
    id,
    type: SUBNET_TYPE,
    body: {
      id,
      name: existing?.body.name ?? s.name,
      etag: etag(),
      type: SUBNET_TYPE,
      properties: {
        provisioningState: "Updating",
        addressPrefix: s.prefix.text,
        delegations: s.delegations.map((d) => ({
          name: d.name,
          id: `${id}/delegations/${String(d.name)}`,
          etag: etag(),
          type: DELEGATION_TYPE,
          properties: { provisioningState: "Succeeded", serviceName: d.serviceName, actions: DELEGATION_ACTIONS[String(d.serviceName).toLowerCase()] ?? [] },
        })),
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
        ...s.extra,
      },
    },
  };
}

/** Stores a VNet, subnet or peering and counts the write. */
export function putChild(ctx: CloudContext, resource: ArmResource, existed: boolean) {
  ctx.store.putResource(resource);
  ctx.store.count(resource.id, "puts");
  if (!existed) ctx.store.count(resource.id, "created");
}

/** Starts the write's long-running operation (in the VNet's region); its headers for the answer. */
export function startOperation(ctx: CloudContext, ar: ArmRequest, resource: ArmResource, created: boolean, location: string) {
  const op = ctx.lro.start({ kind: KIND, action: created ? "create" : "update", resourceId: resource.id, resourceType: resource.type, location, name: String(resource.body.name) });
  return ctx.lro.headers(op, ar.apiVersion);
}

/**
 * Writes a VNet with its subnets (the whole list: a subnet left out goes), as AKS does for its own
 * VNet and as a PUT does. No checks: callers check first.
 */
export function writeVnet(ctx: CloudContext, id: string, body: { name: string; location: string; tags?: unknown; prefixes: string[]; subnets: SubnetInput[]; extra?: Json }, existing?: ArmResource) {
  const resource: ArmResource = {
    id,
    type: VNET_TYPE,
    body: {
      id,
      name: existing?.body.name ?? body.name,
      type: VNET_TYPE,
      location: body.location,
      ...(body.tags ? { tags: body.tags } : {}),
      etag: etag(),
      properties: {
        provisioningState: "Updating",
        resourceGuid: (existing ? props(existing).resourceGuid : undefined) ?? randomUUID(),
        addressSpace: { addressPrefixes: body.prefixes },
        enableDdosProtection: false,
        privateEndpointVNetPolicies: "Disabled",
        ...body.extra,
      },
    },
  };
  putChild(ctx, resource, Boolean(existing));
  const wanted = new Set(body.subnets.map((s) => s.name.toLowerCase()));
  for (const old of ctx.store.listResources(`${id}/subnets/`, SUBNET_TYPE)) {
    if (!wanted.has(String(old.body.name).toLowerCase())) {
      ctx.store.deleteResource(old.id);
      ctx.store.count(old.id, "deletes");
    }
  }
  for (const s of body.subnets) {
    const old = ctx.store.getResource(`${id}/subnets/${s.name}`);
    putChild(ctx, subnetResource(id, s, old), Boolean(old));
  }
  return resource;
}

/** AKS's VNet for a cluster without a subnet of its own: 10.224.0.0/12 with aks-subnet 10.224.0.0/16, already provisioned. */
export function ensureManagedVnet(ctx: CloudContext, cluster: ArmResource, tags: Json) {
  const id = managedVnetId(cluster);
  if (ctx.store.getResource(id)) return;
  const prefix = parseCidr("10.224.0.0/16")!;
  writeVnet(ctx, id, { name: id.split("/").pop()!, location: String(cluster.body.location), tags, prefixes: ["10.224.0.0/12"], subnets: [{ name: "aks-subnet", prefix, delegations: [], extra: {} }] });
  settleTree(ctx, id);
}

/** A VNet and its subnets, provisioned. */
export function settleTree(ctx: CloudContext, id: string) {
  for (const r of [ctx.store.getResource(id), ...ctx.store.listResources(`${id}/subnets/`, SUBNET_TYPE)]) {
    if (r) props(r).provisioningState = "Succeeded";
  }
  ctx.store.changed();
}
