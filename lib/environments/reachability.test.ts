import { describe, expect, it } from "vitest";
import { reachabilityText } from "@/components/environments/deployed-resources";
import { unreachableRefusal } from "./reachability";

const hub = { hubVnetId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/hub", hubSubscriptionId: "s", hubResourceGroup: "g", hubName: "hub", pool: "10.64.0.0/16" };
const access = { app: { tenantId: "t", authorityHost: "https://login.microsoftonline.com" }, adminGroupId: "g", teamRole: "Op" as const };

describe("which environments no one could reach", () => {
  it("refuses internal UIs without the platform's network, saying what to configure", () => {
    const refusal = unreachableRefusal({ airflowExposure: "internal", airflowAccess: null }, null);
    expect(refusal).toMatch(/PORTAL_HUB_VNET_ID and PORTAL_SPOKE_ADDRESS_POOL/);
    expect(refusal).toMatch(/PORTAL_AIRFLOW_DOMAIN/);
  });

  it("lets through internal UIs in the platform's network, https addresses and public load balancers", () => {
    expect(unreachableRefusal({ airflowExposure: "internal", airflowAccess: null }, hub)).toBeNull();
    expect(unreachableRefusal({ airflowExposure: "internal", airflowAccess: access }, null)).toBeNull();
    expect(unreachableRefusal({ airflowExposure: "public", airflowAccess: null }, null)).toBeNull();
  });

  it("say on the page from where the UI is reachable", () => {
    expect(reachabilityText({ exposure: "internal", network: { hub: "vnet-hub", addressPrefix: "10.64.1.0/24" } })).toBe("reachable from networks peered with vnet-hub");
    expect(reachabilityText({ exposure: "internal" })).toMatch(/cluster's own virtual network, which no other network is peered with/);
    expect(reachabilityText({ exposure: "ingress" })).toMatch(/^https/);
    expect(reachabilityText({ exposure: "public" })).toBe("public");
  });
});
