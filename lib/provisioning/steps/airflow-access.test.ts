import { describe, expect, it } from "vitest";
import { roleAssignmentName } from "@/lib/azure/role-assignments";
import type { AirflowAccessConfig } from "@/lib/config";
import { airflowRoles, redirectUriFor } from "./airflow-access";

const access = { adminGroupId: "3f7c9a2e-6b1d-4c8e-9f2a-7d5e4b3c2a10", teamRole: "Op" } as AirflowAccessConfig;
const analytics = { slug: "analytics", name: "Analytics", entraGroupId: "6F1C2A4E-1D5B-4C3E-9A7F-0D2B3C4D5E02" };

describe("Airflow sign-in", () => {
  it("registers FAB's callback under /auth on Airflow 3 and at the root on Airflow 2, keeping a non-default port", () => {
    expect(redirectUriFor("https://sales.airflow.contoso.com/", "3.0.6")).toBe("https://sales.airflow.contoso.com/auth/oauth-authorized/azure");
    expect(redirectUriFor("https://sales.airflow.contoso.com/", "2.10.5")).toBe("https://sales.airflow.contoso.com/oauth-authorized/azure");
    expect(redirectUriFor("https://sales.airflow.localhost:8444/", "3.0.6")).toBe("https://sales.airflow.localhost:8444/auth/oauth-authorized/azure");
  });

  it("gives the team its configured role and the platform admins Admin; a team that is the admins gets Admin once", () => {
    expect(airflowRoles(access, analytics)).toEqual([
      { groupId: "6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02", who: "Team Analytics", role: "Op" },
      { groupId: access.adminGroupId, who: "Platform admins", role: "Admin" },
    ]);
    expect(airflowRoles({ ...access, teamRole: "Admin" }, analytics)[0]!.role).toBe("Admin");
    expect(airflowRoles(access, { ...analytics, name: "Data Platform", entraGroupId: access.adminGroupId })).toEqual([
      { groupId: access.adminGroupId, who: "Team Data Platform (platform admins)", role: "Admin" },
    ]);
  });

  it("names role assignments by what they grant, so a retry or a teardown finds the same one", () => {
    const zone = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-dns/providers/Microsoft.Network/dnsZones/contoso.com";
    const principal = "11111111-2222-4333-8444-555555555555";
    const name = roleAssignmentName(zone, "dnsZoneContributor", principal);
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(roleAssignmentName(zone.toUpperCase(), "dnsZoneContributor", principal.toUpperCase())).toBe(name);
    expect(roleAssignmentName(zone, "keyVaultSecretsUser", principal)).not.toBe(name);
    expect(roleAssignmentName(zone, "dnsZoneContributor", "11111111-2222-4333-8444-555555555556")).not.toBe(name);
  });
});
