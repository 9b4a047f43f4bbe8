import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterBody } from "./cluster-setup.js";
import { POLL, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "./support.js";

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env?.close());

describe("the realistic latency profile", () => {
  it("keeps Azure's proportions when scaled: an AKS create takes its share, seen through the SDK", async () => {
    const latencies = await env.control<Record<string, number>>("PATCH", "latencies", { profile: "realistic", scale: 0.004 });
    // 6.5 min × 0.004, 7.5 min × 0.004, 2 min × 0.004.
    expect(latencies).toMatchObject({ managedCluster: 1_560, postgresServer: 1_800, extension: 480, helmRelease: 720 });
    await env.control("PATCH", "latencies", { arm: 0, resourceGroup: 0 });
    const resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
    const aks = new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions);
    await resources.resourceGroups.createOrUpdate("rg-lat", { location: "westeurope" });
    const started = Date.now();
    const cluster = await aks.managedClusters.beginCreateOrUpdateAndWait("rg-lat", "aks-lat", clusterBody(), POLL);
    const took = Date.now() - started;
    expect(cluster.provisioningState).toBe("Succeeded");
    expect(took).toBeGreaterThanOrEqual(1_500);
    expect(took).toBeLessThan(10_000);
    await expect(env.control("PATCH", "latencies", { scale: 0.5 })).rejects.toThrow(/scale applies to a profile/);
  });
});
