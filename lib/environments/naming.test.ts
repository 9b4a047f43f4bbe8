import { describe, expect, it } from "vitest";
import { NAME_LIMITS, deriveNames, newNameSuffix, type DerivedNames } from "./naming";

describe("derived names", () => {
  it("are deterministic", () => {
    expect(deriveNames("sales-etl", "0a1b2c")).toEqual({
      resourceGroup: "rg-airflow-sales-etl",
      nodeResourceGroup: "rg-airflow-sales-etl-nodes",
      cluster: "aks-airflow-sales-etl",
      dnsPrefix: "airflow-sales-etl",
      postgresServer: "pg-airflow-sales-etl-0a1b2c",
      database: "airflow",
      namespace: "airflow",
      helmRelease: "airflow",
      virtualNetwork: "vnet-airflow-sales-etl",
      hubPeering: "spoke-airflow-sales-etl-0a1b2c",
      databaseDnsZone: "pg-airflow-sales-etl-0a1b2c.private.postgres.database.azure.com",
      identity: "id-airflow-sales-etl",
      storageAccount: "stsalesetl0a1b2c",
    });
  });

  it("keep a storage account name unique per request and within Azure's 24 letters and digits", () => {
    expect(deriveNames("a1-b2-c3-d4-e5-f6-g7-h8z", "0a1b2c").storageAccount).toBe("sta1b2c3d4e5f6g7h80a1b2c");
    expect(deriveNames("sales-etl", "0a1b2c").storageAccount).not.toBe(deriveNames("sales-etl", "ffffff").storageAccount);
  });

  it("name a restored server after the environment's, numbered, and use it in place of the derived one", async () => {
    const { restoredServerName } = await import("./naming");
    expect(restoredServerName("sales-etl", "0a1b2c", 2)).toBe("pg-airflow-sales-etl-0a1b2c-r2");
    expect(deriveNames("sales-etl", "0a1b2c", "pg-airflow-sales-etl-0a1b2c-r2").postgresServer).toBe("pg-airflow-sales-etl-0a1b2c-r2");
    expect(deriveNames("sales-etl", "0a1b2c", null).postgresServer).toBe("pg-airflow-sales-etl-0a1b2c");
  });

  it.each(["abc", "a".repeat(24), "a1-b2-c3-d4-e5-f6-g7-h8z", "z".repeat(23) + "9"])(
    "of %j stay within each service's length and character rules",
    (name) => {
      const names = deriveNames(name, newNameSuffix());
      for (const [key, value] of Object.entries(names) as [keyof DerivedNames, string][]) {
        const limit = NAME_LIMITS[key];
        expect(value.length, key).toBeLessThanOrEqual(limit.max);
        expect(value, key).toMatch(limit.pattern);
      }
    },
  );

  it("refuses a malformed suffix", () => {
    expect(() => deriveNames("abc", "XYZ")).toThrow(/suffix/);
  });

  it("makes six lowercase hex characters", () => {
    for (let i = 0; i < 50; i++) expect(newNameSuffix()).toMatch(/^[0-9a-f]{6}$/);
  });
});
