import { describe, expect, it } from "vitest";
import { firewallChanges, firewallRuleName, isPortalRule } from "./database-firewall";

const rule = (name: string, start: string, end = start) => ({ name, startIpAddress: start, endIpAddress: end });

describe("the database firewall's rules for the cluster", () => {
  it("names a rule after its address, so a retry finds the one it made", () => {
    expect(firewallRuleName("20.41.7.250")).toBe("aks-outbound-20-41-7-250");
    expect(firewallRuleName("20.41.7.250")).toMatch(/^[a-zA-Z0-9_-]{1,128}$/);
  });

  it("counts only its own rules as the portal's: the prefix, and the single rule of earlier environments", () => {
    expect(isPortalRule("aks-outbound-20-41-7-250")).toBe(true);
    expect(isPortalRule("aks-outbound")).toBe(true);
    expect(isPortalRule("office-vpn")).toBe(false);
    expect(isPortalRule("aks-outboundish")).toBe(false);
  });

  it("adds a rule per new address and removes the portal's rules for addresses gone, leaving other rules alone", () => {
    const existing = [
      rule("aks-outbound-20-1-1-1", "20.1.1.1"),
      rule("aks-outbound-20-2-2-2", "20.2.2.2"),
      rule("office-vpn", "198.51.100.7"),
    ];
    expect(firewallChanges(["20.1.1.1", "20.3.3.3"], existing)).toEqual({
      put: [{ name: "aks-outbound-20-3-3-3", address: "20.3.3.3" }],
      remove: ["aks-outbound-20-2-2-2"],
    });
  });

  it("changes nothing when every address has its rule", () => {
    const existing = [rule("aks-outbound-20-1-1-1", "20.1.1.1"), rule("aks-outbound-20-3-3-3", "20.3.3.3")];
    expect(firewallChanges(["20.1.1.1", "20.3.3.3"], existing)).toEqual({ put: [], remove: [] });
  });

  it("rewrites a rule of its name that admits something else, and replaces the earlier single rule", () => {
    const existing = [rule("aks-outbound-20-1-1-1", "20.1.1.0", "20.1.1.255"), rule("aks-outbound", "20.1.1.1")];
    expect(firewallChanges(["20.1.1.1"], existing)).toEqual({
      put: [{ name: "aks-outbound-20-1-1-1", address: "20.1.1.1" }],
      remove: ["aks-outbound"],
    });
  });
});
