import { describe, expect, it } from "vitest";
import { formatCidr, overlaps, parseCidr, rangeAt, rangeCount, usableAddresses } from "./address-ranges";
import { NODE_SUBNET_CAPACITY, parsePlatformNetwork, spokeLayout } from "./platform-network";

const HUB = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-platform/providers/Microsoft.Network/virtualNetworks/vnet-hub";

describe("address ranges", () => {
  it("parse CIDR ranges, refusing bad octets, prefixes and host bits", () => {
    expect(parseCidr("10.64.0.0/16")).toEqual({ start: 10 * 2 ** 24 + 64 * 2 ** 16, prefix: 16 });
    expect(formatCidr(parseCidr("192.168.4.0/22")!)).toBe("192.168.4.0/22");
    for (const bad of ["10.64.0.1/16", "10.256.0.0/16", "10.0.0.0/33", "10.0.0/16", "fd00::/8", "10.0.0.0"]) expect(parseCidr(bad), bad).toBeNull();
  });

  it("tell overlapping ranges from neighbours", () => {
    const r = (c: string) => parseCidr(c)!;
    expect(overlaps(r("10.64.0.0/16"), r("10.64.3.0/24"))).toBe(true);
    expect(overlaps(r("10.64.3.0/24"), r("10.64.0.0/16"))).toBe(true);
    expect(overlaps(r("10.64.3.0/24"), r("10.64.4.0/24"))).toBe(false);
    expect(overlaps(r("10.63.255.0/24"), r("10.64.0.0/16"))).toBe(false);
  });

  it("cut a pool into equal ranges", () => {
    const pool = parseCidr("10.64.0.0/22")!;
    expect(rangeCount(pool, 24)).toBe(4);
    expect([0, 1, 2, 3].map((i) => formatCidr(rangeAt(pool, 24, i)))).toEqual(["10.64.0.0/24", "10.64.1.0/24", "10.64.2.0/24", "10.64.3.0/24"]);
    expect(rangeCount(parseCidr("10.64.0.0/25")!, 24)).toBe(0);
    expect(usableAddresses(28)).toBe(11);
  });
});

describe("the platform's network settings", () => {
  it("are both or neither", () => {
    expect(parsePlatformNetwork(undefined, undefined)).toBeNull();
    expect(() => parsePlatformNetwork(HUB, undefined)).toThrow(/PORTAL_SPOKE_ADDRESS_POOL must be set too/);
    expect(() => parsePlatformNetwork(undefined, "10.64.0.0/16")).toThrow(/PORTAL_HUB_VNET_ID must be set too/);
  });

  it("name the hub by its resource id and a pool that leaves the clusters' own ranges alone", () => {
    expect(parsePlatformNetwork(HUB, "10.64.0.0/16")).toEqual({
      hubVnetId: HUB,
      hubSubscriptionId: "00000000-0000-4000-8000-000000000000",
      hubResourceGroup: "rg-platform",
      hubName: "vnet-hub",
      pool: "10.64.0.0/16",
    });
    expect(() => parsePlatformNetwork("/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/dnsZones/z", "10.64.0.0/16")).toThrow(/resource id of a virtual network/);
    expect(() => parsePlatformNetwork(HUB, "10.64.0.1/16")).toThrow(/not an IPv4 range in CIDR notation/);
    expect(() => parsePlatformNetwork(HUB, "10.64.0.0/25")).toThrow(/between a \/8 and a \/24/);
    expect(() => parsePlatformNetwork(HUB, "10.0.0.0/8")).toThrow(/overlaps 10\.244\.0\.0\/16/);
    expect(() => parsePlatformNetwork(HUB, "10.0.0.0/20")).toThrow(/overlaps 10\.0\.0\.0\/16/);
  });

  it("lay out a spoke: nodes in the first half, the database's delegated /28 after them", () => {
    expect(spokeLayout(parseCidr("10.64.7.0/24")!)).toEqual({ addressPrefix: "10.64.7.0/24", nodes: "10.64.7.0/25", database: "10.64.7.128/28" });
    // The largest preset's node count, and a surge node, fit the node subnet.
    expect(NODE_SUBNET_CAPACITY).toBeGreaterThanOrEqual(10 + 1);
  });
});
