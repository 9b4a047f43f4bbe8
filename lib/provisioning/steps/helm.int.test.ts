import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { airflowSecrets, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "@/emulator/test/cluster-setup";
import { airflowCharts, needs, startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import type { EngineConfig } from "@/lib/config";
import { airflowHelmValues } from "@/lib/helm/airflow-values";
import { emulatorStepContext, testEngineConfig, testEnvironment, type StepHarness } from "@/scripts/test-support/provisioning-steps";
import { waitForHelmRelease } from "./helm";

/**
 * When Flux gives up on a release, the step log says what an operator would otherwise dig out
 * with `kubectl describe`: which pods were not ready and why, and Helm's last log lines. Through
 * the real client-node against the emulated cluster, whose kubelet decides readiness from the objects.
 */
let emulator: TestEmulator;
let objects: KubernetesObjectApi;
let core: CoreV1Api;

const env = testEnvironment("diagnosis");
const { resourceGroup, cluster } = env.names;
const config = {
  ...testEngineConfig(PLATFORM_ADMINS_GROUP_ID),
  helmTimeoutMs: 60_000,
  azure: { pollIntervalMs: 20 },
} as unknown as EngineConfig;

const portalValues = () => airflowHelmValues({ executor: "LocalExecutor", airflowVersion: "3.0.2", size: "small", dagSource: null });

const apply = (obj: object) =>
  objects.patch(obj as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);

/** A release in its own namespace, named as the portal names it; returns the waiting step's harness. */
async function install(namespace: string, values: Record<string, unknown>, secrets = airflowSecrets(namespace)): Promise<StepHarness> {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const secret of secrets) await objects.create(secret);
  await apply(helmRepository(namespace));
  await apply(helmRelease(values, env.names.helmRelease, namespace));
  return emulatorStepContext(emulator, SUBSCRIPTION, { ...env, names: { ...env.names, namespace } }, config);
}

async function failure(h: StepHarness): Promise<Error> {
  const error = await waitForHelmRelease(h.ctx).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error(`the release became ready; step log:\n${h.logs.join("\n")}`);
  return error;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  // An Entra cluster whose admins include the portal's identity: the step signs in as the portal does.
  const aadProfile = { managed: true, adminGroupObjectIDs: [PLATFORM_ADMINS_GROUP_ID] };
  const { kc } = await provisionCluster(emulator, resourceGroup, cluster, true, { aadProfile });
  // The metadata database the chart's migration Job connects to, reachable from the cluster.
  await provisionDatabase(emulator, resourceGroup, cluster);
  objects = KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(CoreV1Api);
}, 60_000);
afterAll(() => emulator?.close());

describe("waiting for the Helm release", () => {
  it("says which pods were not ready and why, and Helm's last words, when the install times out", async (ctx) => {
    needs(airflowCharts, ctx);
    // The values before the chart's jobs became plain Jobs: the migrations wait for Helm's wait, the pods for the migrations.
    const values = portalValues();
    delete values.migrateDatabaseJob;
    delete values.createUserJob;
    const h = await install("hooks", values);

    const error = await failure(h);
    expect(error.message).toMatch(/context deadline exceeded/);
    const log = h.logs.join("\n");
    expect(log).toMatch(/^Helm's last words: [^]*Deployment is not ready: hooks\/airflow-api-server\.[^]*context deadline exceeded/m);
    expect(log).toMatch(/^Not ready: pod airflow-scheduler-[a-z0-9-]+: init container wait-for-airflow-migrations still running$/m);
    expect(log).toMatch(/^Not ready: pod airflow-api-server-[a-z0-9-]+: init container wait-for-airflow-migrations still running$/m);
  });

  it("names the Secret key a pod cannot be started without, in the kubelet's words", async (ctx) => {
    needs(airflowCharts, ctx);
    const secrets = airflowSecrets("nokey").map((s) =>
      s.metadata.name === "airflow-jwt-secret" ? { ...s, stringData: { "wrong-key": "jwt-secret" } } : s,
    );
    const h = await install("nokey", portalValues(), secrets);

    await failure(h);
    expect(h.logs.join("\n")).toMatch(
      /^Not ready: pod airflow-[a-z-]+-[a-z0-9-]+: (init )?container [a-z-]+ CreateContainerConfigError: couldn't find key jwt-secret in Secret nokey\/airflow-jwt-secret$/m,
    );
  });

  it("logs no diagnosis when the release becomes ready", async (ctx) => {
    needs(airflowCharts, ctx);
    const h = await install("fine", portalValues());
    await expect(waitForHelmRelease(h.ctx)).resolves.toMatchObject({ revision: expect.any(String) });
    expect(h.logs.filter((l) => /^(Not ready|Helm's last words)/.test(l))).toEqual([]);
  });
});
