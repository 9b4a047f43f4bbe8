import { randomUUID } from "node:crypto";
import type { KubeClusters } from "../kube/clusters.js";
import { kubeNow } from "../kube/clusters.js";
import { typeOf } from "../kube/discovery.js";
import type { ArmResource, ClusterState, Json } from "../store.js";
import { isPlainObject, uuidFrom } from "../util.js";
import { badRequest } from "./errors.js";

/** The IngressClass and controller of AKS's application routing add-on (managed NGINX). */
export const APP_ROUTING_CLASS = "webapprouting.kubernetes.azure.com";
export const APP_ROUTING_CONTROLLER = "webapprouting.kubernetes.azure.com/nginx";

const INGRESS_CLASS = typeOf("IngressClass");

/** A public or private DNS zone's ARM id, as AKS accepts it in `dnsZoneResourceIds`. */
const ZONE_ID = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourcegroups\/([^/]+)\/providers\/microsoft\.network\/(dnszones|privatednszones)\/([^/]+)$/i;

export interface AppRouting {
  enabled: boolean;
  zoneIds: string[];
  identity?: { resourceId: string; clientId: string; objectId: string };
}

/** The add-on's managed identity: in the node resource group, named webapprouting-<cluster>, ids stable per cluster id. */
export function addOnIdentity(clusterId: string, nodeResourceGroup: string, clusterName: string) {
  const sub = clusterId.split("/")[2] as string;
  return {
    resourceId: `/subscriptions/${sub}/resourcegroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/webapprouting-${clusterName}`,
    clientId: uuidFrom(`${clusterId.toLowerCase()}#webapprouting-client`),
    objectId: uuidFrom(`${clusterId.toLowerCase()}#webapprouting-object`),
  };
}

/** Checks `properties.ingressProfile` as AKS does: an object, `enabled` a boolean, zone ids well-formed DNS zone ids. */
export function validateIngressProfile(input: Json) {
  const profile = input.ingressProfile;
  if (profile === undefined || profile === null) return;
  if (!isPlainObject(profile)) throw badRequest("InvalidRequestContent", "The request content was invalid: 'properties.ingressProfile' must be an object.");
  const routing = profile.webAppRouting;
  if (routing === undefined || routing === null) return;
  if (!isPlainObject(routing)) throw badRequest("InvalidRequestContent", "The request content was invalid: 'properties.ingressProfile.webAppRouting' must be an object.");
  if (routing.enabled !== undefined && typeof routing.enabled !== "boolean") throw badRequest("InvalidRequestContent", "The request content was invalid: 'properties.ingressProfile.webAppRouting.enabled' must be a boolean.");
  const ids = routing.dnsZoneResourceIds;
  if (ids === undefined || ids === null) return;
  if (!Array.isArray(ids)) throw badRequest("InvalidRequestContent", "The request content was invalid: 'properties.ingressProfile.webAppRouting.dnsZoneResourceIds' must be an array.");
  const publicGroups = new Set<string>();
  ids.forEach((id, i) => {
    const m = typeof id === "string" ? ZONE_ID.exec(id) : null;
    if (!m) {
      throw badRequest(
        "InvalidParameter",
        `The value of parameter ingressProfile.webAppRouting.dnsZoneResourceIds[${i}] is invalid: '${String(id)}' is not a valid Azure DNS zone resource ID. Expected '/subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.Network/dnszones/<zone name>' or '…/privateDnsZones/<zone name>'.`,
      );
    }
    if ((m[2] as string).toLowerCase() === "dnszones") publicGroups.add(`${(id as string).split("/")[2]}/${(m[1] as string).toLowerCase()}`);
  });
  if (publicGroups.size > 1) {
    throw badRequest("InvalidParameter", "The value of parameter ingressProfile.webAppRouting.dnsZoneResourceIds is invalid: all public DNS zones must be in the same resource group.");
  }
}

/**
 * The stored ingress profile: the PUT's (or the previous one when the PUT leaves it out), with
 * the add-on's identity and NGINX default answered while it is enabled, as AKS answers them.
 */
export function ingressProfileFor(input: Json, previous: Json, clusterId: string, nodeResourceGroup: string, clusterName: string): Json | undefined {
  const given = (input.ingressProfile ?? previous.ingressProfile) as Json | undefined;
  if (!given) return undefined;
  const routing = given.webAppRouting as Json | undefined;
  if (!routing) return given;
  const { identity: _ignored, ...rest } = routing;
  const enabled = rest.enabled === true;
  return {
    ...given,
    webAppRouting: {
      ...rest,
      enabled,
      ...(enabled ? { nginx: { defaultIngressControllerType: "AnnotationControlled", ...(rest.nginx as Json | undefined) }, identity: addOnIdentity(clusterId, nodeResourceGroup, clusterName) } : {}),
    },
  };
}

/** What a cluster's add-on is set to; `enabled: false` when the cluster has none. */
export function appRoutingOf(cluster: ArmResource | undefined): AppRouting {
  const routing = ((cluster?.body.properties as Json | undefined)?.ingressProfile as Json | undefined)?.webAppRouting as Json | undefined;
  if (!routing || routing.enabled !== true) return { enabled: false, zoneIds: [] };
  return { enabled: true, zoneIds: ((routing.dnsZoneResourceIds as string[] | undefined) ?? []).slice(), identity: routing.identity as AppRouting["identity"] };
}

/** The add-on installs its IngressClass when enabled and takes it away when disabled. */
export function syncIngressClass(kube: KubeClusters, cluster: ClusterState, enabled: boolean) {
  const existing = kube.read(cluster, INGRESS_CLASS, undefined, APP_ROUTING_CLASS);
  if (enabled && !existing) {
    kube.write(cluster, INGRESS_CLASS, {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: {
        name: APP_ROUTING_CLASS,
        uid: randomUUID(),
        creationTimestamp: kubeNow(),
        generation: 1,
        labels: { "app.kubernetes.io/managed-by": "aks-app-routing-operator" },
      },
      spec: { controller: APP_ROUTING_CONTROLLER },
    });
  } else if (!enabled && existing) {
    kube.remove(cluster, INGRESS_CLASS, existing);
  }
}
