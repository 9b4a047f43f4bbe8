import { afterEach, describe, expect, it, vi } from "vitest";

const oidc = { OIDC_AUTHORITY: "https://localhost:9443/oidc", OIDC_CLIENT_ID: "portal" };
const base = { DATABASE_URL: "postgresql://localhost/portal", SESSION_SECRET: "s".repeat(32), ...oidc };

async function configWith(env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const key of ["DATABASE_URL", "SESSION_SECRET", "ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "PORTAL_REGIONS", "PORTAL_AIRFLOW_VERSIONS", "OIDC_AUTHORITY", "OIDC_CLIENT_ID"]) {
    vi.stubEnv(key, env[key]);
  }
  const { config } = await import("./config");
  return config;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("configuration", () => {
  it("names every missing or malformed variable", async () => {
    const config = await configWith({ SESSION_SECRET: "short" });
    expect(() => config()).toThrow(/DATABASE_URL: is required[\s\S]*SESSION_SECRET: must be at least 32/);
  });

  it("signs in at another OpenID provider without Entra settings", async () => {
    const config = await configWith(base);
    expect(config().auth).toMatchObject({
      protocolMode: "OIDC",
      clientId: "portal",
      authority: "https://localhost:9443/oidc",
      knownAuthorities: ["localhost:9443"],
    });
  });

  it("refuses to start without any sign-in provider, or with one over plain http", async () => {
    const none = await configWith({ ...base, OIDC_AUTHORITY: undefined, OIDC_CLIENT_ID: undefined });
    expect(() => none()).toThrow(/set ENTRA_TENANT_ID and ENTRA_CLIENT_ID[\s\S]*or OIDC_AUTHORITY and OIDC_CLIENT_ID/);
    const clientless = await configWith({ ...base, OIDC_CLIENT_ID: undefined });
    expect(() => clientless()).toThrow(/OIDC_AUTHORITY and OIDC_CLIENT_ID/);
    const http = await configWith({ ...base, OIDC_AUTHORITY: "http://localhost:9443/oidc" });
    expect(() => http()).toThrow(/OIDC_AUTHORITY: must be an https:\/\/ URL/);
  });

  it("signs in with Entra ID when its tenant and client are set, and only both", async () => {
    const tenant = "11111111-2222-4333-8444-555555555555";
    const client = "6b7d9c1e-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
    const config = await configWith({ ...base, ENTRA_TENANT_ID: tenant, ENTRA_CLIENT_ID: client, OIDC_AUTHORITY: undefined, OIDC_CLIENT_ID: undefined });
    expect(config().auth).toEqual({
      clientId: client,
      authority: `https://login.microsoftonline.com/${tenant}`,
      issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
      protocolMode: "AAD",
      knownAuthorities: ["login.microsoftonline.com"],
    });
    const half = await configWith({ ...base, ENTRA_TENANT_ID: tenant });
    expect(() => half()).toThrow(/both ENTRA_TENANT_ID and ENTRA_CLIENT_ID/);
  });

  it("offers configured regions and only Airflow versions it has a chart for", async () => {
    const config = await configWith({ ...base, PORTAL_REGIONS: "westeurope, uksouth", PORTAL_AIRFLOW_VERSIONS: "2.11.2" });
    expect(config().catalog).toEqual({ regions: ["westeurope", "uksouth"], airflowVersions: ["2.11.2"] });
    const unknown = await configWith({ ...base, PORTAL_AIRFLOW_VERSIONS: "1.10.15" });
    expect(() => unknown()).toThrow(/PORTAL_AIRFLOW_VERSIONS: unsupported 1.10.15/);
    // Kept only for the environments that run it, not for new requests.
    const retired = await configWith({ ...base, PORTAL_AIRFLOW_VERSIONS: "3.2.2,3.0.6" });
    expect(() => retired()).toThrow(/PORTAL_AIRFLOW_VERSIONS: unsupported 3.0.6; supported: 3.2.2, 2.11.2/);
  });

  it("refuses a region list that offers nothing or is not in ARM's spelling", async () => {
    const empty = await configWith({ ...base, PORTAL_REGIONS: " , " });
    expect(() => empty()).toThrow(/PORTAL_REGIONS: lists no region/);
    const spelled = await configWith({ ...base, PORTAL_REGIONS: "westeurope,West Europe" });
    expect(() => spelled()).toThrow(/PORTAL_REGIONS: not an Azure region name: West Europe/);
    const repeated = await configWith({ ...base, PORTAL_REGIONS: "uksouth,uksouth" });
    expect(repeated().catalog.regions).toEqual(["uksouth"]);
  });
});

describe("the portal's release settings", () => {
  const release = [
    "PORTAL_HELM_REPOSITORY_URL",
    "PORTAL_AIRFLOW_EXPOSURE",
    "PORTAL_AIRFLOW_DOMAIN",
    "PORTAL_AIRFLOW_APP_TENANT_ID",
    "AZURE_TENANT_ID",
    "PORTAL_AIRFLOW_APP_AUTHORITY_HOST",
    "AZURE_AUTHORITY_HOST",
    "PORTAL_AIRFLOW_ADMIN_GROUP_ID",
    "PORTAL_AKS_ADMIN_GROUP_ID",
    "PORTAL_AIRFLOW_TEAM_ROLE",
  ];
  async function portalWith(env: Record<string, string | undefined>) {
    const config = await configWith({ ...base, ...env });
    for (const key of release) vi.stubEnv(key, env[key]);
    return config;
  }

  it("derive the values as the worker does: the official repository and an internal load balancer by default", async () => {
    const config = await portalWith({});
    expect(config().release).toEqual({ helmRepositoryUrl: "https://airflow.apache.org", airflowExposure: "internal", airflowAccess: null });
  });

  it("sign people in to Airflow once a domain is set, with the worker's fallbacks, and never read the app's secret", async () => {
    const group = "3F7C9A2E-6B1D-4C8E-9F2A-7D5E4B3C2A10";
    const config = await portalWith({
      PORTAL_AIRFLOW_DOMAIN: "airflow.contoso.com",
      AZURE_TENANT_ID: "t-1",
      PORTAL_AKS_ADMIN_GROUP_ID: group,
      PORTAL_HELM_REPOSITORY_URL: "https://charts.contoso.com/airflow/",
    });
    expect(config().release).toEqual({
      helmRepositoryUrl: "https://charts.contoso.com/airflow",
      airflowExposure: "internal",
      airflowAccess: { adminGroupId: group.toLowerCase(), teamRole: "Op", app: { tenantId: "t-1", authorityHost: "https://login.microsoftonline.com" } },
    });
    const tenantless = await portalWith({ PORTAL_AIRFLOW_DOMAIN: "airflow.contoso.com", PORTAL_AKS_ADMIN_GROUP_ID: group });
    expect(() => tenantless()).toThrow(/Invalid portal configuration: PORTAL_AIRFLOW_APP_TENANT_ID \(or AZURE_TENANT_ID\) is required/);
  });
});

describe("worker configuration", () => {
  async function engineWith(env: Record<string, string | undefined>) {
    vi.resetModules();
    for (const key of ["DATABASE_URL", "AZURE_SUBSCRIPTION_ID", "PORTAL_AKS_ADMIN_GROUP_ID", "AZURE_AUTHORITY_HOST", "AZURE_TENANT_ID", "PORTAL_AIRFLOW_EXPOSURE", "PORTAL_FLUX_EXTENSION_VERSION", "PORTAL_HUB_VNET_ID", "PORTAL_SPOKE_ADDRESS_POOL", ...Object.keys(access)]) {
      vi.stubEnv(key, env[key]);
    }
    const { engineConfig } = await import("./config");
    return engineConfig;
  }
  const access = {
    PORTAL_AIRFLOW_DOMAIN: "airflow.contoso.com",
    PORTAL_AIRFLOW_DNS_ZONE_ID: "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-platform/providers/Microsoft.Network/dnsZones/contoso.com",
    PORTAL_AIRFLOW_TLS_CERT_URI: "https://kv-platform.vault.azure.net/certificates/airflow-wildcard",
    PORTAL_AIRFLOW_KEY_VAULT_ID: "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-platform/providers/Microsoft.KeyVault/vaults/kv-platform",
    PORTAL_AIRFLOW_APP_CLIENT_ID: "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
    PORTAL_AIRFLOW_APP_CLIENT_SECRET: "app-secret",
  };
  const required = { DATABASE_URL: "postgresql://localhost/portal", AZURE_SUBSCRIPTION_ID: "00000000-0000-4000-8000-000000000000", PORTAL_AKS_ADMIN_GROUP_ID: "3f7c9a2e-6b1d-4c8e-9f2a-7d5e4b3c2a10" };

  it("names the subscription and the clusters' admin group when they are missing", async () => {
    const engineConfig = await engineWith({ DATABASE_URL: "postgresql://localhost/portal", AZURE_SUBSCRIPTION_ID: "not-a-uuid" });
    expect(() => engineConfig()).toThrow(/AZURE_SUBSCRIPTION_ID: must be a subscription id[\s\S]*PORTAL_AKS_ADMIN_GROUP_ID: is required/);
  });

  it("defaults to public Azure, an internal Airflow UI and the official chart repository", async () => {
    const config = (await engineWith(required))();
    expect(config.azure).toMatchObject({ resourceManagerEndpoint: "https://management.azure.com", disableInstanceDiscovery: false });
    expect(config).toMatchObject({ airflowExposure: "internal", helmRepositoryUrl: "https://airflow.apache.org" });
  });

  it("pins the Flux extension at 1.23.0 unless told otherwise, and names a malformed version", async () => {
    expect((await engineWith(required))().fluxExtensionVersion).toBe("1.23.0");
    expect((await engineWith({ ...required, PORTAL_FLUX_EXTENSION_VERSION: "1.22.3" }))().fluxExtensionVersion).toBe("1.22.3");
    const latest = await engineWith({ ...required, PORTAL_FLUX_EXTENSION_VERSION: "latest" });
    expect(() => latest()).toThrow(/PORTAL_FLUX_EXTENSION_VERSION: must be an extension version such as 1\.23\.0/);
  });

  it("builds environments as spokes of the hub only with both the hub and the pool, and names what is wrong", async () => {
    expect((await engineWith(required))().platformNetwork).toBeNull();
    const hub = "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-platform/providers/Microsoft.Network/virtualNetworks/vnet-hub";
    expect((await engineWith({ ...required, PORTAL_HUB_VNET_ID: hub, PORTAL_SPOKE_ADDRESS_POOL: "10.64.0.0/16" }))().platformNetwork).toMatchObject({ hubName: "vnet-hub", hubResourceGroup: "rg-platform", pool: "10.64.0.0/16" });
    const half = await engineWith({ ...required, PORTAL_HUB_VNET_ID: hub });
    expect(() => half()).toThrow(/PORTAL_SPOKE_ADDRESS_POOL must be set too/);
  });

  it("skips Entra's instance discovery only for an authority that is not Microsoft's", async () => {
    expect((await engineWith({ ...required, AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us" }))().azure.disableInstanceDiscovery).toBe(false);
    expect((await engineWith({ ...required, AZURE_AUTHORITY_HOST: "https://localhost:8443" }))().azure.disableInstanceDiscovery).toBe(true);
  });

  it("publishes Airflow at an https address only with the DNS zone, certificate and app registration all set", async () => {
    expect((await engineWith(required))().airflowAccess).toBeNull();
    const config = (await engineWith({ ...required, ...access, AZURE_TENANT_ID: "contoso.onmicrosoft.com" }))();
    expect(config.airflowAccess).toMatchObject({
      domain: "airflow.contoso.com",
      dnsZoneName: "contoso.com",
      recordSuffix: ".airflow",
      httpsPort: 443,
      teamRole: "Op",
      adminGroupId: required.PORTAL_AKS_ADMIN_GROUP_ID,
      app: { tenantId: "contoso.onmicrosoft.com", authorityHost: "https://login.microsoftonline.com" },
      graphEndpoint: "https://graph.microsoft.com",
    });
    const partial = await engineWith({ ...required, PORTAL_AIRFLOW_DOMAIN: "airflow.contoso.com", AZURE_TENANT_ID: "t" });
    expect(() => partial()).toThrow(/PORTAL_AIRFLOW_DOMAIN is set, so PORTAL_AIRFLOW_DNS_ZONE_ID, .*PORTAL_AIRFLOW_APP_CLIENT_SECRET must be too/);
    const outside = await engineWith({ ...required, ...access, PORTAL_AIRFLOW_DOMAIN: "airflow.fabrikam.com", AZURE_TENANT_ID: "t" });
    expect(() => outside()).toThrow(/airflow.fabrikam.com is not in the DNS zone contoso.com/);
    const otherVault = await engineWith({ ...required, ...access, PORTAL_AIRFLOW_TLS_CERT_URI: "https://kv-other.vault.azure.net/certificates/x", AZURE_TENANT_ID: "t" });
    expect(() => otherVault()).toThrow(/vault kv-other, but PORTAL_AIRFLOW_KEY_VAULT_ID names vault kv-platform/);
  });
});
