import type { TokenCredential } from "@azure/core-auth";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ArmClients } from "@/lib/azure/clients";
import { endpointFromKubeconfig, kubeConfigFor } from "@/lib/kubernetes/client";
import type { StepContext } from "../context";

/**
 * A Kubernetes client configuration for a cluster: server and CA from `listClusterUserCredential`,
 * and an Entra token for the AKS server application from the portal's own credential. Fetched for
 * each use, since tokens expire.
 */
export async function kubeConfigForCluster(arm: ArmClients, credential: TokenCredential, resourceGroup: string, cluster: string, signal?: AbortSignal): Promise<KubeConfig> {
  const result = await arm.aks.managedClusters.listClusterUserCredentials(resourceGroup, cluster, { abortSignal: signal });
  const value = result.kubeconfigs?.[0]?.value;
  if (!value) throw new Error(`AKS returned no kubeconfig for ${cluster}`);
  const endpoint = endpointFromKubeconfig(Buffer.from(value).toString("utf8"));
  return kubeConfigFor(endpoint, credential, signal);
}

/** The environment's cluster, for a step: the credential call retried as the engine retries cloud work. */
export async function clusterAccess(ctx: StepContext): Promise<KubeConfig> {
  const { env, arm } = ctx;
  return ctx.retry(() => kubeConfigForCluster(arm, ctx.credential, env.names.resourceGroup, env.names.cluster, ctx.signal));
}
