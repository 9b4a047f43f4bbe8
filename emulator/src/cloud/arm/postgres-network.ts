import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { badRequest } from "./errors.js";
import { privateZoneAt, zoneLinkedTo } from "./private-dns.js";
import { props } from "./resources.js";
import { delegationsOf, parentVnetId, POSTGRES_DELEGATION, subnetAt } from "./virtual-network-views.js";

const SERVER_DOMAIN = ".postgres.database.azure.com";
const NETWORK_FIELDS = ["delegatedSubnetResourceId", "privateDnsZoneArmResourceId"];
const same = (a: unknown, b: unknown) => String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();

/** Whether a flexible server has private access (VNet integration): a delegated subnet. */
export const isPrivateServer = (server: ArmResource) => Boolean(((props(server).network ?? {}) as Json).delegatedSubnetResourceId);

/**
 * The server's `network` as the service answers it, after the service's checks. Private access
 * (`delegatedSubnetResourceId`): the subnet exists and is delegated to
 * Microsoft.DBforPostgreSQL/flexibleServers (several servers may share it), the private DNS zone
 * exists, is named `*.postgres.database.azure.com` and is linked to the subnet's VNet; public
 * network access is then Disabled. The network settings are fixed once the server exists.
 * Undefined: nothing to change (a public server's defaults apply).
 */
export function resolveServerNetwork(ctx: CloudContext, body: Json, existing: ArmResource | undefined): Json | undefined {
  const input = ((body.properties ?? {}) as Json).network as Json | undefined;
  if (existing) {
    const before = (props(existing).network ?? {}) as Json;
    if (!input) return before;
    for (const field of NETWORK_FIELDS) {
      if (input[field] !== undefined && !same(input[field], before[field])) {
        throw badRequest("PropertyChangeNotAllowed", `The property '${field}' of the network of a flexible server cannot be changed after the server is created.`);
      }
    }
    if (before.delegatedSubnetResourceId && input.publicNetworkAccess === "Enabled") {
      throw badRequest("PropertyChangeNotAllowed", "Public network access cannot be enabled on a server with private access (VNet integration).");
    }
    return { ...before, ...(before.delegatedSubnetResourceId ? {} : input.publicNetworkAccess ? { publicNetworkAccess: input.publicNetworkAccess } : {}) };
  }
  if (!input || !input.delegatedSubnetResourceId) {
    if (input?.privateDnsZoneArmResourceId) {
      throw badRequest("InvalidParameterValue", "A private DNS zone (privateDnsZoneArmResourceId) applies only to a server with a delegated subnet (delegatedSubnetResourceId).");
    }
    return undefined;
  }
  const subnetId = String(input.delegatedSubnetResourceId);
  const subnet = subnetAt(ctx, subnetId);
  if (!subnet) throw badRequest("SubnetNotFound", `The delegated subnet '${subnetId}' does not exist.`);
  const delegations = delegationsOf(subnet);
  if (!delegations.some((d) => same(d, POSTGRES_DELEGATION))) {
    throw badRequest(
      "SubnetNotDelegated",
      `The subnet '${subnetId}' is not delegated to '${POSTGRES_DELEGATION}'${delegations.length > 0 ? ` (it is delegated to '${delegations.join("', '")}')` : ""}. Delegate the subnet to '${POSTGRES_DELEGATION}' to deploy a flexible server in it.`,
    );
  }
  if (input.publicNetworkAccess === "Enabled") {
    throw badRequest("InvalidParameterValue", "Public network access cannot be Enabled for a server with a delegated subnet: private access servers have public network access Disabled.");
  }
  const zoneId = input.privateDnsZoneArmResourceId;
  if (typeof zoneId !== "string" || !zoneId) {
    throw badRequest("InvalidParameterValue", "A server with a delegated subnet needs a private DNS zone: set network.privateDnsZoneArmResourceId.");
  }
  const zoneName = zoneId.split("/").pop()!.toLowerCase();
  if (!zoneName.endsWith(SERVER_DOMAIN) || zoneName === SERVER_DOMAIN.slice(1)) {
    throw badRequest("InvalidPrivateDnsZoneName", `The private DNS zone name '${zoneName}' is not valid: it must end with '${SERVER_DOMAIN}', e.g. 'private${SERVER_DOMAIN}'.`);
  }
  const zone = privateZoneAt(ctx, zoneId);
  if (!zone) throw badRequest("PrivateDnsZoneNotFound", `The private DNS zone '${zoneId}' does not exist.`);
  const vnetId = parentVnetId(subnet.id);
  if (!zoneLinkedTo(ctx, zone, vnetId)) {
    throw badRequest("PrivateDnsZoneNotLinkedToVnet", `The private DNS zone '${zoneId}' is not linked to the virtual network '${vnetId}' of the delegated subnet. Link the zone to the virtual network first.`);
  }
  return { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: subnetId, privateDnsZoneArmResourceId: zoneId };
}
