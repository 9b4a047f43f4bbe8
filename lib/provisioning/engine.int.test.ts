import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { KubernetesObjectApi } from "@kubernetes/client-node";
import type { ArmClients } from "@/lib/azure/clients";
import { kubeConfigForCluster } from "./steps/cluster-access";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { ResourceManagementClient } from "@azure/arm-resources";
import { StorageManagementClient } from "@azure/arm-storage";
import { emulatorAzureEnv } from "@/scripts/support/stack";
import { withTestDatabase } from "@/scripts/test-support/db";
import { retryEnvironment } from "@/lib/environments/retry-operation";
import { tearDownEnvironment } from "@/lib/environments/teardown-environment";
import { EXECUTORS, OFFERED_AIRFLOW_VERSIONS } from "@/lib/environments/catalog";
import { readDeployed } from "./deployed";
import { EMULATED_HUB_VNET_ID, EMULATED_PLATFORM, prepareEmulatedPlatform } from "@/scripts/support/emulated-platform";
import { eventLog, getFromNetwork, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";

/**
 * The engine end to end: approvals in the real database, workers as real processes, the emulated
 * Azure reached through the real SDK clients. Each test names its environments apart, so they can
 * share one emulator and one pair of workers.
 */
const database = withTestDatabase();
let h: EngineHarness;

type Counter = { created: number; puts: number; deletes: number };
type State = {
  counts: Record<string, Counter>;
  resources: { id: string }[];
  kubeCounts: Record<string, Record<string, { created: number }>>;
  clusters: { key: string; armId: string }[];
};

const state = () => h.emulator.control<State>("GET", "state");

/** How many times each resource whose id contains `fragment` was created, by id. */
async function creations(fragment: string): Promise<Record<string, number>> {
  const { counts } = await state();
  return Object.fromEntries(Object.entries(counts).filter(([id]) => id.includes(fragment.toLowerCase())).map(([id, c]) => [id, c.created]));
}

async function expectEachCreatedOnce(name: string) {
  const created = await creations(name);
  const ids = Object.keys(created);
  const kinds = [/resourcegroups\/rg-airflow-[a-z0-9-]+$/, /managedclusters\/aks-airflow-[a-z0-9-]+$/, /flexibleservers\/pg-airflow-[a-z0-9-]+$/, /\/databases\/airflow$/, /\/firewallrules\/aks-outbound-[0-9-]+$/, /\/extensions\/flux$/, /userassignedidentities\/id-airflow-[a-z0-9-]+$/];
  for (const kind of kinds) {
    expect(ids.filter((id) => kind.test(id) && !id.endsWith("-nodes")), `${kind} of ${name}`).toHaveLength(1);
  }
  expect(Object.entries(created).filter(([, n]) => n !== 1), "created more than once").toEqual([]);
}

/** How often each fault added since the last clear really fired, from the emulator's own count. */
async function served(): Promise<Array<{ type: string; status?: number; code?: string; match?: { kind?: string }; served: number }>> {
  return (await h.emulator.control<{ rules: Array<{ type: string; status?: number; code?: string; match?: { kind?: string }; served: number }> }>("GET", "faults/served")).rules;
}

async function stepAttempts(environmentId: string) {
  const steps = await database.prisma.operationStep.findMany({ where: { operation: { environmentId } }, select: { key: true, attempts: true, status: true } });
  // Steps that do not apply here (the https address, without a domain configured) are SKIPPED, never attempted.
  return Object.fromEntries(steps.filter((s) => s.status !== "SKIPPED").map((s) => [s.key, s.attempts]));
}

let network: NetworkManagementClient;

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  network = new NetworkManagementClient(h.emulator.credential, EMULATED_PLATFORM.subscriptionId, h.emulator.clientOptions);
  // The platform's hub exists, but these workers are not configured with it: clusters get AKS's own network.
  await prepareEmulatedPlatform({ url: h.emulator.url, caCertPath: h.emulator.emulator.caCertPath });
  h.startWorker();
  h.startWorker();
}, 120_000);
afterAll(() => h?.close());
afterEach(() => h.emulator.control("DELETE", "faults"));

describe("provisioning", () => {
  // Every executor on every Airflow version a request may choose.
  const offered = EXECUTORS.flatMap((executor) => OFFERED_AIRFLOW_VERSIONS.map((version) => [executor, version] as const));

  it.each(offered)("builds a %s environment (Airflow %s) to READY, each resource once, the chart's objects in the cluster, with a healthy Airflow", async (executor, airflowVersion) => {
    const name = `ok-${executor.slice(0, 5).toLowerCase()}-${airflowVersion.replaceAll(".", "")}`;
    const id = await requestAndApprove(database.prisma, h, name, { executor, airflowVersion });
    // The first environment waits for each worker's first render of the chart (taken before any
    // operation) and the emulated Flux's: seconds each, far more on a busy machine.
    await waitForStatus(database.prisma, id, ["READY"], 150_000);

    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const deployed = readDeployed(env.deployed)!;
    expect(deployed.helmValues).toMatchObject({ executor, airflowVersion });
    expect(Object.keys(deployed.resources).sort()).toEqual(["cluster", "database", "firewallRule", "fluxExtension", "identity", "postgresServer", "resourceGroup", "storageAccount"]);
    const shown = JSON.stringify(deployed);
    expect(shown.match(/"(password|fernet-key|connection|jwt-secret)"|postgresql:\/\//gi), shown).toBeNull();
    await expectEachCreatedOnce(name);

    // What Azure holds is what DESIGN §5 asks for, read back through the SDKs.
    const sub = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const { credential, clientOptions } = h.emulator;
    const arm = {
      resources: new ResourceManagementClient(credential, sub, clientOptions),
      aks: new ContainerServiceClient(credential, sub, clientOptions),
      pg: new PostgreSQLManagementFlexibleServerClient(credential, sub, clientOptions),
    };
    const rg = await arm.resources.resourceGroups.get(`rg-airflow-${name}`);
    expect(rg.tags).toEqual({ team: "analytics", environment: name, "requested-by": "ana@example.test", "managed-by": "airflow-portal" });
    const cluster = await arm.aks.managedClusters.get(`rg-airflow-${name}`, `aks-airflow-${name}`);
    // The values recorded are those in the cluster: the HelmRelease Flux installs, read from its API server.
    const kc = await kubeConfigForCluster(arm as unknown as ArmClients, credential, `rg-airflow-${name}`, `aks-airflow-${name}`);
    const release = (await KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } })) as { spec: { values: unknown; chart: { spec: { version: string } } } };
    expect(release.spec.values).toEqual(deployed.helmValues);
    expect(release.spec.chart.spec.version).toBe(deployed.chartVersion);
    expect(cluster).toMatchObject({
      identity: { type: "SystemAssigned" },
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
      aadProfile: { managed: true, adminGroupObjectIDs: [PLATFORM_ADMINS_GROUP_ID] },
      disableLocalAccounts: true,
    });
    expect(cluster.agentPoolProfiles?.[0]).toMatchObject({ enableAutoScaling: true, minCount: 1, maxCount: 3, vmSize: "Standard_D4ds_v5" });
    // The environment's managed identity, trusted for Airflow's service accounts on the cluster's OIDC issuer.
    const msi = new ManagedServiceIdentityClient(credential, sub, clientOptions);
    const identity = await msi.userAssignedIdentities.get(`rg-airflow-${name}`, `id-airflow-${name}`);
    expect(identity.id).toBe(deployed.resources.identity);
    expect(identity.tags).toMatchObject({ environment: name, "managed-by": "airflow-portal" });
    const federated = [];
    for await (const f of msi.federatedIdentityCredentials.list(`rg-airflow-${name}`, `id-airflow-${name}`)) federated.push(f);
    expect(federated.map((f) => f.subject).sort()).toEqual(
      ["api-server", "dag-processor", "scheduler", "triggerer", "webserver", "worker"].map((c) => `system:serviceaccount:airflow:airflow-${c}`),
    );
    for (const f of federated) expect(f).toMatchObject({ issuer: cluster.oidcIssuerProfile!.issuerURL, audiences: ["api://AzureADTokenExchange"] });
    // The chart's service accounts carry its client id, as Flux installed them, and the pods the webhook's label.
    expect(deployed.identity).toEqual({ clientId: identity.clientId, principalId: identity.principalId });
    const scheduler = (await KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "airflow-scheduler", namespace: "airflow" } })) as { metadata: { annotations?: Record<string, string> } };
    expect(scheduler.metadata.annotations?.["azure.workload.identity/client-id"]).toBe(identity.clientId);
    expect(deployed.helmValues).toMatchObject({ labels: { "azure.workload.identity/use": "true" } });
    // Task logs: the environment's own account, with no keys and nothing public, where only its identity may write.
    const storage = new StorageManagementClient(credential, sub, { ...clientOptions, credentials: { scopes: [`${clientOptions.endpoint}/.default`] } });
    const account = await storage.storageAccounts.getProperties(`rg-airflow-${name}`, deployed.taskLogs!.account);
    expect(account).toMatchObject({ allowSharedKeyAccess: false, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false, enableHttpsTrafficOnly: true });
    expect(account.id).toBe(deployed.resources.storageAccount);
    expect(deployed.taskLogs).toMatchObject({ blobEndpoint: account.primaryEndpoints?.blob, container: "airflow-logs" });
    expect(await storage.blobContainers.get(`rg-airflow-${name}`, deployed.taskLogs!.account, "airflow-logs")).toMatchObject({ publicAccess: "None" });
    const grants = [];
    for await (const a of new AuthorizationManagementClient(credential, sub, clientOptions).roleAssignments.listForScope(account.id!)) grants.push(a);
    expect(grants.filter((a) => a.principalId === identity.principalId).map((a) => a.roleDefinitionId?.split("/").pop())).toEqual(["ba92f5b4-2d11-453d-a403-e96b0029c9fe"]);
    const config = (await KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "airflow-config", namespace: "airflow" } })) as { data: Record<string, string> };
    expect(config.data["airflow.cfg"]).toContain("remote_base_log_folder = wasb-airflow-logs");
    const server = await arm.pg.servers.get(`rg-airflow-${name}`, deployed.resources.postgresServer!.split("/").pop()!);
    expect(server).toMatchObject({ version: "16", sku: { name: "Standard_B2s", tier: "Burstable" } });
    const rules = [];
    for await (const r of arm.pg.firewallRules.listByServer(`rg-airflow-${name}`, server.name!)) rules.push(r);
    // One rule for the cluster's one outbound IP, named after it, admitting that address only.
    expect(rules).toHaveLength(1);
    expect(rules[0]!.name).toBe(`aks-outbound-${rules[0]!.startIpAddress!.replaceAll(".", "-")}`);
    expect(rules[0]!.endIpAddress).toBe(rules[0]!.startIpAddress);
    expect(rules[0]!.startIpAddress).not.toBe("0.0.0.0");
    const { clusters, kubeCounts } = await state();
    const key = clusters.find((c) => c.armId.toLowerCase() === cluster.id!.toLowerCase())!.key;
    const objects = kubeCounts[key]!;
    for (const object of ["Namespace/airflow", "Secret/airflow/airflow-metadata", "Secret/airflow/airflow-fernet-key", "HelmRepository/airflow/apache-airflow", "HelmRelease/airflow/airflow"]) {
      expect(objects[object]?.created, object).toBe(1);
    }
    // What the portal recorded as the release's objects is what Flux created in the cluster, each once.
    const released = (deployed.release?.objects ?? []).filter((o) => !o.hook);
    expect(released.length).toBeGreaterThan(10);
    expect(released.filter((o) => objects[`${o.kind}/airflow/${o.name}`]?.created !== 1 && objects[`${o.kind}/${o.name}`]?.created !== 1)).toEqual([]);
    const workloads = released.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet").map((o) => o.name);
    expect(workloads).toContain("airflow-scheduler");
    expect(workloads.includes("airflow-worker")).toBe(executor === "CeleryExecutor");
    expect(workloads.some((w) => w.includes("pgbouncer"))).toBe(false);

    const healthPath = airflowVersion.startsWith("3") ? "api/v2/monitor/health" : "health";
    // The internal load balancer's address answers inside the cluster's own network (the VNet AKS
    // made, since no platform network is configured), and from no other: not from the platform's hub.
    const healthUrl = new URL(healthPath, env.airflowUrl!).href;
    const ownVnet = (await network.virtualNetworks.list(cluster.nodeResourceGroup!).next()).value as { id: string };
    const inside = await getFromNetwork(h.emulator, ownVnet.id, healthUrl);
    expect(inside).toMatchObject({ status: 200 });
    const health = JSON.parse((inside as { body: string }).body) as Record<string, { status: string }>;
    expect(health.scheduler?.status).toBe("healthy");
    expect(await getFromNetwork(h.emulator, EMULATED_HUB_VNET_ID, healthUrl)).toHaveProperty("unreachable");
    // Checked from inside the cluster first, through the API server's service proxy, then at the recorded address.
    const ui = airflowVersion.startsWith("3") ? "api-server" : "webserver";
    expect(await eventLog(database.prisma, id)).toContain(
      // The emulator's load balancer answers on the stand-in's own port, which the Service's port follows.
      `airflow-health info Airflow is healthy (service airflow-${ui}:${new URL(env.airflowUrl!).port}, through the Kubernetes API server); its address is ${env.airflowUrl}`,
    );
    expect(Object.values(await stepAttempts(id)).every((n) => n === 1)).toBe(true);
    // No domain and no platform network configured: the https address's and the spoke's steps are
    // recorded as skipped; the UI stays on its load balancer in the cluster's own network.
    const skipped = await database.prisma.operationStep.findMany({ where: { operation: { environmentId: id }, status: "SKIPPED" }, select: { key: true } });
    expect(skipped.map((s) => s.key).sort()).toEqual(["airflow-ingress", "database-dns", "dns-record", "hub-peering", "routing-access", "sign-in-redirect", "spoke-network", "subnet-access"]);
    expect(cluster.ingressProfile?.webAppRouting?.enabled).toBeFalsy();

    const audit = await database.prisma.auditEvent.findMany({ where: { environmentId: id }, orderBy: { id: "asc" }, select: { action: true, toStatus: true } });
    expect(audit.map((a) => a.toStatus)).toEqual(["PENDING_APPROVAL", "APPROVED", "PROVISIONING", "READY"]);
  }, 180_000);

  it("builds an environment recorded with an Airflow version no longer offered on the chart version it records", async () => {
    // A request written before 3.2.2 was offered: Airflow 3.0.6 on chart 1.18.0, kept for such records.
    const id = await requestAndApprove(database.prisma, h, "ok-kept", { executor: "CeleryExecutor" }, async (pending) => {
      await database.prisma.environment.update({ where: { id: pending }, data: { airflowVersion: "3.0.6", chartVersion: "1.18.0" } });
    });
    await waitForStatus(database.prisma, id, ["READY"]);
    const env = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    const deployed = readDeployed(env.deployed)!;
    expect(deployed.chartVersion).toBe("1.18.0");
    // Chart 1.18.0's own keys: the Celery worker settings directly under `workers` (no log disk: task logs are in Blob Storage).
    expect(deployed.helmValues).toMatchObject({ airflowVersion: "3.0.6", workers: { replicas: 1, persistence: { enabled: false } } });
  });

  it("never stores a secret: events, outputs and the environment row hold none", async () => {
    const rows = JSON.stringify({
      events: await database.prisma.operationEvent.findMany({ select: { message: true } }),
      steps: await database.prisma.operationStep.findMany({ select: { output: true, error: true } }),
      environments: await database.prisma.environment.findMany({ select: { deployed: true } }),
    });
    expect(rows).not.toMatch(/administratorLoginPassword|postgresql:\/\/airflowadmin|sslmode=require/);
  });
});

describe("failures", () => {
  it("fails on QuotaExceeded with the cloud's words, and a retry finishes without recreating anything", async () => {
    await h.emulator.control("POST", "faults", { type: "operationFailed", code: "QuotaExceeded", message: "Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.", match: { kind: "managedCluster", name: "aks-airflow-quota" }, count: 1 });
    const id = await requestAndApprove(database.prisma, h, "quota");
    await waitForStatus(database.prisma, id, ["FAILED"]);
    expect((await served()).map((r) => [r.code, r.served])).toEqual([["QuotaExceeded", 1]]);
    const op = await database.prisma.operation.findFirstOrThrow({ where: { environmentId: id } });
    expect(op.error).toMatch(/QuotaExceeded/);
    expect((await database.prisma.auditEvent.findFirstOrThrow({ where: { environmentId: id, action: "environment.failed" } })).reason).toMatch(/quota/);

    await retryEnvironment(database.prisma, h.admin, id);
    await waitForStatus(database.prisma, id, ["READY"]);
    await expectEachCreatedOnce("quota");
    // The resource group and the database server were done before the failure: not run again.
    const attempts = await stepAttempts(id);
    expect(attempts).toMatchObject({ "resource-group": 1, "database-server": 1, cluster: 2 });
  });

  it("fails with Helm's reason once Flux has tried the install four times", async () => {
    await h.emulator.control("POST", "faults", { type: "helmInstallFailed", message: "pre-install hook failed: job airflow-migrate-database failed: BackoffLimitExceeded", match: { name: "airflow" }, count: 4 });
    const id = await requestAndApprove(database.prisma, h, "helm-fails");
    await waitForStatus(database.prisma, id, ["FAILED"]);
    const op = await database.prisma.operation.findFirstOrThrow({ where: { environmentId: id } });
    expect(op.error).toMatch(/InstallFailed/);
    expect(op.error).toMatch(/BackoffLimitExceeded/);
    // Every one of the four failures was served: the first install and Flux's three retries.
    expect(await h.emulator.control<unknown[]>("GET", "faults")).toEqual([]);
    expect((await served()).map((r) => [r.type, r.served])).toEqual([["helmInstallFailed", 4]]);
  });

  it("waits while Flux tries a failed install again, and reaches READY", async () => {
    // Slow enough for the wait step to see the failed attempt before Flux's next one.
    await h.emulator.control("PATCH", "latencies", { helmRelease: 1_000 });
    try {
      await h.emulator.control("POST", "faults", { type: "helmInstallFailed", message: "timed out waiting for the condition", match: { name: "airflow" }, count: 1 });
      const id = await requestAndApprove(database.prisma, h, "helm-retried");
      await waitForStatus(database.prisma, id, ["READY"], 90_000);
      expect((await served()).map((r) => [r.type, r.served])).toEqual([["helmInstallFailed", 1]]);
      expect(await eventLog(database.prisma, id)).toMatch(/Flux will try again: Helm install failed .*timed out waiting for the condition/);
    } finally {
      await h.emulator.control("PATCH", "latencies", { helmRelease: 50 });
    }
  });

  it("fails in Flux's words when the chart version does not exist", async () => {
    const id = await requestAndApprove(database.prisma, h, "no-chart");
    // Pinned at request time; a catalog edit could leave an environment on a version the repository lacks.
    await database.prisma.environment.update({ where: { id }, data: { chartVersion: "9.9.9" } });
    await waitForStatus(database.prisma, id, ["FAILED"]);
    const op = await database.prisma.operation.findFirstOrThrow({ where: { environmentId: id } });
    expect(op.error).toMatch(/SourceNotReady.*no 'airflow' chart with version matching '9\.9\.9' found/);
    expect(await eventLog(database.prisma, id)).toMatch(/Flux will say why/);
  });

  it("reaches READY with 429 and 500 on a fifth of ARM and Kubernetes calls", async () => {
    // A fixed seed: the same calls meet the same faults on every run.
    await h.emulator.control("PUT", "faults/seed", { seed: 20261207 });
    await h.emulator.control("POST", "faults", [
      { type: "http", status: 429, retryAfterSeconds: 1, probability: 0.1 },
      { type: "http", status: 500, probability: 0.1 },
      { type: "http", status: 429, retryAfterSeconds: 1, probability: 0.1, match: { kind: "kube" } },
      { type: "http", status: 500, probability: 0.1, match: { kind: "kube" } },
    ]);
    const ids = await Promise.all(["flaky-a", "flaky-b", "flaky-c"].map((n) => requestAndApprove(database.prisma, h, n)));
    for (const id of ids) await waitForStatus(database.prisma, id, ["READY"], 180_000);
    for (const n of ["flaky-a", "flaky-b", "flaky-c"]) await expectEachCreatedOnce(n);
    // Each kind of fault really hit calls: 429 and 500, on ARM and on the Kubernetes API servers.
    const fired = await served();
    expect(fired.map((r) => `${r.status} ${r.match?.kind ?? "arm"}`)).toEqual(["429 arm", "500 arm", "429 kube", "500 kube"]);
    for (const rule of fired) expect(rule.served, `${rule.status} ${rule.match?.kind ?? "arm"}`).toBeGreaterThan(0);
  }, 240_000);
});

describe("workers", () => {
  it("shares ten approvals between two workers: all READY, no step run twice", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `fleet-${i}`);
    const ids = await Promise.all(names.map((n) => requestAndApprove(database.prisma, h, n)));
    for (const id of ids) await waitForStatus(database.prisma, id, ["READY"], 180_000);
    for (const id of ids) {
      const attempts = await stepAttempts(id);
      expect(Object.entries(attempts).filter(([, n]) => n !== 1), `${id}: ${await eventLog(database.prisma, id)}`).toEqual([]);
    }
    const workersUsed = await database.prisma.operation.findMany({ where: { environmentId: { in: ids } }, select: { workerId: true, attempt: true } });
    expect(new Set(workersUsed.map((o) => o.workerId)).size).toBe(2);
    for (const n of names) await expectEachCreatedOnce(n);
  }, 240_000);

  it("finishes an environment whose worker was killed while the cluster was being created, creating nothing twice", async () => {
    await h.emulator.control("PATCH", "latencies", { managedCluster: 4_000 });
    try {
      for (const w of h.workers.splice(0)) await w.stop();
      const doomed = h.startWorker();
      const id = await requestAndApprove(database.prisma, h, "killed");
      for (;;) {
        const step = await database.prisma.operationStep.findFirst({ where: { operation: { environmentId: id }, key: "cluster", status: "RUNNING" } });
        if (step) break;
        await sleep(100);
      }
      doomed.child.kill("SIGKILL");
      await new Promise((resolve) => doomed.child.once("exit", resolve));
      h.startWorker();
      await waitForStatus(database.prisma, id, ["READY"]);
      await expectEachCreatedOnce("killed");
      expect(await eventLog(database.prisma, id)).toMatch(/stopped responding/);
      expect((await stepAttempts(id))["resource-group"]).toBe(1);
    } finally {
      await h.emulator.control("PATCH", "latencies", { managedCluster: 0 });
      if (h.workers.length < 2) h.startWorker();
    }
  }, 120_000);
});

describe("teardown", () => {
  it("removes everything the environment owns; a second teardown is harmless", async () => {
    const id = await requestAndApprove(database.prisma, h, "goodbye");
    await waitForStatus(database.prisma, id, ["READY"]);
    const first = await tearDownEnvironment(database.prisma, h.admin, { id, confirmName: "goodbye" });
    const second = await tearDownEnvironment(database.prisma, h.admin, { id, confirmName: "goodbye" });
    expect([first.outcome, second.outcome]).toEqual(["requested", "already-deleting"]);
    await waitForStatus(database.prisma, id, ["DELETED"]);
    const left = (await state()).resources.filter((r) => r.id.toLowerCase().includes("airflow-goodbye"));
    expect(left).toEqual([]);
    expect((await tearDownEnvironment(database.prisma, h.admin, { id, confirmName: "goodbye" })).outcome).toBe("already-deleted");
    expect(await database.prisma.operation.count({ where: { environmentId: id, kind: "TEARDOWN" } })).toBe(1);
  });

  it("tears down an environment past its expiry date by itself", async () => {
    const id = await requestAndApprove(database.prisma, h, "expiring");
    await waitForStatus(database.prisma, id, ["READY"]);
    await database.prisma.environment.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    await waitForStatus(database.prisma, id, ["DELETED"]);
    // Gone from the cloud, not only marked so: nothing of it is left in the emulator.
    expect((await state()).resources.filter((r) => r.id.toLowerCase().includes("airflow-expiring"))).toEqual([]);
    const audit = await database.prisma.auditEvent.findFirstOrThrow({ where: { environmentId: id, action: "environment.teardown-requested" } });
    expect(audit).toMatchObject({ actorId: null, reason: expect.stringMatching(/^Expired on/) });
  });
});
