import { dump } from "js-yaml";
import { AKS_SERVER_APP_ID } from "../tokens.js";

/** The Azure CLI's public client, which kubelogin's device-code login signs in as. */
export const AZURE_CLI_CLIENT_ID = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";

export interface KubeconfigInput {
  clusterName: string;
  resourceGroup: string;
  server: string;
  caCert: string;
  admin: boolean;
  /** A static bearer token (local accounts), or kubelogin for an Entra cluster's user credential. */
  auth: { token: string } | { kubeloginTenantId: string };
}

/** What AKS puts under `user:` for an Entra cluster: no secret, an exec plugin that fetches a token. */
function kubeloginUser(tenantId: string) {
  return {
    exec: {
      apiVersion: "client.authentication.k8s.io/v1beta1",
      args: ["get-token", "--login", "devicecode", "--server-id", AKS_SERVER_APP_ID, "--client-id", AZURE_CLI_CLIENT_ID, "--tenant-id", tenantId, "--environment", "AzurePublicCloud"],
      command: "kubelogin",
      env: null,
      installHint: "\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://aka.ms/aks/kubelogin\n",
      provideClusterInfo: false,
    },
  };
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
    users: [{ name: user, user: "token" in input.auth ? { token: input.auth.token } : kubeloginUser(input.auth.kubeloginTenantId) }],
  });
}
