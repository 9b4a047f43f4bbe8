import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import { emulatorStepContext, testEnvironment, type StepHarness } from "@/scripts/test-support/provisioning-steps";
import { createCluster } from "./cluster";
import { createResourceGroup } from "./resource-group";

/** The cluster step's request as AKS answers it: the real SDK client against the emulated Azure. */
let emulator: TestEmulator;
let h: StepHarness;

beforeAll(async () => {
  emulator = await startTestEmulator();
  h = emulatorStepContext(emulator, SUBSCRIPTION, testEnvironment("network"));
  await createResourceGroup(h.ctx);
});
afterAll(() => emulator?.close());

describe("the cluster step", () => {
  it("creates a cluster that reports Azure CNI overlay with Cilium and 110 pods per node", async () => {
    await createCluster(h.ctx);
    const { resourceGroup, cluster: name } = h.ctx.env.names;
    const cluster = await h.ctx.arm.aks.managedClusters.get(resourceGroup, name);
    expect(cluster.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      podCidr: "10.244.0.0/16",
      serviceCidr: "10.0.0.0/16",
      dnsServiceIP: "10.0.0.10",
      outboundType: "loadBalancer",
    });
    expect(cluster.agentPoolProfiles?.map((p) => p.maxPods)).toEqual([110]);
  });
});
