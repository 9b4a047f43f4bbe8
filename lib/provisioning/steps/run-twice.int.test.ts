import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import { emulatorStepContext, testEngineConfig, testEnvironment, type StepHarness } from "@/scripts/test-support/provisioning-steps";
import type { EngineConfig } from "@/lib/config";
import type { StepOutput, StepRun } from "../context";
import { createCluster } from "./cluster";
import { createAirflowDatabase, createDatabaseServer } from "./database";
import { openDatabaseToCluster } from "./database-firewall";
import { installFluxExtension } from "./flux-extension";
import { createResourceGroup } from "./resource-group";
import { createTaskLogStorage, grantTaskLogAccess } from "./task-logs";
import { createWorkloadIdentity, federateServiceAccounts } from "./workload-identity";

/**
 * Each ARM step run twice against the emulated Azure, as a retry or a takeover runs it again: the
 * second run sends no PUT (nor PATCH) to any resource, by the emulator's own count.
 */
type State = { counts: Record<string, { puts: number; patches?: number }> };

let emulator: TestEmulator;
let h: StepHarness;

async function writes(): Promise<Record<string, number>> {
  const { counts } = await emulator.control<State>("GET", "state");
  return Object.fromEntries(Object.entries(counts).map(([id, c]) => [id, c.puts + (c.patches ?? 0)]));
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  h = emulatorStepContext(emulator, SUBSCRIPTION, testEnvironment("twice"), { ...testEngineConfig(), fluxExtensionVersion: "1.23.0" } as EngineConfig);
});
afterAll(() => emulator?.close());

describe("a step run again", () => {
  const steps: [string, StepRun][] = [
    ["resource-group", createResourceGroup],
    ["cluster", createCluster],
    ["database-server", createDatabaseServer],
    ["database", createAirflowDatabase],
    ["flux-extension", installFluxExtension],
    ["database-firewall", openDatabaseToCluster],
    ["workload-identity", createWorkloadIdentity],
    ["federated-credentials", federateServiceAccounts],
    ["task-log-storage", createTaskLogStorage],
    ["task-log-access", grantTaskLogAccess],
  ];
  it.each(steps)("%s: writes nothing the second time", async (key, step) => {
    const before = await writes();
    // What later steps read from earlier ones, as the engine keeps it.
    (h.ctx.outputs as Record<string, StepOutput>)[key] = await step(h.ctx);
    const once = await writes();
    expect(Object.entries(once).filter(([id, n]) => n !== (before[id] ?? 0)).length, "the first run writes").toBeGreaterThan(0);
    await step(h.ctx);
    expect(await writes()).toEqual(once);
  });
});
