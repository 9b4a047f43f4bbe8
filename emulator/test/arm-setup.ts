import { ContainerServiceClient } from "@azure/arm-containerservice";
import { SourceControlConfigurationClient } from "@azure/arm-kubernetesconfiguration";
import { PostgreSQLManagementFlexibleServerClient, type Server } from "@azure/arm-postgresql-flexible";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SUBSCRIPTION, type TestEmulator } from "./support.js";

/** The ARM clients the portal uses, pointed at the emulator. */
export function armClients(env: TestEmulator) {
  return {
    resources: new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions),
    aks: new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions),
    pg: new PostgreSQLManagementFlexibleServerClient(env.credential, SUBSCRIPTION, env.clientOptions),
    extensions: new SourceControlConfigurationClient(env.credential, SUBSCRIPTION, env.clientOptions),
  };
}

export const serverBody = (): Server => ({
  location: "westeurope",
  sku: { name: "Standard_B1ms", tier: "Burstable" },
  version: "16",
  administratorLogin: "airflowadmin",
  administratorLoginPassword: "S3cure-Passw0rd!",
  storage: { storageSizeGB: 32 },
});

/** The next delete of `name` ends Failed, as Azure sometimes does. */
export const failNextDelete = (env: TestEmulator, name: string) =>
  env.control("POST", "faults", { type: "operationFailed", code: "InternalOperationError", message: "The delete could not be completed.", match: { kind: "delete", name }, count: 1 });
