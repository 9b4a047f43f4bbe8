import { ContainerServiceClient } from "@azure/arm-containerservice";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { CoreV1Api, KubernetesObjectApi, type V1Secret } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import type { ArmClients } from "@/lib/azure/clients";
import { estimateMonthlyCost } from "@/lib/environments/catalog";
import { deriveNames } from "@/lib/environments/naming";
import { AIRFLOW_SECRET_NAMES, type AirflowReleaseSettings } from "@/lib/helm/airflow-values";
import { readDeployed } from "@/lib/provisioning/deployed";
import { kubeConfigForCluster } from "@/lib/provisioning/steps/cluster-access";
import { withTestDatabase } from "@/scripts/test-support/db";
import { startTestChartRepository, type TestChartRepository } from "@/scripts/test-support/helm";
import { eventLog, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";
import { emulatorAzureEnv } from "@/scripts/support/stack";
import { approveChange, rejectChange, requestChange, requestRestore, requestTeardown, withdrawChange } from "./change-request";
import { restoreOption } from "./restore";
import { readWhatIf } from "./what-if";

/**
 * A change to a running environment through real workers and the emulated Azure and Flux: the
 * what-if computed when it is asked for, four eyes on the approval, and the change applied as the
 * what-if said — Celery's Redis and workers gone from the cluster, their disks deleted, the
 * HelmRelease in the cluster carrying the new values, the environment READY with its new executor.
 * And an upgrade whose migration fails: the migration Job's `airflow db migrate` fails every retry,
 * Helm's wait gives up, the environment is FAILED (never rolled back by itself), and an admin
 * restores the database from the upgrade's backup to a new server, the metadata Secret pointed at
 * it, the chart from before applied again, Airflow healthy against the restored server.
 */
const database = withTestDatabase();
const chartsDir = process.env.AIRFLOW_CHARTS_DIR;
let h: EngineHarness;
let charts: TestChartRepository;
let settings: AirflowReleaseSettings;

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  // The what-if renders in this process, from the same chart packages the emulated Flux installs.
  charts = await startTestChartRepository(chartsDir!);
  settings = { helmRepositoryUrl: charts.url, airflowExposure: "internal", airflowAccess: null };
  h.startWorker();
}, 60_000);

afterAll(async () => {
  await h?.close();
  await charts?.close();
});

describe.skipIf(!chartsDir)("changing a running environment", () => {
  it("switches Celery to the Kubernetes executor as its what-if says: Redis and workers gone, their disks deleted", async () => {
    const id = await requestAndApprove(database.prisma, h, "switch-celery", { executor: "CeleryExecutor", airflowVersion: "3.2.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const names = deriveNames(env.name, env.nameSuffix);

    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const { credential, clientOptions } = h.emulator;
    const arm = { aks: new ContainerServiceClient(credential, sub, clientOptions), postgres: new PostgreSQLManagementFlexibleServerClient(credential, sub, clientOptions) };
    const kc = await kubeConfigForCluster(arm as unknown as ArmClients, credential, names.resourceGroup, names.cluster);
    const core = kc.makeApiClient(CoreV1Api);
    const claims = async () => (await core.listNamespacedPersistentVolumeClaim({ namespace: names.namespace })).items.map((c) => c.metadata!.name!).sort();
    const celeryClaims = (await claims()).filter((c) => c.includes("worker") || c.includes("redis"));
    expect(celeryClaims.length).toBeGreaterThan(0);

    // Ana asks; the what-if is stored with the change, and nothing is applied yet.
    const asked = await requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "small", reason: "Isolate tasks per pod" }, settings);
    expect(asked.applied).toBe(false);
    const pending = await database.prisma.operation.findUniqueOrThrow({ where: { id: asked.operationId } });
    expect(pending.status).toBe("PENDING_APPROVAL");
    const whatIf = readWhatIf(pending.whatIf)!;
    expect(whatIf.objects.status).toBe("listed");
    expect(whatIf.components.disappear.join(" ")).toMatch(/Redis/);
    expect(whatIf.components.disappear.join(" ")).toMatch(/Celery workers/);
    expect([...whatIf.disks].sort()).toEqual(celeryClaims);
    expect(whatIf.values).toContainEqual({ path: "executor", before: '"CeleryExecutor"', after: '"KubernetesExecutor"' });
    // Priced as the environment is: its task logs in Blob Storage, so Redis's is the only disk that goes.
    expect(whatIf.cost).toEqual({
      beforeUsd: estimateMonthlyCost({ executor: "CeleryExecutor", size: "small", taskLogs: true }).totalUsd,
      afterUsd: estimateMonthlyCost({ executor: "KubernetesExecutor", size: "small", taskLogs: true }).totalUsd,
    });
    expect(whatIf.azure).toEqual([]);

    // One thing at a time: a second change is refused while this one waits.
    await expect(requestChange(database.prisma, h.ana, { id, executor: "LocalExecutor", size: "small", reason: "Another" }, settings)).rejects.toThrow(/waiting for approval/);
    // Ana is no admin; an admin cannot approve a change they asked for (none here), but may approve Ana's.
    await expect(approveChange(database.prisma, h.ana, { id, operationId: asked.operationId })).rejects.toThrow(/admins/);
    await approveChange(database.prisma, h.admin, { id, operationId: asked.operationId });
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status).toBe("UPDATING");

    const status = await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000);
    expect(status, await eventLog(database.prisma, id)).toBe("READY");

    const after = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    expect(after.executor).toBe("KubernetesExecutor");
    const deployed = readDeployed(after.deployed)!;
    expect(deployed.helmValues).toMatchObject({ executor: "KubernetesExecutor", redis: { enabled: false } });
    expect(deployed.resources.cluster).toBeTruthy();
    // The cluster holds what was recorded: the HelmRelease's values, and no Celery workload or disk.
    const release = (await KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: names.helmRelease, namespace: names.namespace } })) as { spec: { values: unknown } };
    expect(release.spec.values).toEqual(deployed.helmValues);
    const sets = await kc.makeApiClient((await import("@kubernetes/client-node")).AppsV1Api).listNamespacedStatefulSet({ namespace: names.namespace });
    expect(sets.items.map((s) => s.metadata!.name).filter((n) => /worker|redis/.test(n!))).toEqual([]);
    expect((await claims()).filter((c) => celeryClaims.includes(c))).toEqual([]);
    // Kubernetes kept them when the StatefulSets went; the change's own step deleted them.
    const log = await eventLog(database.prisma, id);
    for (const claim of celeryClaims) expect(log).toContain(`Deleted claim ${claim}`);
    // A change of executor alone leaves Azure as it was: one pool, the same server SKU.
    const pools = [];
    for await (const p of arm.aks.agentPools.list(names.resourceGroup, names.cluster)) pools.push(p);
    expect(pools.map((p) => p.vmSize)).toEqual(["Standard_D4ds_v5"]);

    const trail = await database.prisma.auditEvent.findMany({ where: { environmentId: id }, orderBy: { id: "asc" }, select: { action: true } });
    expect(trail.map((e) => e.action).slice(-3)).toEqual(["environment.change-requested", "environment.change-approved", "environment.updated"]);
  }, 400_000);

  it("scales up, then down: a new node pool of the larger VM size, the server's SKU, storage that only grows", async () => {
    const id = await requestAndApprove(database.prisma, h, "scale-up", { executor: "KubernetesExecutor", airflowVersion: "3.2.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const names = deriveNames(env.name, env.nameSuffix);
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const { credential, clientOptions } = h.emulator;
    const aks = new ContainerServiceClient(credential, sub, clientOptions);
    const postgres = new PostgreSQLManagementFlexibleServerClient(credential, sub, clientOptions);
    const pools = async () => {
      const all = [];
      for await (const p of aks.agentPools.list(names.resourceGroup, names.cluster)) all.push({ name: p.name, vmSize: p.vmSize, minCount: p.minCount, maxCount: p.maxCount, mode: p.mode });
      return all;
    };

    const up = await requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "medium", reason: "More DAGs" }, settings);
    const whatIf = readWhatIf((await database.prisma.operation.findUniqueOrThrow({ where: { id: up.operationId } })).whatIf)!;
    expect(whatIf.azure.map((a) => `${a.resource}: ${a.property} ${a.before} → ${a.after}`)).toEqual([
      "AKS node pool: VM size Standard_D4ds_v5 → Standard_D8ds_v5",
      "AKS node pool: Autoscaler range 1–3 nodes → 2–5 nodes",
      "PostgreSQL server: SKU Standard_B2s (Burstable) → Standard_D2ds_v5 (GeneralPurpose)",
      "PostgreSQL server: Storage 32 GiB → 64 GiB",
    ]);
    expect(whatIf.cost.afterUsd).toBeGreaterThan(whatIf.cost.beforeUsd);
    await approveChange(database.prisma, h.admin, { id, operationId: up.operationId });
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000), await eventLog(database.prisma, id)).toBe("READY");
    expect(await pools()).toEqual([{ name: "d8dsv5", vmSize: "Standard_D8ds_v5", minCount: 2, maxCount: 5, mode: "System" }]);
    const server = await postgres.servers.get(names.resourceGroup, names.postgresServer);
    expect(server).toMatchObject({ sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" }, storage: { storageSizeGB: 64 } });
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "READY", size: "medium" });

    // An admin's own change applies at once; the storage stays as it grew.
    const down = await requestChange(database.prisma, h.admin, { id, executor: "KubernetesExecutor", size: "small", reason: "Quiet quarter" }, settings);
    expect(down.applied).toBe(true);
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000), await eventLog(database.prisma, id)).toBe("READY");
    expect(await pools()).toEqual([{ name: "d4dsv5", vmSize: "Standard_D4ds_v5", minCount: 1, maxCount: 3, mode: "System" }]);
    expect(await postgres.servers.get(names.resourceGroup, names.postgresServer)).toMatchObject({ sku: { name: "Standard_B2s", tier: "Burstable" }, storage: { storageSizeGB: 64 } });
  }, 400_000);

  it("upgrades Airflow 2.11 to 3.2 after an on-demand backup, with the migrations run, and refuses a downgrade", async () => {
    const id = await requestAndApprove(database.prisma, h, "upgrade-211", { executor: "KubernetesExecutor", airflowVersion: "2.11.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const names = deriveNames(env.name, env.nameSuffix);
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const postgres = new PostgreSQLManagementFlexibleServerClient(h.emulator.credential, sub, h.emulator.clientOptions);
    const onDemand = async () => {
      const all = [];
      for await (const b of postgres.backupsAutomaticAndOnDemand.listByServer(names.resourceGroup, names.postgresServer)) if (b.backupType === "Customer On-Demand") all.push(b.name);
      return all;
    };
    expect(await onDemand()).toEqual([]);

    const asked = await requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "small", airflowVersion: "3.2.2", reason: "Airflow 3" }, settings);
    const whatIf = readWhatIf((await database.prisma.operation.findUniqueOrThrow({ where: { id: asked.operationId } })).whatIf)!;
    expect(whatIf.to.airflowVersion).toBe("3.2.2");
    expect(whatIf.consequences.join(" ")).toMatch(/on-demand backup.*taken first/);
    expect(whatIf.consequences.join(" ")).toMatch(/never rolled back/);
    expect(whatIf.objects.status === "listed" && whatIf.objects.added.map((o) => o.name)).toContain(`${names.helmRelease}-api-server`);
    await approveChange(database.prisma, h.admin, { id, operationId: asked.operationId });
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000), await eventLog(database.prisma, id)).toBe("READY");

    // The backup came first, then the release: its migration Job ran `airflow db migrate` for 3.2.2.
    const log = await eventLog(database.prisma, id);
    expect(await onDemand()).toHaveLength(1);
    expect(log.indexOf("Backup before-airflow-3-2-2")).toBeGreaterThan(0);
    expect(log.indexOf("Backup before-airflow-3-2-2")).toBeLessThan(log.lastIndexOf("applied (chart airflow"));
    // Airflow 3's own secrets were made for it (the environment was built with Airflow 2's).
    expect(log).toMatch(/Created secrets .*api-secret-key.*jwt.* for Airflow 3\.2\.2/);
    const after = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ airflowVersion: "3.2.2", status: "READY", health: "healthy" });
    expect(readDeployed(after.deployed)!.helmValues).toMatchObject({ airflowVersion: "3.2.2" });

    // Back down is refused before anything is stored.
    await expect(requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "small", airflowVersion: "2.11.2", reason: "Roll back" }, settings)).rejects.toThrow(/only go forward/);
    expect(await database.prisma.operation.count({ where: { environmentId: id, kind: "UPDATE" } })).toBe(1);
  }, 400_000);

  it("moves an environment on an older chart to the platform's chart for its Airflow version, after a backup", async () => {
    // Recorded when the platform ran Airflow 2.11.2 on chart 1.18.0; it now pairs 2.11.2 with 1.22.0.
    const id = await requestAndApprove(database.prisma, h, "chart-only", { executor: "KubernetesExecutor", airflowVersion: "2.11.2" }, async (pending) => {
      await database.prisma.environment.update({ where: { id: pending }, data: { chartVersion: "1.18.0" } });
    });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const asked = await requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "small", reason: "Chart 1.22 fixes" }, settings);
    const whatIf = readWhatIf((await database.prisma.operation.findUniqueOrThrow({ where: { id: asked.operationId } })).whatIf)!;
    expect(whatIf).toMatchObject({ chartVersion: "1.22.0", refusals: [], from: { airflowVersion: "2.11.2" }, to: { airflowVersion: "2.11.2" } });
    expect(whatIf.azure.map((a) => a.property)).toContain("On-demand backup");
    expect(whatIf.consequences.join(" ")).toMatch(/Chart airflow 1\.18\.0 → 1\.22\.0/);
    await approveChange(database.prisma, h.admin, { id, operationId: asked.operationId });
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000), await eventLog(database.prisma, id)).toBe("READY");
    expect(await eventLog(database.prisma, id)).toMatch(/Backup before-chart-1-22-0-[0-9a-f]{8} taken/);
    const after = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ chartVersion: "1.22.0", airflowVersion: "2.11.2" });
    expect(readDeployed(after.deployed)!.chartVersion).toBe("1.22.0");
    // On the platform's chart now: a change that changes nothing is refused again.
    await expect(requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "small", reason: "Again" }, settings)).rejects.toThrow(/Nothing would change/);
  }, 300_000);

  it("changes the DAG source and the expiry date: git-sync's values in the HelmRelease, the new date recorded", async () => {
    const id = await requestAndApprove(database.prisma, h, "dag-source", { executor: "KubernetesExecutor", airflowVersion: "3.2.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const names = deriveNames(env.name, env.nameSuffix);
    const expiresOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

    const asked = await requestChange(
      database.prisma,
      h.ana,
      { id, executor: "KubernetesExecutor", size: "small", dagRepoUrl: "https://github.com/acme/dags.git", dagBranch: "release", dagSubPath: "airflow/dags", expiresOn, reason: "DAGs from git, and a date to go" },
      settings,
    );
    const whatIf = readWhatIf((await database.prisma.operation.findUniqueOrThrow({ where: { id: asked.operationId } })).whatIf)!;
    expect(whatIf.to).toMatchObject({ dagSource: { repoUrl: "https://github.com/acme/dags.git", branch: "release", subPath: "airflow/dags" }, expiresOn });
    expect(whatIf.values).toContainEqual({ path: "dags.gitSync.repo", after: '"https://github.com/acme/dags.git"' });
    expect(whatIf.consequences.join(" ")).toMatch(/git-sync fetches DAGs from https:\/\/github\.com\/acme\/dags\.git at release, folder airflow\/dags/);
    expect(whatIf.consequences.join(" ")).toContain(`torn down automatically when ${expiresOn} begins`);
    await approveChange(database.prisma, h.admin, { id, operationId: asked.operationId });
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000), await eventLog(database.prisma, id)).toBe("READY");

    const after = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ dagRepoUrl: "https://github.com/acme/dags.git", dagBranch: "release", dagSubPath: "airflow/dags", expiresAt: new Date(`${expiresOn}T00:00:00Z`) });
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const { credential, clientOptions } = h.emulator;
    const arm = { aks: new ContainerServiceClient(credential, sub, clientOptions), postgres: new PostgreSQLManagementFlexibleServerClient(credential, sub, clientOptions) };
    const kc = await kubeConfigForCluster(arm as unknown as ArmClients, credential, names.resourceGroup, names.cluster);
    const release = (await KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: names.helmRelease, namespace: names.namespace } })) as { spec: { values: { dags: unknown } } };
    expect(release.spec.values.dags).toEqual({ gitSync: { enabled: true, repo: "https://github.com/acme/dags.git", branch: "release", subPath: "airflow/dags" } });

    // Sent empty, both go: no repository, no expiry; a change that keeps everything is refused.
    const back = await requestChange(database.prisma, h.admin, { id, executor: "KubernetesExecutor", size: "small", dagRepoUrl: null, dagBranch: null, dagSubPath: null, expiresOn: null, reason: "Baked into the image now" }, settings);
    expect(back.applied).toBe(true);
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 150_000), await eventLog(database.prisma, id)).toBe("READY");
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ dagRepoUrl: null, dagBranch: null, expiresAt: null });
    const emptied = (await KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: names.helmRelease, namespace: names.namespace } })) as { spec: { values: { dags: unknown } } };
    expect(emptied.spec.values.dags).toEqual({ gitSync: { enabled: false } });
    await expect(requestChange(database.prisma, h.ana, { id, executor: "KubernetesExecutor", size: "small", reason: "Nothing" }, settings)).rejects.toThrow(/Nothing would change/);
  }, 300_000);

  it("rejects a change with a reason and applies nothing; a teardown the team asks for is decided the same way", async () => {
    const id = await requestAndApprove(database.prisma, h, "switch-reject", { executor: "KubernetesExecutor", airflowVersion: "3.2.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const asked = await requestChange(database.prisma, h.ana, { id, executor: "CeleryExecutor", size: "small", reason: "Faster task start" }, settings);
    await expect(rejectChange(database.prisma, h.ana, { id, operationId: asked.operationId, reason: "no" })).rejects.toThrow(/admins/);
    await rejectChange(database.prisma, h.admin, { id, operationId: asked.operationId, reason: "Celery costs more for this team" });
    const op = await database.prisma.operation.findUniqueOrThrow({ where: { id: asked.operationId } });
    expect(op).toMatchObject({ status: "REJECTED", decisionReason: "Celery costs more for this team" });
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    expect(env).toMatchObject({ status: "READY", executor: "KubernetesExecutor" });
    // Decided once: approving it afterwards changes nothing.
    await expect(approveChange(database.prisma, h.admin, { id, operationId: asked.operationId })).rejects.toThrow(/already decided/);

    // Asked again, then withdrawn by the team before anyone decides: nothing applied, the environment free again.
    const again = await requestChange(database.prisma, h.ana, { id, executor: "CeleryExecutor", size: "small", reason: "Second thoughts" }, settings);
    await expect(withdrawChange(database.prisma, h.admin, { id, operationId: again.operationId })).rejects.toThrow(/Only the environment's team/);
    await withdrawChange(database.prisma, h.ana, { id, operationId: again.operationId });
    expect((await database.prisma.operation.findUniqueOrThrow({ where: { id: again.operationId } })).status).toBe("CANCELLED");
    await expect(approveChange(database.prisma, h.admin, { id, operationId: again.operationId })).rejects.toThrow(/already decided/);

    // The team asks for a teardown (its name typed back); an admin approves it, and it is gone.
    await expect(requestTeardown(database.prisma, h.ana, { id, confirmName: "switch-rejec", reason: "Done" })).rejects.toThrow(/does not match/);
    const teardown = await requestTeardown(database.prisma, h.ana, { id, confirmName: "switch-reject", reason: "The project ended" });
    const pending = await database.prisma.operation.findUniqueOrThrow({ where: { id: teardown.operationId } });
    expect(pending).toMatchObject({ kind: "TEARDOWN", status: "PENDING_APPROVAL" });
    expect(readWhatIf(pending.whatIf)).toMatchObject({ action: "teardown", cost: { afterUsd: 0 } });
    expect((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).status).toBe("READY");
    await approveChange(database.prisma, h.admin, { id, operationId: teardown.operationId });
    expect(await waitForStatus(database.prisma, id, ["DELETED", "FAILED"], 120_000), await eventLog(database.prisma, id)).toBe("DELETED");
  }, 300_000);

  it("fails an upgrade whose migration fails, then restores the database to a new server and the chart from before", async () => {
    const id = await requestAndApprove(database.prisma, h, "restore-upgrade", { executor: "KubernetesExecutor", airflowVersion: "2.11.2" });
    await waitForStatus(database.prisma, id, ["READY"], 150_000);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const names = deriveNames(env.name, env.nameSuffix);
    const before = readDeployed(env.deployed)!;
    // Nothing to restore while nothing failed.
    expect(await restoreOption(database.prisma, id)).toBeNull();

    await h.emulator.control("POST", "faults", { type: "migrationFailed", match: { kind: "airflowMigration", name: names.postgresServer } });
    await requestChange(database.prisma, h.admin, { id, executor: "KubernetesExecutor", size: "small", airflowVersion: "3.2.2", reason: "Airflow 3" }, settings);
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 200_000), await eventLog(database.prisma, id)).toBe("FAILED");
    const failed = await database.prisma.operation.findFirstOrThrow({ where: { environmentId: id, kind: "UPDATE" } });
    // Helm's own verdict, not rolled back: the environment still says what it ran before.
    expect(failed.error).toMatch(/UpgradeFailed|BackoffLimitExceeded|run-airflow-migrations/);
    expect(await database.prisma.environment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "FAILED", airflowVersion: "2.11.2", databaseServer: null });
    const served = await h.emulator.control<{ rules: { type: string; served: number }[] }>("GET", "faults/served");
    // The Job's pod failed every time Kubernetes tried it again, as `airflow db migrate` would.
    expect(served.rules.find((r) => r.type === "migrationFailed")?.served).toBeGreaterThan(1);

    const option = (await restoreOption(database.prisma, id))!;
    expect(option.plan).toMatchObject({ sourceServer: names.postgresServer, server: `${names.postgresServer}-r1`, backup: expect.stringMatching(/^before-airflow-3-2-2-/) });
    expect(option.whatIf).toMatchObject({ action: "restore", from: { airflowVersion: "3.2.2" }, to: { airflowVersion: "2.11.2" } });
    expect(option.whatIf.values).toContainEqual(expect.objectContaining({ path: "airflowVersion", before: '"3.2.2"', after: '"2.11.2"' }));

    // Only an admin restores.
    await expect(requestRestore(database.prisma, h.ana, { id, reason: "Back to 2.11" })).rejects.toThrow(/admins/);
    const restore = await requestRestore(database.prisma, h.admin, { id, reason: "The migration fails on our DAG versions table" });
    const op = await database.prisma.operation.findUniqueOrThrow({ where: { id: restore.operationId } });
    expect(op).toMatchObject({ kind: "RESTORE", params: option.plan });
    expect(readWhatIf(op.whatIf)?.action).toBe("restore");
    expect(await waitForStatus(database.prisma, id, ["READY", "FAILED"], 200_000), await eventLog(database.prisma, id)).toBe("READY");

    const after = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: "READY", airflowVersion: "2.11.2", chartVersion: env.chartVersion, databaseServer: option.plan.server, health: "healthy" });
    const deployed = readDeployed(after.deployed)!;
    expect(deployed.resources.postgresServer).toMatch(new RegExp(`/flexibleServers/${option.plan.server}$`, "i"));
    expect(deployed.helmValues).toEqual(before.helmValues);

    // In Azure: the restored server from the source at the backup's time, the cluster let in; the old one kept.
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const { credential, clientOptions } = h.emulator;
    const postgres = new PostgreSQLManagementFlexibleServerClient(credential, sub, clientOptions);
    const restored = await postgres.servers.get(names.resourceGroup, option.plan.server);
    expect(restored.state).toBe("Ready");
    const rules = [];
    for await (const rule of postgres.firewallRules.listByServer(names.resourceGroup, option.plan.server)) rules.push(rule.name);
    expect(rules.length).toBeGreaterThan(0);
    expect((await postgres.servers.get(names.resourceGroup, names.postgresServer)).state).toBe("Ready");

    // In the cluster: the metadata Secret points at the restored server; the HelmRelease is the chart from before.
    const arm = { aks: new ContainerServiceClient(credential, sub, clientOptions), postgres };
    const kc = await kubeConfigForCluster(arm as unknown as ArmClients, credential, names.resourceGroup, names.cluster);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const secret = (await objects.read({ apiVersion: "v1", kind: "Secret", metadata: { name: AIRFLOW_SECRET_NAMES.metadata, namespace: names.namespace } })) as V1Secret;
    const connection = Buffer.from(secret.data!.connection!, "base64").toString("utf8");
    expect(new URL(connection.replace(/^postgresql:/, "http:")).hostname).toBe(restored.fullyQualifiedDomainName);
    const release = (await objects.read({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: names.helmRelease, namespace: names.namespace } })) as { spec: { values: unknown; chart: { spec: { version: string } } } };
    expect(release.spec.chart.spec.version).toBe(env.chartVersion);
    expect(release.spec.values).toEqual(before.helmValues);

    const trail = await database.prisma.auditEvent.findMany({ where: { environmentId: id }, orderBy: { id: "asc" }, select: { action: true } });
    expect(trail.map((e) => e.action).slice(-3)).toEqual(["environment.change-requested", "environment.change-approved", "environment.restored"]);
    // The failed upgrade is behind it: no second restore is offered.
    expect(await restoreOption(database.prisma, id)).toBeNull();
    await h.emulator.control("DELETE", "faults");
  }, 600_000);
});
