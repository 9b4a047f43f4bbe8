import { dump } from "js-yaml";

export interface KubeconfigInput {
  clusterName: string;
  resourceGroup: string;
  server: string;
  caCert: string;
  token: string;
  admin: boolean;
}

/** The kubeconfig AKS hands out, pointed at the cluster's emulated API server. */
export function buildKubeconfig(input: KubeconfigInput): string {
  const user = `${input.admin ? "clusterAdmin" : "clusterUser"}_${input.resourceGroup}_${input.clusterName}`;
  const context = input.admin ? `${input.clusterName}-admin` : input.clusterName;
  return dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: input.clusterName,
        cluster: { server: input.server, "certificate-authority-data": Buffer.from(input.caCert).toString("base64") },
      },
    ],
    contexts: [{ name: context, context: { cluster: input.clusterName, user } }],
    "current-context": context,
    preferences: {},
    users: [{ name: user, user: { token: input.token } }],
  });
}
