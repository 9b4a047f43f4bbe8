import type { FederatedIdentityCredential, Identity } from "@azure/arm-msi";
import type { StepContext, StepRun } from "../context";
import { environmentTags } from "./resource-group";

/**
 * Workload identity, in place of keys: one user-assigned managed identity per environment, and a
 * federated credential per Airflow service account that works with Azure (task logs in Blob Storage,
 * secrets in Key Vault), trusting the cluster's OIDC issuer for exactly that account. A pod of such
 * an account exchanges its projected service account token for the identity's Entra token; nothing
 * it holds is a secret that could leak.
 */

/** The audience Entra's token exchange expects in a Kubernetes service account token. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * The chart's service accounts (`<release>-<component>`) whose pods reach Azure: the scheduler,
 * triggerer, DAG processor and workers write task logs; the API server (Airflow 3) or webserver
 * (Airflow 2) reads them. Both UI accounts are federated, so an upgrade finds its own in place.
 * Azure allows 20 federated credentials per identity; these are six.
 */
export const AZURE_SERVICE_ACCOUNTS = ["scheduler", "triggerer", "dag-processor", "worker", "api-server", "webserver"] as const;

export function serviceAccountSubjects(ctx: Pick<StepContext, "env">): { name: string; subject: string }[] {
  const { namespace, helmRelease } = ctx.env.names;
  return AZURE_SERVICE_ACCOUNTS.map((component) => {
    const account = `${helmRelease}-${component}`;
    return { name: account, subject: `system:serviceaccount:${namespace}:${account}` };
  });
}

const notFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

async function readIdentity(ctx: StepContext): Promise<Identity | null> {
  try {
    return await ctx.arm.msi.userAssignedIdentities.get(ctx.env.names.resourceGroup, ctx.env.names.identity, { abortSignal: ctx.signal });
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
}

/** The environment's managed identity, created once (a user-assigned identity's PUT is synchronous). */
export const createWorkloadIdentity: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const name = env.names.identity;
  let identity = await ctx.retry(() => readIdentity(ctx));
  if (identity) {
    await ctx.log(`Managed identity ${name} already exists`);
  } else {
    identity = await ctx.retry(() =>
      arm.msi.userAssignedIdentities.createOrUpdate(env.names.resourceGroup, name, { location: env.region, tags: environmentTags(env) }, { abortSignal: ctx.signal }),
    );
    await ctx.log(`Created managed identity ${name} (client id ${identity.clientId})`);
  }
  // Ids, not secrets: the client id goes on the service accounts, the principal id into role assignments.
  // Its tenant too: Airflow's Azure connection names it (the one the identity's tokens come from).
  return { id: identity.id, clientId: identity.clientId, principalId: identity.principalId, tenantId: identity.tenantId };
};

const sameCredential = (found: FederatedIdentityCredential | undefined, wanted: FederatedIdentityCredential) =>
  found !== undefined && found.issuer === wanted.issuer && found.subject === wanted.subject && found.audiences?.length === 1 && found.audiences[0] === TOKEN_EXCHANGE_AUDIENCE;

/**
 * One federated credential per service account above, trusting the cluster's OIDC issuer: written
 * only where missing or different (a cluster's issuer URL never changes once on).
 */
export const federateServiceAccounts: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const cluster = await ctx.retry(() => arm.aks.managedClusters.get(rg, env.names.cluster, { abortSignal: ctx.signal }));
  const issuer = cluster.oidcIssuerProfile?.issuerURL;
  if (!cluster.oidcIssuerProfile?.enabled || !issuer) throw new Error(`Cluster ${env.names.cluster} has no OIDC issuer: its workloads cannot use the managed identity`);
  const existing = await ctx.retry(async () => {
    const found = new Map<string, FederatedIdentityCredential>();
    for await (const credential of arm.msi.federatedIdentityCredentials.list(rg, env.names.identity, { abortSignal: ctx.signal })) {
      if (credential.name) found.set(credential.name, credential);
    }
    return found;
  });
  const written: string[] = [];
  for (const { name, subject } of serviceAccountSubjects(ctx)) {
    const wanted: FederatedIdentityCredential = { issuer, subject, audiences: [TOKEN_EXCHANGE_AUDIENCE] };
    if (sameCredential(existing.get(name), wanted)) continue;
    await ctx.retry(() => arm.msi.federatedIdentityCredentials.createOrUpdate(rg, env.names.identity, name, wanted, { abortSignal: ctx.signal }));
    written.push(name);
  }
  await ctx.log(written.length > 0 ? `Service accounts ${written.join(", ")} may sign in as ${env.names.identity}` : `The service accounts' federated credentials were already in place`);
  return { issuer, subjects: serviceAccountSubjects(ctx).map((s) => s.subject) };
};
