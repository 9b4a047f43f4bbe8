import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { StorageManagementClient } from "@azure/arm-storage";
import { SourceControlConfigurationClient } from "@azure/arm-kubernetesconfiguration";
import { NetworkManagementClient } from "@azure/arm-network";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { ArmClients } from "@/lib/azure/clients";
import { withRetry } from "@/lib/azure/errors";
import type { EngineConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { deriveNames } from "@/lib/environments/naming";
import { TENANT_ID } from "@/emulator/src/cloud/arm/cluster-ids";
import type { TestEmulator } from "@/emulator/test/support";
import type { EngineEnvironment, StepContext } from "@/lib/provisioning/context";

/**
 * What a test of one step needs without the engine around it: an environment as the engine
 * loads it, and a step context whose ARM clients are the real SDK clients on the emulator.
 */
export function testEnvironment(name: string, overrides: Partial<EngineEnvironment> = {}): EngineEnvironment {
  return {
    id: `00000000-0000-4000-8000-${Buffer.from(name).toString("hex").padEnd(12, "0").slice(0, 12)}`,
    name,
    names: deriveNames(name, "a1b2c3"),
    region: "westeurope",
    size: "small",
    executor: "KubernetesExecutor",
    airflowVersion: "3.0.6",
    chartVersion: "1.18.0",
    dagSource: null,
    team: { slug: "analytics", name: "Analytics", entraGroupId: "00000000-0000-4000-8000-00000000000b" },
    requestedBy: { email: "ana@example.test", name: "Ana Analyst" },
    ...overrides,
  };
}

/** Only what the steps under test read; the rest of the engine's configuration does not matter to them. */
export const testEngineConfig = (adminGroupId = "00000000-0000-4000-8000-00000000000a") =>
  ({ aksAdminGroupId: adminGroupId, airflowAccess: null }) as unknown as EngineConfig;

export interface StepHarness {
  ctx: StepContext;
  /** The step's log lines, in order. */
  logs: string[];
}

export function emulatorStepContext(
  emulator: TestEmulator,
  subscription: string,
  env: EngineEnvironment,
  config = testEngineConfig(),
  /** For steps that keep rows beside the cloud; a step test without one fails loudly if it touches it. */
  db: PrismaClient = new Proxy({} as PrismaClient, {
    get: (_target, key) => {
      throw new Error(`This step test has no database (the step read db.${String(key)})`);
    },
  }),
): StepHarness {
  const { credential, clientOptions } = emulator;
  const arm: ArmClients = {
    resources: new ResourceManagementClient(credential, subscription, clientOptions),
    aks: new ContainerServiceClient(credential, subscription, clientOptions),
    postgres: new PostgreSQLManagementFlexibleServerClient(credential, subscription, clientOptions),
    extensions: new SourceControlConfigurationClient(credential, subscription, clientOptions),
    network: new NetworkManagementClient(credential, subscription, clientOptions),
    privateDns: new PrivateDnsManagementClient(credential, subscription, clientOptions),
    msi: new ManagedServiceIdentityClient(credential, subscription, clientOptions),
    storage: new StorageManagementClient(credential, subscription, { ...clientOptions, credentials: { scopes: [`${emulator.url}/.default`] } }),
    options: { ...clientOptions, credentialScopes: [`${emulator.url}/.default`] },
    poll: { updateIntervalInMs: 10 },
  };
  const logs: string[] = [];
  const signal = new AbortController().signal;
  const ctx: StepContext = {
    env,
    // The subscription and tenant the steps name in what they write (role assignments, Airflow's connection).
    config: { ...config, azure: { ...config.azure, tenantId: config.azure?.tenantId ?? TENANT_ID, subscriptionId: subscription } },
    arm,
    credential,
    db,
    outputs: {},
    memory: new Map(),
    signal,
    attempt: 1,
    log: async (message) => {
      logs.push(message);
    },
    retry: (work) => withRetry(work, { signal, attempts: 3, baseDelayMs: 10 }),
    exclusive: (_name, work) => work(),
  };
  return { ctx, logs };
}
