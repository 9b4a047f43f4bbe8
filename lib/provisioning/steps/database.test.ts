import { describe, expect, it } from "vitest";
import type { StepContext } from "../context";
import { testEngineConfig, testEnvironment } from "@/scripts/test-support/provisioning-steps";
import { serverSpec } from "./database";

const ctx = { env: testEnvironment("dbcheck"), config: testEngineConfig(), outputs: {} } as unknown as StepContext;

describe("the database server's specification", () => {
  it("has public access, limited by firewall rules, without the platform's network", () => {
    expect(serverSpec(ctx, "pw").network).toEqual({ publicNetworkAccess: "Enabled" });
  });

  it("has private access only in the spoke's delegated subnet, its name in the environment's private zone", () => {
    const subnet = "/subscriptions/s/resourceGroups/rg-airflow-dbcheck/providers/Microsoft.Network/virtualNetworks/vnet-airflow-dbcheck/subnets/postgres";
    const zone = "/subscriptions/s/resourceGroups/rg-airflow-dbcheck/providers/Microsoft.Network/privateDnsZones/pg-airflow-dbcheck-a1b2c3.private.postgres.database.azure.com";
    const spoke = { ...ctx, outputs: { "spoke-network": { databaseSubnetId: subnet }, "database-dns": { id: zone } } } as unknown as StepContext;
    expect(serverSpec(spoke, "pw").network).toEqual({ publicNetworkAccess: "Disabled", delegatedSubnetResourceId: subnet, privateDnsZoneArmResourceId: zone });
  });
});
