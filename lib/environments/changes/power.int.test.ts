import { ContainerServiceClient } from "@azure/arm-containerservice";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import type { ArmClients } from "@/lib/azure/clients";
import { readDrift } from "@/lib/environments/drift-record";
import { readDeployed } from "@/lib/provisioning/deployed";
import { deriveNames } from "@/lib/environments/naming";
import { kubeConfigForCluster } from "@/lib/provisioning/steps/cluster-access";
import { tearDownEnvironment } from "@/lib/environments/teardown-environment";
import { readHibernation } from "@/lib/environments/hibernation-schedule";
import { setHibernation } from "@/lib/environments/set-hibernation";
import { RESTARTED_BY_AZURE } from "@/lib/provisioning/hibernation";
import { withTestDatabase } from "@/scripts/test-support/db";
import { eventLog, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";
import { emulatorAzureEnv } from "@/scripts/support/stack";
import { approveChange, reapplyEnvironment, requestPowerChange } from "./change-request";
import { readWhatIf } from "./what-if";

/**
 * Hibernating an environment and waking it up, through a real worker and the emulated Azure: the
 * release suspended, the cluster and the server stopped (and read back as stopped from Azure),
 * Airflow unreachable; started again in the other order with Airflow healthy; and a server Azure
 * starts by itself after 7 days (on the emulator's clock) stopped again by the worker.
 */
const database = withTestDatabase();
let h: EngineHarness;
let aks: ContainerServiceClient;
let postgres: PostgreSQLManagementFlexibleServerClient;

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
  aks = new ContainerServiceClient(h.emulator.credential, sub, h.emulator.clientOptions);
  postgres = new PostgreSQLManagementFlexibleServerClient(h.emulator.credential, sub, h.emulator.clientOptions);
  h.startWorker({ WORKER_HEALTH_INTERVAL_MS: "1000" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("stopping and starting an environment", () => {
  it("stops on approval, starts again healthy, and is stopped again when Azure starts its server after 7 days", async () => {
    const id = await requestAndApprove(database.prisma, h, "hibernate", { executor: "KubernetesExecutor", airflowVersion: "3.2.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const names = deriveNames(env.name, env.nameSuffix);
    const powerOf = async () => ({
      cluster: (await aks.managedClusters.get(names.resourceGroup, names.cluster)).powerState?.code,
      server: (await postgres.servers.get(names.resourceGroup, names.postgresServer)).state,
    });

    // Starting a running environment is refused; stopping is asked for with its what-if.
    await expect(requestPowerChange(database.prisma, h.ana, { id, action: "start", reason: "Morning" })).rejects.toThrow(/only be started while it is stopped/);
    const stop = await requestPowerChange(database.prisma, h.ana, { id, action: "stop", reason: "Quiet until January" });
    const whatIf = readWhatIf((await database.prisma.operation.findUniqueOrThrow({ where: { id: stop.operationId } })).whatIf)!;
    expect(whatIf.action).toBe("stop");
    expect(whatIf.cost.afterUsd).toBeLessThan(whatIf.cost.beforeUsd);
    expect(whatIf.consequences.join(" ")).toMatch(/after 7 days|no other management operation/);
    expect(await powerOf()).toEqual({ cluster: "Running", server: "Ready" });
    await approveChange(database.prisma, h.admin, { id, operationId: stop.operationId });
    expect(await waitForStatus(database.prisma, id, ["STOPPED", "FAILED"], 120_000), await eventLog(database.prisma, id)).toBe("STOPPED");
    expect(await powerOf()).toEqual({ cluster: "Stopped", server: "Stopped" });
    const log = await eventLog(database.prisma, id);
    expect(log.indexOf("Suspended the HelmRelease")).toBeLessThan(log.indexOf("Stopping cluster"));
    expect(log.indexOf("Stopping cluster")).toBeLessThan(log.indexOf("Stopping server"));

    // Eight days later on Azure's clock, the server has started by itself; the worker stops it again.
    await h.emulator.control("POST", "clock/advance", { seconds: 8 * 24 * 3600 });
    expect((await powerOf()).server).toBe("Ready");
    await waitForStatus(database.prisma, id, ["UPDATING"], 30_000);
    expect(await waitForStatus(database.prisma, id, ["STOPPED", "FAILED"], 60_000), await eventLog(database.prisma, id)).toBe("STOPPED");
    expect(await powerOf()).toEqual({ cluster: "Stopped", server: "Stopped" });
    const restop = await database.prisma.operation.findFirstOrThrow({ where: { environmentId: id, kind: "STOP", requestedById: null } });
    expect(restop).toMatchObject({ status: "SUCCEEDED", reason: RESTARTED_BY_AZURE });
    const trail = await database.prisma.auditEvent.findMany({ where: { environmentId: id }, select: { action: true, reason: true } });
    expect(trail).toContainEqual({ action: "environment.restopping", reason: RESTARTED_BY_AZURE });

    // An admin starts it directly: database, cluster, release, and Airflow answers again.
    const start = await requestPowerChange(database.prisma, h.admin, { id, action: "start", reason: "Back to work" });
    expect(start.applied).toBe(true);
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 120_000), await eventLog(database.prisma, id)).toBe("READY");
    expect(await powerOf()).toEqual({ cluster: "Running", server: "Ready" });
    const started = await eventLog(database.prisma, id);
    expect(started).toContain("Resumed the HelmRelease");
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "READY", health: "healthy" });

    // A stopped environment can still be torn down.
    await requestPowerChange(database.prisma, h.admin, { id, action: "stop", reason: "Done for good" });
    expect(await waitForStatus(database.prisma, id, ["STOPPED", "FAILED"], 120_000)).toBe("STOPPED");
    await tearDownEnvironment(database.prisma, h.admin, { id, confirmName: env.name });
    expect(await waitForStatus(database.prisma, id, ["DELETED", "FAILED"], 120_000), await eventLog(database.prisma, id)).toBe("DELETED");
  }, 500_000);

  it("follows the team's hibernation schedule, and a start by hand holds until the schedule's next change", async () => {
    const id = await requestAndApprove(database.prisma, h, "scheduled", { executor: "LocalExecutor", airflowVersion: "3.2.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const hhmm = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * 60_000).toISOString().slice(11, 16);
    // A window around now, in UTC: the worker stops the environment without anyone approving.
    const schedule = { timeZone: "UTC", stopAt: hhmm(-60), startAt: hhmm(60), weekends: false };
    await expect(setHibernation(database.prisma, h.ana, { id, ...schedule, timeZone: "Nowhere/Atlantis" })).rejects.toThrow();
    await setHibernation(database.prisma, h.ana, { id, ...schedule });
    expect(await waitForStatus(database.prisma, id, ["STOPPED", "FAILED"], 120_000), await eventLog(database.prisma, id)).toBe("STOPPED");
    const stop = await database.prisma.operation.findFirstOrThrow({ where: { environmentId: id, kind: "STOP" } });
    expect(stop.reason).toMatch(/^Hibernation schedule: Stopped daily/);
    expect(readHibernation((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).hibernation)?.lastWanted).toBe("stopped");

    // Started by hand inside the window: the schedule does not stop it again before its next change.
    await requestPowerChange(database.prisma, h.admin, { id, action: "start", reason: "Urgent backfill" });
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 120_000)).toBe("READY");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status).toBe("READY");
    expect(await database.prisma.operation.count({ where: { environmentId: id, kind: "STOP" } })).toBe(1);
    const trail = await database.prisma.auditEvent.findMany({ where: { environmentId: id }, select: { action: true, actorId: true } });
    expect(trail).toContainEqual({ action: "environment.hibernation-scheduled", actorId: h.ana.id });
    await setHibernation(database.prisma, h.ana, { id, clear: "1" });
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).hibernation).toBeNull();
  }, 400_000);

  it("finds a HelmRelease, a rendered object, the node pool and the server changed outside the portal; an admin's re-apply brings back the approved state", async () => {
    const id = await requestAndApprove(database.prisma, h, "drifting", { executor: "KubernetesExecutor", airflowVersion: "3.2.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const names = deriveNames(env.name, env.nameSuffix);
    const drift = async () => readDrift((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).drift);
    const until = async (what: string, check: () => Promise<boolean>) => {
      const deadline = Date.now() + 60_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(await drift())}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await until("a first look that finds no drift", async () => (await drift())?.differences.length === 0);

    // Someone edits the release's values by hand, as `kubectl edit` would (a merge patch, another manager).
    const kc = await kubeConfigForCluster({ aks } as unknown as ArmClients, h.emulator.credential, names.resourceGroup, names.cluster);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const header = { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: names.helmRelease, namespace: names.namespace } };
    await objects.patch({ ...header, spec: { values: { labels: { "edited-by": "hand" } } } }, undefined, undefined, "kubectl-edit", undefined, PatchStrategy.MergePatch);
    await until("the edit to be found", async () => (await drift())?.differences.some((d) => d.what === "Helm value labels.edited-by") ?? false);

    // A rendered object deleted by hand, another's image changed as `kubectl set image` would, and
    // the node pool's autoscaler range changed in Azure.
    const statsd = readDeployed(env.deployed)!.release!.objects.find((o) => o.kind === "Service" && o.name.endsWith("-statsd"))!;
    await objects.delete({ apiVersion: "v1", kind: "Service", metadata: { name: statsd.name, namespace: names.namespace } });
    const schedulerName = `${names.helmRelease}-scheduler`;
    const schedulerHeader = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: schedulerName, namespace: names.namespace } };
    const scheduler = (await objects.read(schedulerHeader)) as { spec: { template: { spec: { containers: { name: string; image: string }[] } } } };
    const renderedImage = scheduler.spec.template.spec.containers[0]!.image;
    const containerName = scheduler.spec.template.spec.containers[0]!.name;
    await objects.patch({ ...schedulerHeader, spec: { template: { spec: { containers: [{ name: containerName, image: "apache/airflow:hand-picked" }] } } } }, undefined, undefined, "kubectl-set", undefined, PatchStrategy.StrategicMergePatch);
    const pools = [];
    for await (const p of aks.agentPools.list(names.resourceGroup, names.cluster)) pools.push(p);
    const [pool] = pools;
    await aks.agentPools.beginCreateOrUpdateAndWait(names.resourceGroup, names.cluster, pool!.name!, { ...pool, maxCount: 6 }, { updateIntervalInMs: 50 });
    // And the server scaled down in Azure's portal.
    await postgres.servers.beginUpdateAndWait(names.resourceGroup, names.postgresServer, { sku: { name: "Standard_B1ms", tier: "Burstable" } }, { updateIntervalInMs: 50 });
    await until("the deleted Service, the pool's range and the server's SKU to be found", async () => {
      const found = (await drift())?.differences ?? [];
      return (
        found.some((d) => d.what === `Service ${statsd.name}` && d.actual === "missing") &&
        found.some((d) => d.what === "AKS node pool autoscaler range" && d.actual === "1–6 nodes") &&
        found.some((d) => d.what === "PostgreSQL SKU" && d.actual === "Standard_B1ms") &&
        found.some((d) => d.what === `Deployment ${schedulerName} images` && d.actual.includes("apache/airflow:hand-picked") && d.expected.includes(renderedImage))
      );
    });

    // Only an admin re-applies; it runs at once, and the values are the approved ones again.
    const settings = { helmRepositoryUrl: "http://127.0.0.1:9", airflowExposure: "internal" as const, airflowAccess: null };
    await expect(reapplyEnvironment(database.prisma, h.ana, { id, reason: "Undo" }, settings)).rejects.toThrow(/Only portal admins/);
    await reapplyEnvironment(database.prisma, h.admin, { id, reason: "Undo a hand edit" }, settings);
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 120_000), await eventLog(database.prisma, id)).toBe("READY");
    const release = (await objects.read(header)) as { spec: { values: Record<string, unknown> } };
    // The hand-added label is gone; the portal's own (workload identity's) stays.
    expect(release.spec.values.labels).toEqual({ "azure.workload.identity/use": "true" });
    expect(await objects.read({ apiVersion: "v1", kind: "Service", metadata: { name: statsd.name, namespace: names.namespace } })).toBeTruthy();
    expect((await aks.agentPools.get(names.resourceGroup, names.cluster, pool!.name!)).maxCount).toBe(3);
    expect((await postgres.servers.get(names.resourceGroup, names.postgresServer)).sku?.name).toBe("Standard_B2s");
    const restored = (await objects.read(schedulerHeader)) as typeof scheduler;
    expect(restored.spec.template.spec.containers.map((c) => c.image)).toContain(renderedImage);
    await until("a look that finds no drift again", async () => (await drift())?.differences.length === 0);
  }, 300_000);
});
