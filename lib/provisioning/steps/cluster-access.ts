import type { KubeConfig } from "@kubernetes/client-node";
import { endpointFromKubeconfig, kubeConfigFor } from "@/lib/kubernetes/client";
import type { StepContext } from "../context";

/**
 * A Kubernetes client configuration for the environment's cluster: server and CA from
 * `listClusterUserCredential`, and an Entra token for the AKS server application from the
 * portal's own credential. Fetched for each use, since tokens expire.
 */
export async function clusterAccess(ctx: StepContext): Promise<KubeConfig> {
  const { env, arm } = ctx;
  const result = await ctx.retry(() =>
    arm.aks.managedClusters.listClusterUserCredentials(env.names.resourceGroup, env.names.cluster, { abortSignal: ctx.signal }),
  );
  const value = result.kubeconfigs?.[0]?.value;
  if (!value) throw new Error(`AKS returned no kubeconfig for ${env.names.cluster}`);
  const endpoint = endpointFromKubeconfig(Buffer.from(value).toString("utf8"));
  return kubeConfigFor(endpoint, ctx.credential, ctx.signal);
}
