import { randomBytes, randomInt } from "node:crypto";
import type { Server } from "@azure/arm-postgresql-flexible";
import { ensureArmResource } from "@/lib/azure/ensure";
import { SIZE_PRESETS } from "@/lib/environments/catalog";
import type { StepContext, StepRun } from "../context";
import { environmentTags } from "./resource-group";

export const DATABASE_ADMIN = "airflowadmin";
/** Key in the step context's memory: the server's password, handed to the secrets step, never stored. */
export const PASSWORD_MEMORY_KEY = "database-password";

/** 32 characters with upper, lower, digits and a symbol: Azure's complexity rule, URL-safe. */
export function newDatabasePassword(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const body = Array.from(randomBytes(28), (b) => alphabet[b % alphabet.length]).join("");
  return `${body}A${randomInt(10)}a_`;
}

function privateNetwork(ctx: StepContext): Server["network"] | null {
  const subnet = ctx.outputs["spoke-network"]?.databaseSubnetId as string | undefined;
  const zone = ctx.outputs["database-dns"]?.id as string | undefined;
  if (!subnet || !zone) return null;
  return { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: subnet, privateDnsZoneArmResourceId: zone };
}

export function serverSpec(ctx: StepContext, password: string): Server {
  const preset = SIZE_PRESETS[ctx.env.size];
  return {
    location: ctx.env.region,
    tags: environmentTags(ctx.env),
    version: "16",
    sku: { name: preset.postgresSkuName, tier: preset.postgresTier },
    storage: { storageSizeGB: preset.postgresStorageGiB, autoGrow: "Enabled" },
    administratorLogin: DATABASE_ADMIN,
    administratorLoginPassword: password,
    authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
    // In the platform's network: private access only, in the spoke's delegated subnet, its name
    // resolved through the environment's private DNS zone. Otherwise public access limited by
    // firewall rules to the cluster's outbound addresses. Either way TLS is required by the
    // server's default `require_secure_transport=on`, and the connection asks for it too.
    network: privateNetwork(ctx) ?? { publicNetworkAccess: "Enabled" },
    highAvailability: { mode: "Disabled" },
    backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
  };
}

export const createDatabaseServer: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.postgresServer;
  const { resource, created } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.postgres.servers.get(rg, name, { abortSignal: ctx.signal }),
      put: async () => {
        const password = newDatabasePassword();
        ctx.memory.set(PASSWORD_MEMORY_KEY, password);
        await ctx.log(`Creating PostgreSQL 16 server ${name}`);
        return arm.postgres.servers.beginCreateOrUpdateAndWait(rg, name, serverSpec(ctx, password), { ...arm.poll, abortSignal: ctx.signal });
      },
      state: (s) => s.state,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
      onWait: (state) => ctx.log(`Server ${name} is ${state.toLowerCase()}; waiting for it`),
    }),
  );
  await ctx.log(created ? `Server ${resource.fullyQualifiedDomainName} is ready` : `Server ${name} already exists`);
  return { id: resource.id, host: resource.fullyQualifiedDomainName };
};

export const createAirflowDatabase: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const args = [env.names.resourceGroup, env.names.postgresServer, env.names.database] as const;
  const { resource } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.postgres.databases.get(...args, { abortSignal: ctx.signal }),
      put: () => arm.postgres.databases.beginCreateAndWait(...args, { charset: "UTF8", collation: "en_US.utf8" }, { ...arm.poll, abortSignal: ctx.signal }),
      state: () => undefined,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
    }),
  );
  await ctx.log(`Database ${env.names.database} exists`);
  return { id: resource.id };
};
