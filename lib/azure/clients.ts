import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { SourceControlConfigurationClient } from "@azure/arm-kubernetesconfiguration";
import { NetworkManagementClient } from "@azure/arm-network";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { ResourceManagementClient } from "@azure/arm-resources";
import { StorageManagementClient } from "@azure/arm-storage";
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import type { EngineConfig } from "@/lib/config";

/**
 * The portal's own identity: a service principal, workload identity or managed identity, as
 * `@azure/identity` finds it. `authorityHost` and `disableInstanceDiscovery` come from the
 * configuration, so a sovereign cloud or a local Entra stand-in works the same way.
 */
export function azureCredential(azure: EngineConfig["azure"]): TokenCredential {
  return new DefaultAzureCredential({
    tenantId: azure.tenantId,
    authorityHost: azure.authorityHost,
    disableInstanceDiscovery: azure.disableInstanceDiscovery,
    ...(azure.clientId ? { managedIdentityClientId: azure.clientId, workloadIdentityClientId: azure.clientId } : {}),
  });
}

export type ArmClients = ReturnType<typeof armClients>;

/** Every ARM client the engine uses, on the configured Resource Manager endpoint. */
export function armClients(azure: EngineConfig["azure"], credential: TokenCredential) {
  const options = {
    endpoint: azure.resourceManagerEndpoint,
    credentialScopes: [`${audienceOf(azure.resourceManagerEndpoint)}/.default`],
  };
  const sub = azure.subscriptionId;
  return {
    resources: new ResourceManagementClient(credential, sub, options),
    aks: new ContainerServiceClient(credential, sub, options),
    postgres: new PostgreSQLManagementFlexibleServerClient(credential, sub, options),
    extensions: new SourceControlConfigurationClient(credential, sub, options),
    network: new NetworkManagementClient(credential, sub, options),
    privateDns: new PrivateDnsManagementClient(credential, sub, options),
    msi: new ManagedServiceIdentityClient(credential, sub, options),
    // A client of the newer generation: its token scopes are `credentials.scopes`.
    storage: new StorageManagementClient(credential, sub, { endpoint: options.endpoint, credentials: { scopes: options.credentialScopes } }),
    /** For clients made per call (another subscription's DNS zone, role assignments at any scope). */
    options,
    /** How often the SDK's pollers ask about a long-running operation. */
    poll: { updateIntervalInMs: azure.pollIntervalMs },
  };
}

/** ARM's token audience: `https://management.azure.com` for the public cloud's endpoint, else the endpoint itself. */
function audienceOf(endpoint: string): string {
  return new URL(endpoint).host === "management.azure.com" ? "https://management.azure.com" : endpoint;
}
