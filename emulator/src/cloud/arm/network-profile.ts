import type { Json } from "../store.js";
import { badRequest } from "./errors.js";

/**
 * A managed cluster's `networkProfile` as AKS answers it: what the PUT asked for, kept as asked,
 * and AKS's defaults for what it left out. Since Kubernetes 1.30 (every version served here) a
 * cluster that names no plugin gets Azure CNI overlay; `azure` named without a mode is legacy
 * Azure CNI (node subnet), where pods take VNet addresses and there is no pod CIDR.
 */
export const AKS_NETWORK_DEFAULTS = { podCidr: "10.244.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" };

const PLUGINS = ["azure", "kubenet", "none"];
const POLICIES = ["none", "azure", "calico", "cilium"];
const DATAPLANES = ["azure", "cilium"];

const invalid = (parameter: string, detail: string) =>
  badRequest("InvalidParameter", `The value of parameter networkProfile.${parameter} is invalid. ${detail}`);

function checkCount(value: unknown, parameter: string, max: number) {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
    throw invalid(parameter, `The count must be an integer from 1 to ${max}.`);
  }
}

/** AKS's refusals for the network settings the portal and its tests send (400, ARM's error body). */
export function validateNetworkProfile(requested: unknown) {
  if (requested === undefined || requested === null) return;
  if (typeof requested !== "object" || Array.isArray(requested)) {
    throw badRequest("InvalidRequestContent", "The request content was invalid: 'networkProfile' must be an object.");
  }
  const n = requested as Json;
  const plugin = (n.networkPlugin as string | undefined) ?? "azure";
  if (!PLUGINS.includes(plugin)) throw invalid("networkPlugin", `Allowed values: ${PLUGINS.join(", ")}.`);
  if (n.networkPluginMode !== undefined) {
    if (n.networkPluginMode !== "overlay") throw invalid("networkPluginMode", "The only allowed value is overlay.");
    if (plugin !== "azure") {
      const message = `NetworkPluginMode overlay is not supported with NetworkPlugin ${plugin}.`;
      throw badRequest("UnsupportedNetworkPluginModeWithNetworkPlugin", message);
    }
  }
  if (n.networkPolicy !== undefined && !POLICIES.includes(n.networkPolicy as string)) {
    throw invalid("networkPolicy", `Allowed values: ${POLICIES.join(", ")}.`);
  }
  if (n.networkDataplane !== undefined && !DATAPLANES.includes(n.networkDataplane as string)) {
    throw invalid("networkDataplane", `Allowed values: ${DATAPLANES.join(", ")}.`);
  }
  const cilium = n.networkDataplane === "cilium";
  if (cilium && plugin !== "azure") {
    throw invalid("networkDataplane", "The cilium dataplane requires networkPlugin azure.");
  }
  if (n.networkPolicy === "cilium" && !cilium) {
    throw invalid("networkPolicy", "Network policy cilium requires networkDataplane cilium.");
  }
  if (cilium && (n.networkPolicy === "azure" || n.networkPolicy === "calico")) {
    const policy = String(n.networkPolicy);
    throw invalid("networkPolicy", `The cilium dataplane enforces network policies itself, not with ${policy}.`);
  }
  const lb = (n.loadBalancerProfile ?? {}) as Json;
  checkCount((lb.managedOutboundIPs as Json | undefined)?.count, "loadBalancerProfile.managedOutboundIPs.count", 100);
  const nat = (n.natGatewayProfile ?? {}) as Json;
  const natCount = (nat.managedOutboundIPProfile as Json | undefined)?.count;
  checkCount(natCount, "natGatewayProfile.managedOutboundIPProfile.count", 16);
}

/** Pods per node when a pool names no maxPods: kubenet and overlay 110, legacy Azure CNI 30. */
export function defaultMaxPods(network: Json): number {
  return network.networkPlugin === "azure" && network.networkPluginMode !== "overlay" ? 30 : 110;
}

/** The profile AKS reports for `requested` (validated first); cluster-network.ts adds the effective outbound IPs. */
export function resolveNetworkProfile(requested: Json | undefined): Json {
  const asked = requested ?? {};
  const plugin = (asked.networkPlugin as string | undefined) ?? "azure";
  // A defaulted plugin is overlay; a plugin named without a mode keeps the mode it was asked with (none).
  const mode = asked.networkPluginMode ?? (asked.networkPlugin === undefined ? "overlay" : undefined);
  const dataplane = asked.networkDataplane ?? (plugin === "azure" ? "azure" : undefined);
  const hasPodCidr = plugin === "kubenet" || mode === "overlay";
  const profile: Json = {
    networkPlugin: plugin,
    ...(mode ? { networkPluginMode: mode } : {}),
    networkPolicy: dataplane === "cilium" ? "cilium" : "none",
    ...(dataplane ? { networkDataplane: dataplane } : {}),
    ...(hasPodCidr ? { podCidr: AKS_NETWORK_DEFAULTS.podCidr } : {}),
    serviceCidr: AKS_NETWORK_DEFAULTS.serviceCidr,
    dnsServiceIP: AKS_NETWORK_DEFAULTS.dnsServiceIP,
    outboundType: "loadBalancer",
    loadBalancerSku: "standard",
    ipFamilies: ["IPv4"],
    ...asked,
  };
  return {
    ...profile,
    ...(profile.podCidr ? { podCidrs: asked.podCidrs ?? [profile.podCidr] } : {}),
    serviceCidrs: asked.serviceCidrs ?? [profile.serviceCidr],
  };
}
