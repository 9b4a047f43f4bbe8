import { readFileSync } from "node:fs";
import { DnsManagementClient } from "@azure/arm-dns";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential } from "@azure/identity";
import { AIRFLOW_APP } from "../../emulator/src/cloud/airflow-app";
import { TENANT_ID as USER_TENANT_ID } from "../../emulator/src/identity/users";

/**
 * What a platform team prepares for Airflow's https addresses (README: "Airflow's address and
 * sign-in"), as the emulator plays it: a DNS zone for `airflow.localhost` (browsers resolve
 * `*.localhost` to this machine), a wildcard certificate in a Key Vault, and the Airflow app
 * registration (seeded in the emulator's Entra ID and Graph).
 */
export const EMULATED_PLATFORM = {
  subscriptionId: "00000000-0000-4000-8000-000000000000",
  resourceGroup: "rg-platform-airflow",
  domain: "airflow.localhost",
  vault: "kv-airflow-platform",
  certificate: "airflow-wildcard",
  /** The hub virtual network environments are peered with, and the pool their spokes' ranges come from. */
  hub: "vnet-hub-platform",
  hubAddressSpace: "10.100.0.0/16",
  spokePool: "10.64.0.0/16",
  /** The emulator's data-platform team (Ada Admin): Admin in every Airflow. */
  airflowAdminGroupId: "6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e01",
} as const;

const P = EMULATED_PLATFORM;
export const EMULATED_DNS_ZONE_ID = `/subscriptions/${P.subscriptionId}/resourceGroups/${P.resourceGroup}/providers/Microsoft.Network/dnsZones/${P.domain}`;

export const EMULATED_HUB_VNET_ID = `/subscriptions/${P.subscriptionId}/resourceGroups/${P.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${P.hub}`;

/** The portal's and the worker's settings for the platform's network (README: "The platform's network"). */
export function emulatorPlatformNetworkEnv(): Record<string, string> {
  return { PORTAL_HUB_VNET_ID: EMULATED_HUB_VNET_ID, PORTAL_SPOKE_ADDRESS_POOL: P.spokePool };
}

/** The worker's settings for https addresses and sign-in against the emulator. */
export function emulatorAirflowAccessEnv(emulator: { url: string; ingressPort: number }, airflowAdminGroupId: string = P.airflowAdminGroupId): Record<string, string> {
  return {
    PORTAL_AIRFLOW_DOMAIN: P.domain,
    PORTAL_AIRFLOW_DNS_ZONE_ID: EMULATED_DNS_ZONE_ID,
    PORTAL_AIRFLOW_TLS_CERT_URI: `https://${P.vault}.vault.azure.net/certificates/${P.certificate}`,
    PORTAL_AIRFLOW_KEY_VAULT_ID: `/subscriptions/${P.subscriptionId}/resourceGroups/${P.resourceGroup}/providers/Microsoft.KeyVault/vaults/${P.vault}`,
    PORTAL_AIRFLOW_HTTPS_PORT: String(emulator.ingressPort),
    PORTAL_AIRFLOW_APP_CLIENT_ID: AIRFLOW_APP.appId,
    PORTAL_AIRFLOW_APP_CLIENT_SECRET: AIRFLOW_APP.secret,
    PORTAL_AIRFLOW_APP_TENANT_ID: USER_TENANT_ID,
    PORTAL_AIRFLOW_APP_AUTHORITY_HOST: emulator.url,
    PORTAL_AIRFLOW_ADMIN_GROUP_ID: airflowAdminGroupId,
    PORTAL_GRAPH_ENDPOINT: emulator.url,
  };
}

/** Creates the platform's resource group, DNS zone and hub network in the emulator (idempotent, as a platform team's IaC would be). */
export async function prepareEmulatedPlatform(emulator: { url: string; caCertPath: string }): Promise<void> {
  const ca = readFileSync(emulator.caCertPath, "utf8");
  const credential = new ClientSecretCredential("11111111-1111-4111-8111-111111111111", "platform-team", "emulator-secret", {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca },
  });
  const options = { endpoint: emulator.url, credentialScopes: [`${emulator.url}/.default`], tlsOptions: { ca } };
  await new ResourceManagementClient(credential, P.subscriptionId, options).resourceGroups.createOrUpdate(P.resourceGroup, { location: "westeurope", tags: { purpose: "platform" } });
  await new DnsManagementClient(credential, P.subscriptionId, options).zones.createOrUpdate(P.resourceGroup, P.domain, { location: "global" });
  await new NetworkManagementClient(credential, P.subscriptionId, options).virtualNetworks.beginCreateOrUpdateAndWait(
    P.resourceGroup,
    P.hub,
    { location: "westeurope", addressSpace: { addressPrefixes: [P.hubAddressSpace] }, subnets: [{ name: "shared", addressPrefix: "10.100.0.0/24" }] },
    { updateIntervalInMs: 50 },
  );
}
