import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { POLL } from "@/emulator/test/support";
import { withTestDatabase } from "@/scripts/test-support/db";
import { retryEnvironment } from "@/lib/environments/retry-operation";
import { emulatorAzureEnv } from "@/scripts/support/stack";
import { eventLog, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";

/**
 * A step the plan marks `recheck` runs again when an operation is retried, although it succeeded
 * before: the database firewall follows outbound IPs the cluster gained while the operation
 * waited for its retry. Through a real worker, the real database and the emulated Azure.
 */
const database = withTestDatabase();
let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  h.startWorker();
}, 120_000);
afterAll(() => h?.close());

describe("a retried operation", () => {
  it("checks the database firewall again and admits an outbound IP the cluster gained since", async () => {
    // The cluster's credentials refused once: the step after the firewall fails, the firewall has succeeded.
    await h.emulator.control("POST", "faults", { type: "http", status: 403, match: { kind: "credential" }, count: 1 });
    const id = await requestAndApprove(database.prisma, h, "recheck");
    const { nameSuffix } = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
    await waitForStatus(database.prisma, id, ["FAILED"], 90_000);

    const { credential, clientOptions } = h.emulator;
    const SUBSCRIPTION = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const aks = new ContainerServiceClient(credential, SUBSCRIPTION, clientOptions);
    const pg = new PostgreSQLManagementFlexibleServerClient(credential, SUBSCRIPTION, clientOptions);
    const [rg, clusterName] = ["rg-airflow-recheck", "aks-airflow-recheck"];
    const rules = async () => {
      const found: string[] = [];
      for await (const r of pg.firewallRules.listByServer(rg, `pg-airflow-recheck-${nameSuffix}`)) found.push(r.name!);
      return found.sort();
    };
    expect(await rules()).toHaveLength(1);

    // A platform admin adds an outbound IP (against SNAT port exhaustion) before the retry.
    const cluster = await aks.managedClusters.get(rg, clusterName);
    const networkProfile = { ...cluster.networkProfile, loadBalancerProfile: { managedOutboundIPs: { count: 2 } } };
    await aks.managedClusters.beginCreateOrUpdateAndWait(rg, clusterName, { ...cluster, networkProfile }, POLL);

    await retryEnvironment(database.prisma, h.admin, id);
    await waitForStatus(database.prisma, id, ["READY"], 90_000);

    const portalRule = expect.stringMatching(/^aks-outbound-[0-9-]+$/);
    expect(await rules()).toEqual([portalRule, portalRule]);
    const where = { operation: { environmentId: id } };
    const steps = await database.prisma.operationStep.findMany({ where, select: { key: true, attempts: true } });
    const attempts = Object.fromEntries(steps.map((s) => [s.key, s.attempts]));
    expect(attempts).toMatchObject({ "database-firewall": 2, cluster: 1, "database-server": 1, "cluster-secrets": 2 });
    const log = (await eventLog(database.prisma, id)).split("\n");
    expect(log).toContain("database-firewall info Checking again (attempt 2): the cloud may have changed since");
    // The step that waits for the firewall ran again only once the firewall had been checked.
    const checked = log.lastIndexOf("database-firewall status SUCCEEDED");
    expect(log.lastIndexOf("cluster-secrets status RUNNING")).toBeGreaterThan(checked);
  }, 200_000);

  it("fails in psycopg's words when the firewall closes under the install, and a retry opens it and has Flux try again", async () => {
    const SUBSCRIPTION = emulatorAzureEnv(h.emulator.emulator, "")["AZURE_SUBSCRIPTION_ID"]!;
    const pg = new PostgreSQLManagementFlexibleServerClient(h.emulator.credential, SUBSCRIPTION, h.emulator.clientOptions);
    // Flux starts a little later, so the firewall can close between the portal's check and the migrations.
    await h.emulator.control("PATCH", "latencies", { helmRelease: 300 });
    try {
      const id = await requestAndApprove(database.prisma, h, "closed-fw", { executor: "LocalExecutor" });
      const { nameSuffix } = await database.prisma.environment.findUniqueOrThrow({ where: { id } });
      const [rg, server] = ["rg-airflow-closed-fw", `pg-airflow-closed-fw-${nameSuffix}`];
      const deadline = Date.now() + 90_000;
      for (;;) {
        const step = await database.prisma.operationStep.findFirst({ where: { operation: { environmentId: id }, key: "database-firewall", status: "SUCCEEDED" } });
        if (step) break;
        if (Date.now() > deadline) throw new Error(`the firewall step did not succeed:\n${await eventLog(database.prisma, id)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // Someone tightens the server's firewall while Flux installs the chart.
      for await (const rule of pg.firewallRules.listByServer(rg, server)) await pg.firewallRules.beginDeleteAndWait(rg, server, rule.name!, POLL);

      await waitForStatus(database.prisma, id, ["FAILED"], 120_000);
      const op = await database.prisma.operation.findFirstOrThrow({ where: { environmentId: id } });
      expect(op.error).toMatch(/InstallFailed: Helm install failed for release airflow\/airflow with chart airflow@1\.22\.0: context deadline exceeded/);
      const log = await eventLog(database.prisma, id);
      // Which pod failed and why, in psycopg's words: the address the server saw, not allowed by its firewall.
      expect(log).toMatch(/^helm-ready warn Not ready: pod airflow-run-airflow-migrations-[a-z0-9]{5}: container run-airflow-migrations exited 1 \(Error\): .*psycopg2\.OperationalError.*no pg_hba\.conf entry for host "[0-9.]+", user "[^"]+", database "airflow", SSL encryption/m);
      expect(log).toMatch(/^helm-ready warn Not ready: pod airflow-scheduler-[a-z0-9-]+: init container wait-for-airflow-migrations still running$/m);
      expect(log).toMatch(/^helm-ready warn Helm's last words: /m);

      // The retry checks the firewall again, then has Flux reset its failure count and install anew.
      await retryEnvironment(database.prisma, h.admin, id);
      await waitForStatus(database.prisma, id, ["READY"], 120_000);
      const rules: string[] = [];
      for await (const rule of pg.firewallRules.listByServer(rg, server)) rules.push(rule.name!);
      expect(rules).toEqual([expect.stringMatching(/^aks-outbound-[0-9-]+$/)]);
      expect(await eventLog(database.prisma, id)).toContain("helm-ready info Flux gave up on this release earlier (InstallFailed); asking it to reset its failure count and try again");
    } finally {
      await h.emulator.control("PATCH", "latencies", { helmRelease: 50 });
    }
  }, 300_000);
});
