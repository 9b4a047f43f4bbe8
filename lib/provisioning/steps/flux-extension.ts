import type { Extension } from "@azure/arm-kubernetesconfiguration";
import { ensureArmResource } from "@/lib/azure/ensure";
import type { StepRun } from "../context";

const CLUSTER_RP = "Microsoft.ContainerService";
const CLUSTER_TYPE = "managedClusters";
export const FLUX_EXTENSION_NAME = "flux";

/** Pinned, and installed at exactly that version: nothing else on the cluster changes Flux. */
const isPinnedAt = (extension: Extension, version: string) =>
  extension.autoUpgradeMinorVersion === false && extension.version === version && extension.currentVersion === version;

/**
 * Flux's helm-controller performs the Helm install inside the cluster; the portal never runs helm.
 * The extension is pinned (PORTAL_FLUX_EXTENSION_VERSION) rather than left to auto-upgrade: the Helm
 * inside helm-controller decides which charts install (chart 1.22.0 needs Helm 3.19.0 or later), so
 * it changes when the platform team changes the setting, not under running environments. An
 * extension found at another version, or unpinned, is brought to the pinned one (ARM's PATCH).
 */
export const installFluxExtension: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const version = ctx.config.fluxExtensionVersion;
  const pin = { autoUpgradeMinorVersion: false, version };
  const args = [env.names.resourceGroup, CLUSTER_RP, CLUSTER_TYPE, env.names.cluster, FLUX_EXTENSION_NAME] as const;
  const { resource, created } = await ctx.retry(() =>
    ensureArmResource({
      get: () => arm.extensions.extensions.get(...args, { abortSignal: ctx.signal }),
      put: () =>
        arm.extensions.extensions.beginCreateAndWait(
          ...args,
          { extensionType: "microsoft.flux", ...pin, scope: { cluster: { releaseNamespace: "flux-system" } } },
          { ...arm.poll, abortSignal: ctx.signal },
        ),
      state: (e) => e.provisioningState,
      pollMs: arm.poll.updateIntervalInMs,
      signal: ctx.signal,
    }),
  );
  if (created || isPinnedAt(resource, version)) {
    const installed = resource.currentVersion ?? version;
    await ctx.log(created ? `Flux ${installed} installed` : `Flux ${version} was already installed`);
    return { id: resource.id, version: installed };
  }
  const before = `${resource.currentVersion ?? "unknown"}${resource.autoUpgradeMinorVersion === false ? "" : " (auto-upgrading)"}`;
  const updated = await ctx.retry(() =>
    arm.extensions.extensions.beginUpdateAndWait(...args, pin, { ...arm.poll, abortSignal: ctx.signal }),
  );
  await ctx.log(`Flux updated from ${before} to ${updated.currentVersion ?? version}, pinned`);
  return { id: updated.id ?? resource.id, version: updated.currentVersion ?? version };
};
