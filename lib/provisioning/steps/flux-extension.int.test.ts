import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionCluster } from "@/emulator/test/cluster-setup";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import type { EngineConfig } from "@/lib/config";
import { emulatorStepContext, testEngineConfig, testEnvironment, type StepHarness } from "@/scripts/test-support/provisioning-steps";
import { FLUX_EXTENSION_NAME, installFluxExtension } from "./flux-extension";

/**
 * The Flux step through the real SDK client against the emulated Azure: the extension pinned at the
 * configured version, nothing written when it already is, and one found at another version (or
 * upgrading itself, as the portal used to install it) brought to the pinned one.
 */
type State = { counts: Record<string, { puts: number; patches?: number }>; clusters: { armId: string; flux?: { helmVersion: string } }[] };

let emulator: TestEmulator;
let h: StepHarness;
const env = testEnvironment("flux-pin");
const config = { ...testEngineConfig(), fluxExtensionVersion: "1.23.0" } as EngineConfig;
const args = [env.names.resourceGroup, "Microsoft.ContainerService", "managedClusters", env.names.cluster, FLUX_EXTENSION_NAME] as const;

const extension = () => h.ctx.arm.extensions.extensions.get(...args);
const setVersion = (patch: { autoUpgradeMinorVersion: boolean; version?: string }) => h.ctx.arm.extensions.extensions.beginUpdateAndWait(...args, patch, h.ctx.arm.poll);

/** Writes (PUT or PATCH) of the extension, and the Helm its cluster's Flux runs. */
async function observed() {
  const state = await emulator.control<State>("GET", "state");
  const id = `/${env.names.cluster}/providers/microsoft.kubernetesconfiguration/extensions/flux`.toLowerCase();
  const counted = Object.entries(state.counts).find(([key]) => key.endsWith(id))?.[1];
  const writes = (counted?.puts ?? 0) + (counted?.patches ?? 0);
  const helm = state.clusters.find((c) => c.armId.endsWith(`/${env.names.cluster}`))?.flux?.helmVersion;
  return { writes, helm };
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  h = emulatorStepContext(emulator, SUBSCRIPTION, env, config);
  await provisionCluster(emulator, env.names.resourceGroup, env.names.cluster, false);
});
afterAll(() => emulator?.close());

describe("the Flux extension step", () => {
  it("installs Flux pinned at the configured version, and a second run writes nothing", async () => {
    expect(await installFluxExtension(h.ctx)).toMatchObject({ version: "1.23.0" });
    expect(await extension()).toMatchObject({ extensionType: "microsoft.flux", autoUpgradeMinorVersion: false, version: "1.23.0", currentVersion: "1.23.0" });
    expect(await observed()).toEqual({ writes: 1, helm: "3.19.2" });

    await installFluxExtension(h.ctx);
    expect(await observed()).toEqual({ writes: 1, helm: "3.19.2" });
    expect(h.logs).toEqual(["Flux 1.23.0 installed", "Flux 1.23.0 was already installed"]);
  });

  it("brings an extension at another version to the pinned one", async () => {
    await setVersion({ autoUpgradeMinorVersion: false, version: "1.22.3" });
    expect((await observed()).helm).toBe("3.17");

    expect(await installFluxExtension(h.ctx)).toMatchObject({ version: "1.23.0" });
    expect(await extension()).toMatchObject({ autoUpgradeMinorVersion: false, version: "1.23.0", currentVersion: "1.23.0" });
    expect((await observed()).helm).toBe("3.19.2");
    expect(h.logs.at(-1)).toBe("Flux updated from 1.22.3 to 1.23.0, pinned");
  });

  it("pins an extension that upgrades itself, as the portal used to install it", async () => {
    await setVersion({ autoUpgradeMinorVersion: true });
    const before = (await observed()).writes;
    await installFluxExtension(h.ctx);
    expect(await extension()).toMatchObject({ autoUpgradeMinorVersion: false, version: "1.23.0" });
    expect((await observed()).writes).toBe(before + 1);
    expect(h.logs.at(-1)).toBe("Flux updated from 1.23.0 (auto-upgrading) to 1.23.0, pinned");
  });

  it("fails in Azure's words for a version Azure does not offer, leaving Flux as it was", async () => {
    const ctx = { ...h.ctx, config: { ...config, fluxExtensionVersion: "1.19.0" } };
    await expect(installFluxExtension(ctx)).rejects.toMatchObject({
      code: "ExtensionOperationFailed",
      transient: false,
      message: expect.stringContaining("Failed to resolve the extension version from the given values."),
    });
    expect(await extension()).toMatchObject({ version: "1.23.0", currentVersion: "1.23.0" });
  });
});
