import { createHash } from "node:crypto";
import https from "node:https";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_ADMINS_GROUP_ID } from "@/emulator/src/cloud/groups";
import { airflowCharts, needs } from "@/emulator/test/support";
import { withTestDatabase } from "@/scripts/test-support/db";
import { CELERY_REFUSAL, startTestChartRepository, writeRefusingChart, type TestChartRepository } from "@/scripts/test-support/helm";
import { readDeployed } from "./deployed";
import { eventLog, requestAndApprove, startEngineHarness, waitForStatus, type EngineHarness } from "@/scripts/test-support/provisioning";

/**
 * The Helm step renders the chart before it applies anything: what it applied is recorded with
 * the chart package's digest, and values Helm refuses fail the step in Helm's words.
 */
const database = withTestDatabase();
let h: EngineHarness;
const refusing = writeRefusingChart("1.22.0");
let refusingRepository: TestChartRepository;

const download = (url: string) =>
  new Promise<Buffer>((resolve, reject) => {
    https
      .get(url, { ca: h.emulator.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks)));
      })
      .on("error", reject);
  });

beforeAll(async () => {
  h = await startEngineHarness(database.prisma, database.url, PLATFORM_ADMINS_GROUP_ID);
  refusingRepository = await startTestChartRepository(refusing.chartsDir);
}, 120_000);
afterAll(async () => {
  await h?.close();
  await refusingRepository?.close();
  refusing.remove();
});
// One worker per test, each pointed at the repository the test is about.
afterEach(async () => {
  for (const worker of h.workers.splice(0)) await worker.stop();
});

describe("the Helm release step", () => {
  it("records the chart package's digest and the objects the release creates with what it applied", async (ctx) => {
    needs(airflowCharts, ctx);
    h.startWorker();
    const id = await requestAndApprove(database.prisma, h, "listed");
    await waitForStatus(database.prisma, id, ["READY"]);

    const deployed = readDeployed((await database.prisma.environment.findUniqueOrThrow({ where: { id } })).deployed)!;
    const archive = await download(`${h.emulator.url}/helm/airflow/airflow-1.22.0.tgz`);
    expect(deployed.release?.chartDigest).toBe(createHash("sha256").update(archive).digest("hex"));
    // Each object with the digest a later render is compared with (a what-if's "changed").
    const hex16 = expect.stringMatching(/^[0-9a-f]{16}$/);
    expect(deployed.release?.objects).toEqual(
      expect.arrayContaining([
        // Workloads also with what drift compares: their replicas and images, as rendered.
        { kind: "Deployment", name: "airflow-scheduler", category: "workloads", digest: hex16, workload: expect.objectContaining({ images: expect.arrayContaining(["apache/airflow:3.2.2"]) }) },
        { kind: "Deployment", name: "airflow-api-server", category: "workloads", digest: hex16, workload: expect.objectContaining({ images: expect.arrayContaining(["apache/airflow:3.2.2"]) }) },
        { kind: "Service", name: "airflow-api-server", category: "services", digest: hex16 },
        // A plain Job under Flux (useHelmHooks: false), not a hook.
        { kind: "Job", name: "airflow-run-airflow-migrations", category: "workloads", digest: hex16 },
      ]),
    );
    expect(deployed.release?.objects.some((o) => o.kind === "StatefulSet" && o.name.includes("postgresql"))).toBe(false);
    const step = await database.prisma.operationStep.findFirstOrThrow({ where: { operation: { environmentId: id }, key: "helm-release" } });
    expect(step.output).toMatchObject({ release: deployed.release });
    expect(await eventLog(database.prisma, id)).toMatch(/helm-release info Chart airflow 1\.22\.0 \(sha256 [0-9a-f]{12}…\) renders \d+ objects and 1 hook for these values/);
  });

  it("fails in Helm's words when the chart refuses the values, before anything is applied in the cluster", async () => {
    h.startWorker({ PORTAL_HELM_REPOSITORY_URL: refusingRepository.url });
    // Straight into the database, as a request recorded before the chart changed would be.
    const id = await requestAndApprove(database.prisma, h, "refused", { executor: "CeleryExecutor" });
    await waitForStatus(database.prisma, id, ["FAILED"]);

    const step = await database.prisma.operationStep.findFirstOrThrow({ where: { operation: { environmentId: id }, key: "helm-release" } });
    expect(step.status).toBe("FAILED");
    expect(step.error).toMatch(/^ChartRefused: Chart airflow 1\.22\.0 refuses these settings: /);
    expect(step.error).toContain(CELERY_REFUSAL);
    const { clusters, kubeCounts } = await h.emulator.control<{ clusters: { key: string; armId: string }[]; kubeCounts: Record<string, Record<string, unknown>> }>("GET", "state");
    const cluster = clusters.find((c) => c.armId.toLowerCase().endsWith("/aks-airflow-refused"))!;
    expect(Object.keys(kubeCounts[cluster.key] ?? {}).filter((k) => k.startsWith("Helm"))).toEqual([]);
  });
});
