import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armClients } from "./arm-setup.js";
import { clusterBody } from "./cluster-setup.js";
import { POLL, startTestEmulator, type TestEmulator } from "./support.js";

type Flux = { extensionVersion: string; helmControllerVersion: string; helmVersion: string };
type State = { clusters: { armId: string; flux?: Flux }[]; counts: Record<string, { puts: number }> };

let env: TestEmulator;
let extensions: ReturnType<typeof armClients>["extensions"];
const on = (cluster: string) => ["rg-flux-version", "Microsoft.ContainerService", "managedClusters", cluster, "flux"] as const;
const fluxOf = async (cluster: string) => (await env.control<State>("GET", "state")).clusters.find((c) => c.armId.endsWith(`/${cluster}`))?.flux;

beforeAll(async () => {
  env = await startTestEmulator();
  const clients = armClients(env);
  extensions = clients.extensions;
  await clients.resources.resourceGroups.createOrUpdate("rg-flux-version", { location: "westeurope" });
  for (const name of ["aks-pinned", "aks-unknown"]) {
    await clients.aks.managedClusters.beginCreateOrUpdateAndWait("rg-flux-version", name, clusterBody(), POLL);
  }
});
afterAll(() => env?.close());

describe("the microsoft.flux extension's version", () => {
  it("installs a pinned version, reports it, and exposes the Helm inside its helm-controller", async () => {
    const ext = await extensions.extensions.beginCreateAndWait(
      ...on("aks-pinned"),
      { extensionType: "microsoft.flux", autoUpgradeMinorVersion: false, version: "1.22.3", configurationSettings: { "multiTenancy.enforce": "false" } },
      POLL,
    );
    expect(ext).toMatchObject({ autoUpgradeMinorVersion: false, version: "1.22.3", currentVersion: "1.22.3", provisioningState: "Succeeded" });
    expect(await fluxOf("aks-pinned")).toEqual({ extensionVersion: "1.22.3", helmControllerVersion: "1.3", helmVersion: "3.17" });
  });

  it("moves to another version with a PATCH, keeping the settings, and the cluster's Flux follows", async () => {
    const updated = await extensions.extensions.beginUpdateAndWait(...on("aks-pinned"), { autoUpgradeMinorVersion: false, version: "1.23.0" }, POLL);
    expect(updated).toMatchObject({ version: "1.23.0", currentVersion: "1.23.0", configurationSettings: { "multiTenancy.enforce": "false" } });
    expect(await fluxOf("aks-pinned")).toEqual({ extensionVersion: "1.23.0", helmControllerVersion: "1.4.5", helmVersion: "3.19.2" });
  });

  it("runs the newest version when it upgrades itself, and refuses a version beside auto-upgrade", async () => {
    const auto = await extensions.extensions.beginUpdateAndWait(...on("aks-pinned"), { autoUpgradeMinorVersion: true }, POLL);
    expect(auto).toMatchObject({ autoUpgradeMinorVersion: true, currentVersion: "1.23.0" });
    expect(auto.version).toBeUndefined();
    await expect(extensions.extensions.beginUpdateAndWait(...on("aks-pinned"), { autoUpgradeMinorVersion: true, version: "1.22.3" }, POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidParameter",
    });
  });

  it("refuses a version it does not know with ARM's error, and leaves the extension as it was", async () => {
    const unknown = { code: "ExtensionOperationFailed", message: "The extension operation failed with the following error: Failed to resolve the extension version from the given values." };
    const create = extensions.extensions.beginCreateAndWait(...on("aks-unknown"), { extensionType: "microsoft.flux", autoUpgradeMinorVersion: false, version: "1.20.1" }, POLL);
    await expect(create).rejects.toMatchObject({ statusCode: 400, ...unknown });
    await expect(extensions.extensions.get(...on("aks-unknown"))).rejects.toMatchObject({ statusCode: 404 });

    const before = (await env.control<State>("GET", "state")).counts;
    await expect(extensions.extensions.beginUpdateAndWait(...on("aks-pinned"), { autoUpgradeMinorVersion: false, version: "9.9.9" }, POLL)).rejects.toMatchObject({ statusCode: 400, ...unknown });
    expect((await extensions.extensions.get(...on("aks-pinned"))).currentVersion).toBe("1.23.0");
    expect((await env.control<State>("GET", "state")).counts).toEqual(before);
  });

  it("answers a PATCH of an extension that does not exist with 404", async () => {
    const missing = ["rg-flux-version", "Microsoft.ContainerService", "managedClusters", "aks-pinned", "flux-two"] as const;
    await expect(extensions.extensions.beginUpdateAndWait(...missing, { autoUpgradeMinorVersion: false, version: "1.23.0" }, POLL)).rejects.toMatchObject({
      statusCode: 404,
      code: "ResourceNotFound",
    });
  });
});
