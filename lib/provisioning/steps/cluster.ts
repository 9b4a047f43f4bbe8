import type { ManagedCluster } from "@azure/arm-containerservice";
import { ensureArmResource } from "@/lib/azure/ensure";
import { SIZE_PRESETS } from "@/lib/environments/catalog";
import type { StepContext, StepRun } from "../context";
import { environmentTags } from "./resource-group";

/**
 * The cluster's network, stated rather than left to AKS's defaults (which changed with Kubernetes
 * 1.30 and differ between plugins): Azure CNI overlay, so pods take addresses from a private range
 * instead of the VNet (no subnet to size per pod, the same range reusable in every environment);
 * Cilium as dataplane, which enforces NetworkPolicy itself without a separate policy agent, chosen
 * now because changing a cluster's policy engine later reimages every node. Pod, service and DNS
 * addresses are AKS's documented defaults, kept clear of the VNet (10.224.0.0/12) AKS creates.
 */
export const CLUSTER_NETWORK = {
  networkPlugin: "azure",
  networkPluginMode: "overlay",
  networkDataplane: "cilium",
  networkPolicy: "cilium",
  podCidr: "10.244.0.0/16",
  serviceCidr: "10.0.0.0/16",
  dnsServiceIP: "10.0.0.10",
  loadBalancerSku: "standard",
  outboundType: "loadBalancer",
} as const satisfies ManagedCluster["networkProfile"];

/**
 * Pods per node, stated so it does not follow a default that differs by plugin (legacy Azure CNI
 * gives 30, too few for a KubernetesExecutor node running many small task pods): overlay's
 * default and Kubernetes' tested limit per node, within the /24 each node takes from the pod range.
 * The presets' nodes (4 to 16 vCPUs) run out of CPU and memory well before 110 Airflow pods.
 */
export const MAX_PODS_PER_NODE = 110;

/**
 * The Key Vault secrets provider (Secrets Store CSI driver): the application routing add-on's NGINX
 * reads the Key Vault certificate named on an Ingress through it; without it NGINX serves its own
 * default certificate. Rotation on, so a renewed certificate reaches NGINX within minutes.
 */
export const KEY_VAULT_SECRETS_PROVIDER = {
  azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } },
} as const satisfies ManagedCluster["addonProfiles"];

/** The spoke's node subnet, when the environment is built in the platform's network. */
const nodeSubnetId = (ctx: StepContext) => ctx.outputs["spoke-network"]?.nodeSubnetId as string | undefined;

export function clusterSpec(ctx: StepContext): ManagedCluster {
  const { env } = ctx;
  const preset = SIZE_PRESETS[env.size];
  return {
    location: env.region,
    tags: environmentTags(env),
    identity: { type: "SystemAssigned" },
    dnsPrefix: env.names.dnsPrefix,
    nodeResourceGroup: env.names.nodeResourceGroup,
    agentPoolProfiles: [
      {
        name: "system",
        mode: "System",
        vmSize: preset.nodeVmSize,
        osType: "Linux",
        type: "VirtualMachineScaleSets",
        count: preset.nodeMinCount,
        enableAutoScaling: true,
        minCount: preset.nodeMinCount,
        maxCount: preset.nodeMaxCount,
        maxPods: MAX_PODS_PER_NODE,
        // In the platform's network: the spoke's node subnet, where internal load balancers take their addresses too.
        ...(nodeSubnetId(ctx) ? { vnetSubnetID: nodeSubnetId(ctx) } : {}),
      },
    ],
    oidcIssuerProfile: { enabled: true },
    securityProfile: { workloadIdentity: { enabled: true } },
    // AKS-managed Entra ID: the platform's admin group (which holds the portal's identity) is
    // cluster-admin; no static credentials exist to leak.
    aadProfile: { managed: true, enableAzureRbac: false, adminGroupObjectIDs: [ctx.config.aksAdminGroupId] },
    disableLocalAccounts: true,
    networkProfile: { ...CLUSTER_NETWORK },
    // AKS's application routing add-on (managed NGINX and external-dns) publishes the Airflow UI
    // at https://<name>.<domain>, writing its record in the platform's DNS zone.
    ...(ctx.config.airflowAccess
      ? {
          ingressProfile: { webAppRouting: { enabled: true, dnsZoneResourceIds: [ctx.config.airflowAccess.dnsZoneId] } },
          addonProfiles: structuredClone(KEY_VAULT_SECRETS_PROVIDER),
        }
      : {}),
  };
}

export const createCluster: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const name = env.names.cluster;
  const { resource, created } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.aks.managedClusters.get(rg, name, { abortSignal: ctx.signal }),
      put: async () => {
        await ctx.log(`Creating AKS cluster ${name} (${clusterSpec(ctx).agentPoolProfiles![0]!.vmSize})`);
        return arm.aks.managedClusters.beginCreateOrUpdateAndWait(rg, name, clusterSpec(ctx), { ...arm.poll, abortSignal: ctx.signal });
      },
      state: (c) => c.provisioningState,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
      onWait: (state) => ctx.log(`Cluster ${name} is ${state.toLowerCase()}; waiting for it`),
    }),
  );
  await ctx.log(created ? `Cluster ${name} is running (Kubernetes ${resource.currentKubernetesVersion ?? resource.kubernetesVersion ?? "?"})` : `Cluster ${name} already exists`);
  return { id: resource.id, fqdn: resource.fqdn, nodeResourceGroup: resource.nodeResourceGroup };
};
