import type { TokenCredential } from "@azure/core-auth";
import { KubeConfig } from "@kubernetes/client-node";
import { load } from "js-yaml";

/** Entra ID's application for every AKS API server: tokens for it are what Entra-enabled clusters accept. */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

export interface ClusterEndpoint {
  server: string;
  /** PEM, base64 as in a kubeconfig's `certificate-authority-data`. */
  certificateAuthorityData: string;
}

type KubeconfigYaml = { clusters?: { name?: string; cluster?: { server?: string; "certificate-authority-data"?: string } }[] };

/**
 * The API server's address and CA from the kubeconfig AKS hands out (`listClusterUserCredential`).
 * Its user entry (an `exec` of kubelogin on Entra clusters) is ignored: the portal authenticates
 * with its own credential instead.
 */
export function endpointFromKubeconfig(yaml: string): ClusterEndpoint {
  const doc = load(yaml) as KubeconfigYaml | undefined;
  const cluster = doc?.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster["certificate-authority-data"]) {
    throw new Error("The cluster's kubeconfig names no server or CA");
  }
  return { server: cluster.server, certificateAuthorityData: cluster["certificate-authority-data"] };
}

/**
 * A client-node configuration for one cluster, authenticated with an Entra token for the AKS
 * server application from the portal's own credential — never kubelogin, never the admin
 * credential. Build one per use: tokens expire, and `@azure/identity` caches them.
 */
export async function kubeConfigFor(endpoint: ClusterEndpoint, credential: TokenCredential, signal?: AbortSignal): Promise<KubeConfig> {
  const token = await credential.getToken(`${AKS_SERVER_APP_ID}/.default`, { abortSignal: signal });
  if (!token) throw new Error("No Entra token for the AKS server application");
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "aks", server: endpoint.server, caData: endpoint.certificateAuthorityData, skipTLSVerify: false }],
    users: [{ name: "portal", token: token.token }],
    contexts: [{ name: "aks", cluster: "aks", user: "portal" }],
    currentContext: "aks",
  });
  return kc;
}
