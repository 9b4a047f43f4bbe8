import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { StorageManagementClient } from "@azure/arm-storage";
import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import type { ArmClients } from "@/lib/azure/clients";
import type { Prisma } from "@/lib/generated/prisma/client";
import { environmentHelmValues, type AirflowReleaseSettings } from "@/lib/helm/airflow-values";
import { readDeployed } from "@/lib/provisioning/deployed";
import { kubeConfigForCluster } from "@/lib/provisioning/steps/cluster-access";
import { withTestDatabase } from "@/scripts/test-support/db";
import { startTestChartRepository, type TestChartRepository } from "@/scripts/test-support/helm";
import { eventLog, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";
import { emulatorAzureEnv } from "@/scripts/support/stack";
import { releaseSpecOf } from "../release-spec";
import { approveChange, requestChange } from "./change-request";
import { readWhatIf } from "./what-if";

/**
 * An environment built before environments had a managed identity and task logs in Blob Storage
 * (its release without them, its triggerer's logs on a disk, nothing of either in Azure) gets both
 * with its next change, as the change's what-if says: the identity and the storage account are
 * created, the release writes task logs to Blob Storage, and the log disk it no longer uses goes.
 */
const database = withTestDatabase();
let h: EngineHarness;
let charts: TestChartRepository;
let settings: AirflowReleaseSettings;

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  charts = await startTestChartRepository(process.env.AIRFLOW_CHARTS_DIR!);
  settings = { helmRepositoryUrl: charts.url, airflowExposure: "internal", airflowAccess: null };
  h.startWorker();
}, 60_000);
afterAll(async () => {
  await h?.close();
  await charts?.close();
});

describe.skipIf(!process.env.AIRFLOW_CHARTS_DIR)("an environment built before the identity and task logs", () => {
  it("gets both with its next change, and loses the log disk it no longer needs", async () => {
    const id = await requestAndApprove(database.prisma, h, "olden");
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id }, include: { team: true } });
    const spec = releaseSpecOf(env);
    const rg = spec.names.resourceGroup;
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const { credential, clientOptions } = h.emulator;
    const aks = new ContainerServiceClient(credential, sub, clientOptions);
    const msi = new ManagedServiceIdentityClient(credential, sub, clientOptions);
    const storage = new StorageManagementClient(credential, sub, { ...clientOptions, credentials: { scopes: [`${clientOptions.endpoint}/.default`] } });
    const kc = await kubeConfigForCluster({ aks } as unknown as ArmClients, credential, rg, spec.names.cluster);
    const core = kc.makeApiClient(CoreV1Api);
    const objects = KubernetesObjectApi.makeApiClient(kc);

    // As it was built then: the release's values without either, the triggerer's logs on a disk…
    const oldValues = environmentHelmValues({ ...spec, workloadIdentity: null, taskLogs: null }, settings);
    const release = await objects.read({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
    await objects.replace({ ...release, spec: { ...(release as KubernetesObject & { spec: object }).spec, values: oldValues } } as KubernetesObject, undefined, undefined, "airflow-portal");
    const claims = async () => (await core.listNamespacedPersistentVolumeClaim({ namespace: "airflow" })).items.map((c) => c.metadata!.name!);
    const deadline = Date.now() + 60_000;
    while (!(await claims()).some((c) => c.includes("triggerer")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await claims()).toContainEqual(expect.stringContaining("triggerer"));
    // …nothing of them in Azure, and nothing of them recorded.
    const account = spec.names.storageAccount;
    await storage.storageAccounts.delete(rg, account);
    await msi.userAssignedIdentities.delete(rg, spec.names.identity);
    const deployed = readDeployed(env.deployed)!;
    const { identity: _identity, taskLogs: _logs, ...before } = deployed;
    const { identity: _id, storageAccount: _account, ...resources } = deployed.resources;
    await database.prisma.environment.update({ where: { id }, data: { deployed: { ...before, resources, helmValues: oldValues } as unknown as Prisma.InputJsonValue } });

    const asked = await requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "medium", reason: "More room" }, settings);
    const whatIf = readWhatIf((await database.prisma.operation.findUniqueOrThrow({ where: { id: asked.operationId } })).whatIf)!;
    expect(whatIf.azure.map((a) => [a.resource, a.property])).toEqual(
      expect.arrayContaining([
        ["Managed identity", spec.names.identity],
        ["Storage account", account],
      ]),
    );
    expect(whatIf.consequences.join(" ")).toMatch(/built before environments had a managed identity and task logs in Blob Storage/);
    expect(whatIf.values).toContainEqual(expect.objectContaining({ path: "config.logging.remote_logging", after: '"True"' }));
    expect(whatIf.disks).toEqual([expect.stringContaining("triggerer")]);

    await approveChange(database.prisma, h.admin, { id, operationId: asked.operationId });
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000), await eventLog(database.prisma, id)).toBe("READY");

    const after = readDeployed((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).deployed)!;
    const identity = await msi.userAssignedIdentities.get(rg, spec.names.identity);
    expect(after.identity).toEqual({ clientId: identity.clientId, principalId: identity.principalId });
    expect(after.resources).toMatchObject({ identity: identity.id, storageAccount: expect.stringContaining(`/storageAccounts/${account}`) });
    expect(after.taskLogs).toMatchObject({ account, container: "airflow-logs" });
    expect(after.helmValues).toMatchObject({ config: { logging: { remote_logging: "True" } }, triggerer: { persistence: { enabled: false } } });
    expect(await storage.storageAccounts.getProperties(rg, account)).toMatchObject({ allowSharedKeyAccess: false });
    expect((await claims()).filter((c) => c.includes("triggerer"))).toEqual([]);
  }, 400_000);
});
