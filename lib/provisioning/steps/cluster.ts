import type { ManagedCluster } from "@azure/arm-containerservice";
import { ensureArmResource } from "@/lib/azure/ensure";
import { SIZE_PRESETS } from "@/lib/environments/catalog";
import type { StepContext, StepRun } from "../context";
import { environmentTags } from "./resource-group";

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
      },
    ],
    oidcIssuerProfile: { enabled: true },
    securityProfile: { workloadIdentity: { enabled: true } },
    // AKS-managed Entra ID: the platform's admin group (which holds the portal's identity) is
    // cluster-admin; no static credentials exist to leak.
    aadProfile: { managed: true, enableAzureRbac: false, adminGroupObjectIDs: [ctx.config.aksAdminGroupId] },
    disableLocalAccounts: true,
    networkProfile: { networkPlugin: "azure", loadBalancerSku: "standard", outboundType: "loadBalancer" },
    // AKS's application routing add-on (managed NGINX and external-dns) publishes the Airflow UI
    // at https://<name>.<domain>, writing its record in the platform's DNS zone.
    ...(ctx.config.airflowAccess ? { ingressProfile: { webAppRouting: { enabled: true, dnsZoneResourceIds: [ctx.config.airflowAccess.dnsZoneId] } } } : {}),
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
