import type { ManagedCluster } from "@azure/arm-containerservice";
import type { ArmClients } from "./clients";
import { CloudError } from "./errors";

/**
 * Every public IP resource a cluster's traffic to the internet may leave from: the load balancer's
 * effective outbound IPs (AKS can have several, e.g. `managedOutboundIPs.count` raised against SNAT
 * port exhaustion), or the managed NAT gateway's. Ids compared without case, as ARM does.
 */
export function outboundIpIds(cluster: Pick<ManagedCluster, "networkProfile">): string[] {
  const network = cluster.networkProfile;
  const refs = [
    ...(network?.loadBalancerProfile?.effectiveOutboundIPs ?? []),
    ...(network?.natGatewayProfile?.effectiveOutboundIPs ?? []),
  ];
  const ids = new Map<string, string>();
  for (const ref of refs) if (ref.id && !ids.has(ref.id.toLowerCase())) ids.set(ref.id.toLowerCase(), ref.id);
  return [...ids.values()];
}

/** `/subscriptions/…/resourceGroups/<rg>/providers/Microsoft.Network/publicIPAddresses/<name>` */
export function parsePublicIpId(id: string): { resourceGroup: string; name: string } {
  const match = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/publicIPAddresses\/([^/]+)$/i.exec(id);
  if (!match) {
    throw new CloudError("UnexpectedOutboundIp", `The cluster's outbound IP is not a public IP address: ${id}`, false);
  }
  return { resourceGroup: match[1]!, name: match[2]! };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The addresses the cluster's outbound connections come from, as another service (the database's
 * firewall) sees them: sorted, without repeats. A cluster that reports none cannot be admitted
 * anywhere, which is a configuration to fix (outbound type userDefinedRouting needs its own rule).
 */
export async function clusterOutboundAddresses(
  arm: ArmClients,
  resourceGroup: string,
  cluster: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const found = await arm.aks.managedClusters.get(resourceGroup, cluster, { abortSignal: signal });
  const ids = outboundIpIds(found);
  if (ids.length === 0) {
    const where = "networkProfile.loadBalancerProfile or natGatewayProfile, effectiveOutboundIPs";
    throw new CloudError("NoOutboundIp", `The cluster reports no outbound public IP address (${where}).`, false);
  }
  const addresses = await Promise.all(
    ids.map(async (id) => {
      const { resourceGroup: group, name } = parsePublicIpId(id);
      const ip = await arm.network.publicIPAddresses.get(group, name, { abortSignal: signal });
      // A static IP has its address once created; none yet (or 0.0.0.0) is worth waiting for.
      if (!ip.ipAddress || !IPV4.test(ip.ipAddress) || ip.ipAddress === "0.0.0.0") {
        throw new CloudError("NoOutboundIp", `The cluster's public IP ${name} has no usable address yet.`, true);
      }
      return ip.ipAddress;
    }),
  );
  return [...new Set(addresses)].sort(compareAddresses);
}

const addressNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

export const compareAddresses = (a: string, b: string) => addressNumber(a) - addressNumber(b);
