import { ensureArmResource } from "@/lib/azure/ensure";
import type { StepRun } from "../context";

const CLUSTER_RP = "Microsoft.ContainerService";
const CLUSTER_TYPE = "managedClusters";
export const FLUX_EXTENSION_NAME = "flux";

/** Flux's helm-controller performs the Helm install inside the cluster; the portal never runs helm. */
export const installFluxExtension: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const args = [env.names.resourceGroup, CLUSTER_RP, CLUSTER_TYPE, env.names.cluster, FLUX_EXTENSION_NAME] as const;
  const { resource, created } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.extensions.extensions.get(...args, { abortSignal: ctx.signal }),
      put: () =>
        arm.extensions.extensions.beginCreateAndWait(
          ...args,
          { extensionType: "microsoft.flux", autoUpgradeMinorVersion: true, scope: { cluster: { releaseNamespace: "flux-system" } } },
          { ...arm.poll, abortSignal: ctx.signal },
        ),
      state: (e) => e.provisioningState,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
    }),
  );
  await ctx.log(created ? "Flux installed" : "Flux was already installed");
  return { id: resource.id };
};
