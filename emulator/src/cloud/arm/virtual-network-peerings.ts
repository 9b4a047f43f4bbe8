/**
 * Virtual network peerings: the PUT with the provider's refusals, the two halves that connect
 * once both exist, and the halves left Disconnected when the other VNet or the other half goes.
 */
import { randomUUID } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { isPlainObject } from "../util.js";
import { badRequest } from "./errors.js";
import { props, reply, type ArmRequest } from "./resources.js";
import { checkName, overlapping } from "./virtual-network-validation.js";
import { addressSpaceOf, etag, isType, parentVnetId, PEERING_TYPE, peeringsOf, remoteIdOf, renderPeering, requireVnet, reverseOf, same, vnetAt, vnetParams, VNET_TYPE } from "./virtual-network-views.js";
import { putChild, startOperation } from "./virtual-network-writes.js";

export async function putPeering(ctx: CloudContext, ar: ArmRequest) {
  const vnet = requireVnet(ctx, ar);
  const name = checkName(PEERING_TYPE, vnetParams(ar).child);
  const body = await ar.body();
  const p = (body.properties ?? {}) as Json;
  const id = `${vnet.id}/virtualNetworkPeerings/${name}`;
  const existing = ctx.store.getResource(id);
  const remoteRef = p.remoteVirtualNetwork;
  const remoteId = isPlainObject(remoteRef) ? remoteRef.id : undefined;
  if (typeof remoteId !== "string" || !remoteId) {
    throw badRequest("InvalidRequestFormat", `Cannot parse the request: peering ${id} must name remoteVirtualNetwork.id.`);
  }
  const remote = vnetAt(ctx, remoteId);
  if (!remote) {
    throw badRequest(
      "InvalidResourceReference",
      `Resource ${remoteId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  }
  if (same(remote.id, vnet.id)) {
    throw badRequest("CannotPeerVirtualNetworkWithItself", `Cannot create or update peering ${id}. Virtual network ${vnet.id} cannot be peered with itself.`);
  }
  if (existing && !same(remoteIdOf(existing), remote.id)) {
    throw badRequest("CannotChangeRemoteVirtualNetworkOfPeering", `Cannot update peering ${id}: its remote virtual network cannot change from ${String(remoteIdOf(existing))} to ${remote.id}.`);
  }
  const clash = overlapping(addressSpaceOf(vnet), addressSpaceOf(remote));
  if (clash.length > 0) {
    throw badRequest(
      "VnetAddressSpacesOverlap",
      `Cannot create or update peering ${id}. Virtual networks ${vnet.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${clash.join(", ")}`,
    );
  }
  const twin = peeringsOf(ctx, vnet).find((other) => !same(other.id, id) && same(remoteIdOf(other), remote.id));
  if (twin) {
    throw badRequest("VnetPeeringAlreadyExists", `Cannot create or update peering ${id} because peering ${twin.id} of virtual network ${vnet.id} already references remote virtual network ${remote.id}.`);
  }
  const reverse = reverseOf(ctx, vnet.id, remote.id);
  if (reverse && props(reverse).peeringState === "Disconnected") {
    throw badRequest(
      "RemotePeeringIsDisconnected",
      `Cannot create or update peering ${id} because remote peering ${reverse.id} referencing parent virtual network ${vnet.id} is in Disconnected state. Update or re-create the remote peering to get it back to Initiated state. Peering gets Disconnected when remote vnet or remote peering is deleted and re-created.`,
    );
  }
  const state = reverse ? "Connected" : "Initiated";
  const flag = (key: string, fallback: boolean) => (typeof p[key] === "boolean" ? p[key] : fallback);
  const resource: ArmResource = {
    id,
    type: PEERING_TYPE,
    body: {
      id,
      name: existing?.body.name ?? name,
      etag: etag(),
      type: PEERING_TYPE,
      properties: {
        provisioningState: "Updating",
        resourceGuid: (existing ? props(existing).resourceGuid : undefined) ?? randomUUID(),
        peeringState: state,
        remoteVirtualNetwork: { id: remote.id },
        allowVirtualNetworkAccess: flag("allowVirtualNetworkAccess", true),
        allowForwardedTraffic: flag("allowForwardedTraffic", false),
        allowGatewayTransit: flag("allowGatewayTransit", false),
        useRemoteGateways: flag("useRemoteGateways", false),
        doNotVerifyRemoteGateways: flag("doNotVerifyRemoteGateways", false),
        peerCompleteVnets: true,
        remoteAddressSpace: { addressPrefixes: addressSpaceOf(remote) },
        remoteVirtualNetworkAddressSpace: { addressPrefixes: addressSpaceOf(remote) },
        remoteBgpCommunities: { virtualNetworkCommunity: "12076:20000", regionalCommunity: "12076:50004" },
      },
    },
  };
  putChild(ctx, resource, Boolean(existing));
  if (reverse) {
    const rp = props(reverse);
    rp.peeringState = "Connected";
    // ?syncRemoteAddressSpace=true brings the other side's view of this VNet's address space up to date too.
    if (ar.url.searchParams.get("syncRemoteAddressSpace") === "true") {
      rp.remoteAddressSpace = { addressPrefixes: addressSpaceOf(vnet) };
      rp.remoteVirtualNetworkAddressSpace = { addressPrefixes: addressSpaceOf(vnet) };
    }
    ctx.store.changed();
  }
  const headers = startOperation(ctx, ar, resource, !existing, String(vnet.body.location));
  reply(ar, existing ? 200 : 201, renderPeering(ctx, resource), headers);
}

/** When a resource goes: whatever peers with a VNet that went, or whose other half went, is Disconnected. */
export function disconnectPeerings(ctx: CloudContext, r: ArmResource) {
  const resource: ArmResource | undefined = r;
  const gone = isType(resource, VNET_TYPE)
    ? Object.values(ctx.store.state.resources).filter((x) => isType(x, PEERING_TYPE) && same(remoteIdOf(x), r.id))
    : isType(resource, PEERING_TYPE)
      ? [reverseOf(ctx, parentVnetId(r.id), String(remoteIdOf(r) ?? ""))].filter((x): x is ArmResource => Boolean(x))
      : [];
  for (const peering of gone) {
    props(peering).peeringState = "Disconnected";
    peering.body.etag = etag();
  }
  if (gone.length > 0) ctx.store.changed();
}
