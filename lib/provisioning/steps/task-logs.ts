import { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { StorageAccount, StorageAccountCreateParameters } from "@azure/arm-storage";
import { ensureArmResource } from "@/lib/azure/ensure";
import { CloudError } from "@/lib/azure/errors";
import { grantRole } from "@/lib/azure/role-assignments";
import { TASK_LOG_CONTAINER } from "@/lib/helm/task-logs-values";
import type { StepContext, StepRun } from "../context";
import { environmentTags } from "./resource-group";

/**
 * Task logs in Blob Storage: Airflow's remote logging writes each task's log to a container of the
 * environment's own storage account, so a log outlives the pod (or worker) that ran the task. The
 * account takes no keys at all: Airflow reaches it as the environment's managed identity, which is
 * granted Storage Blob Data Contributor on this account only.
 */

/**
 * What Azure's security baseline asks of an account: no shared keys (Entra sign-in by default), TLS
 * 1.2, https only, nothing public. The SDK flattens `properties` (`enableHttpsTrafficOnly` is the
 * wire's `supportsHttpsTrafficOnly`).
 */
const SECURE: Required<Pick<StorageAccountCreateParameters, "allowSharedKeyAccess" | "defaultToOAuthAuthentication" | "minimumTlsVersion" | "allowBlobPublicAccess" | "enableHttpsTrafficOnly">> = {
  allowSharedKeyAccess: false,
  defaultToOAuthAuthentication: true,
  minimumTlsVersion: "TLS1_2",
  allowBlobPublicAccess: false,
  enableHttpsTrafficOnly: true,
};

const insecureSettings = (account: StorageAccount) => (Object.keys(SECURE) as (keyof typeof SECURE)[]).filter((key) => account[key] !== SECURE[key]);

const notFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

/**
 * The account (created once; a PUT is a long-running operation, resumed by waiting on the account's
 * state) and its log container. An account whose security settings were changed since is set back.
 */
export const createTaskLogStorage: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.storageAccount;
  const { resource, created } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.storage.storageAccounts.getProperties(rg, name, { abortSignal: ctx.signal }),
      put: async () =>
        await arm.storage.storageAccounts.create(
          rg,
          name,
          { location: env.region, kind: "StorageV2", sku: { name: "Standard_LRS" }, tags: environmentTags(env), ...SECURE },
          { abortSignal: ctx.signal, updateIntervalInMs: arm.poll.updateIntervalInMs },
        ),
      state: (account) => account.provisioningState,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
      onWait: (state) => ctx.log(`Storage account ${name} is ${state}; waiting for it`),
    }),
  );
  let account = resource;
  const drifted = insecureSettings(account);
  if (!created && drifted.length > 0) {
    account = await ctx.retry(() => arm.storage.storageAccounts.update(rg, name, { ...SECURE }, { abortSignal: ctx.signal }));
    await ctx.log(`Set storage account ${name}'s ${drifted.join(", ")} back to the secure settings`, "warn");
  } else {
    await ctx.log(created ? `Created storage account ${name} (no shared keys, TLS 1.2, no public access)` : `Storage account ${name} already exists`);
  }
  const blobEndpoint = account.primaryEndpoints?.blob;
  if (!account.id || !blobEndpoint) throw new CloudError("StorageAccountIncomplete", `Azure reported no id or blob endpoint for storage account ${name}`, false);

  const container = await ctx.retry(async () => {
    try {
      return { found: await arm.storage.blobContainers.get(rg, name, TASK_LOG_CONTAINER, { abortSignal: ctx.signal }), created: false };
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    return { found: await arm.storage.blobContainers.create(rg, name, TASK_LOG_CONTAINER, { publicAccess: "None" }, { abortSignal: ctx.signal }), created: true };
  });
  await ctx.log(container.created ? `Created the ${TASK_LOG_CONTAINER} container for task logs` : `The ${TASK_LOG_CONTAINER} container already exists`);
  return { id: account.id, account: name, blobEndpoint, container: TASK_LOG_CONTAINER };
};

/** Storage Blob Data Contributor on the account (not the resource group) for the environment's managed identity. */
export const grantTaskLogAccess: StepRun = async (ctx: StepContext) => {
  const accountId = ctx.outputs["task-log-storage"]?.id as string | undefined;
  const principalId = ctx.outputs["workload-identity"]?.principalId as string | undefined;
  if (!accountId || !principalId) throw new CloudError("TaskLogAccessUnknown", "The storage account or the managed identity was not recorded by the steps before", false);
  const client = new AuthorizationManagementClient(ctx.credential, ctx.config.azure.subscriptionId, ctx.arm.options);
  const granted = await ctx.retry(() =>
    grantRole(client, accountId, "storageBlobDataContributor", principalId, ctx.signal, "Airflow portal: an environment's Airflow writes and reads its task logs"),
  );
  await ctx.log(`${granted ? "Granted" : "Already granted"}: Storage Blob Data Contributor on ${ctx.env.names.storageAccount} to ${ctx.env.names.identity}`);
  return { scope: accountId, principalId };
};
