import { describe, expect, it } from "vitest";
import { compareAddresses, outboundIpIds, parsePublicIpId } from "./cluster-outbound";

const NODES = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-airflow-x-nodes";
const ipId = (name: string) => `${NODES}/providers/Microsoft.Network/publicIPAddresses/${name}`;

describe("a cluster's outbound IPs", () => {
  it("takes every effective outbound IP of the load balancer and of a NAT gateway, each once", () => {
    const cluster = {
      networkProfile: {
        loadBalancerProfile: { effectiveOutboundIPs: [{ id: ipId("one") }, { id: ipId("two") }] },
        // ARM ids compare without case: the same IP under another spelling is not a second one.
        natGatewayProfile: { effectiveOutboundIPs: [{ id: ipId("three") }, { id: ipId("one").toUpperCase() }] },
      },
    };
    expect(outboundIpIds(cluster)).toEqual([ipId("one"), ipId("two"), ipId("three")]);
    expect(outboundIpIds({ networkProfile: { outboundType: "userDefinedRouting" } })).toEqual([]);
  });

  it("reads a public IP's group and name from its id, and refuses anything else", () => {
    expect(parsePublicIpId(ipId("one"))).toEqual({ resourceGroup: "rg-airflow-x-nodes", name: "one" });
    const prefix = ipId("one").replace("publicIPAddresses", "publicIPPrefixes");
    expect(() => parsePublicIpId(prefix)).toThrow(/not a public IP address/);
  });

  it("orders addresses as numbers, not as text", () => {
    const sorted = ["20.10.0.1", "20.9.0.1", "20.9.0.10"].sort(compareAddresses);
    expect(sorted).toEqual(["20.9.0.1", "20.9.0.10", "20.10.0.1"]);
  });
});
