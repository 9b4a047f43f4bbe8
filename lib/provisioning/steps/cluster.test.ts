import { describe, expect, it } from "vitest";
import type { StepContext } from "../context";
import { testEngineConfig, testEnvironment } from "@/scripts/test-support/provisioning-steps";
import type { EngineConfig } from "@/lib/config";
import { clusterSpec } from "./cluster";

const ctx = { env: testEnvironment("netcheck"), config: testEngineConfig(), outputs: {} } as unknown as StepContext;

describe("the cluster's specification", () => {
  it("asks for Azure CNI overlay with the Cilium dataplane and AKS's default ranges, rather than for defaults", () => {
    expect(clusterSpec(ctx).networkProfile).toEqual({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      podCidr: "10.244.0.0/16",
      serviceCidr: "10.0.0.0/16",
      dnsServiceIP: "10.0.0.10",
      loadBalancerSku: "standard",
      outboundType: "loadBalancer",
    });
  });

  it("states the pods per node (overlay's 110) on every node pool, so no plugin's default decides it", () => {
    const pools = clusterSpec(ctx).agentPoolProfiles ?? [];
    expect(pools.length).toBeGreaterThan(0);
    for (const pool of pools) expect(pool.maxPods).toBe(110);
  });

  it("turns on the Key Vault secrets provider, with rotation, only where Airflow is published over https", () => {
    expect(clusterSpec(ctx).addonProfiles).toBeUndefined();
    const https = { ...ctx, config: { ...ctx.config, airflowAccess: { dnsZoneId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/dnszones/example.com" } } as unknown as EngineConfig };
    expect(clusterSpec(https).addonProfiles).toEqual({
      azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } },
    });
  });

  it("puts the nodes on the spoke's node subnet in the platform's network, and lets AKS make its own VNet otherwise", () => {
    expect(clusterSpec(ctx).agentPoolProfiles?.[0]?.vnetSubnetID).toBeUndefined();
    const subnet = "/subscriptions/s/resourceGroups/rg-airflow-netcheck/providers/Microsoft.Network/virtualNetworks/vnet-airflow-netcheck/subnets/nodes";
    const spoke = { ...ctx, outputs: { "spoke-network": { nodeSubnetId: subnet } } } as StepContext;
    expect(clusterSpec(spoke).agentPoolProfiles?.map((p) => p.vnetSubnetID)).toEqual([subnet]);
  });
});
