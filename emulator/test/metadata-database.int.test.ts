import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { BatchV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import type { CoreV1Event, KubernetesObject, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowHelmValues } from "@/lib/helm/airflow-values";
import { airflowSecrets, helmRelease, helmRepository, metadataConnection, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { kubectls } from "./kubectl-tools.js";
import { airflowCharts, eventually, needs, POLL, startTestEmulator, type TestEmulator } from "./support.js";

/**
 * The chart's migration Job connects to the metadata database the release's Secret names: it
 * succeeds only against the environment's flexible server, Ready, with the database, behind a
 * firewall that admits the cluster's outbound address, and otherwise fails with psycopg2's words
 * and is retried as the Job controller retries, until its backoff limit.
 */
type Condition = { type: string; status: string; reason: string; message: string };
type Release = KubernetesObject & { status?: { conditions?: Condition[]; observedGeneration?: number } };

const GROUP = "rg-metadata";
const CLUSTER = "aks-metadata";
const JOB = "airflow-run-airflow-migrations";
const SERVER_AT = /connection to server at "pg-airflow\.postgres\.database\.azure\.com" \(20\.\d+\.\d+\.\d+\), port 5432 failed: /;

const run = promisify(execFile);
const tools = kubectls();
let env: TestEmulator;
let core: CoreV1Api;
let batch: BatchV1Api;
let objects: KubernetesObjectApi;
let pg: PostgreSQLManagementFlexibleServerClient;
let outbound: string;
let admit: (address: string) => Promise<unknown>;
let dir: string;

/** The portal's values; a day's TTL (seconds here, scaled) keeps the finished Jobs and their pods to be read. */
const values = () => ({
  ...airflowHelmValues({ executor: "LocalExecutor", airflowVersion: "3.0.2", size: "small", dagSource: null }),
  migrateDatabaseJob: { useHelmHooks: false, applyCustomEnv: false, ttlSecondsAfterFinished: 86_400 },
});

const apply = (obj: object) =>
  objects.patch(obj as KubernetesObject, undefined, undefined, "airflow-portal", true, PatchStrategy.ServerSideApply);
const readRelease = (namespace: string) =>
  objects.read<Release>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace } });
const ready = (hr: Release) => hr.status?.conditions?.find((c) => c.type === "Ready");

/** The portal's order: namespace, its Secrets (the metadata one with `connection`), the repository, the release. */
async function install(namespace: string, connection = metadataConnection(), retries = 0) {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const secrets = airflowSecrets(namespace).map((s) => (s.metadata.name === "airflow-metadata" ? { ...s, stringData: { connection } } : s));
  for (const secret of secrets) await objects.create(secret);
  await apply(helmRepository(namespace));
  const release = helmRelease(values(), "airflow", namespace);
  await apply({ ...release, spec: { ...release.spec, install: { remediation: { retries } } } });
}

/** The release's verdict once an attempt has ended: the Ready condition, not Unknown. */
const verdict = (namespace: string, reason?: string) =>
  eventually(async () => {
    const condition = ready(await readRelease(namespace));
    const decided = condition && condition.status !== "Unknown" && (reason === undefined || condition.reason === reason);
    return decided ? condition : undefined;
  }, 60_000, `HelmRelease ${namespace}/airflow to settle`);

const migrationPods = async (namespace: string) =>
  (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${JOB}` })).items as V1Pod[];
const terminated = (pod: V1Pod) => pod.status?.containerStatuses?.[0]?.state?.terminated;

/** The first migration pod that failed, once one has. */
const firstFailure = (namespace: string) =>
  eventually(async () => (await migrationPods(namespace)).find((p) => p.status?.phase === "Failed"), 30_000, `a failed migration pod in ${namespace}`);

const kubectl = async (bin: string, minor: number, ...args: string[]) =>
  (await run(bin, ["--kubeconfig", path.join(dir, "kubeconfig"), "--cache-dir", path.join(dir, `cache-${minor}`), ...args], { timeout: 30_000 })).stdout;

beforeAll(async () => {
  env = await startTestEmulator();
  // Azure's time at 1/120: Helm's 5-minute wait is 2.5 s, the Job's back-off (10 s doubling) from 83 ms.
  await env.control("PATCH", "latencies", { helmRelease: 1500 });
  const cluster = await provisionCluster(env, GROUP, CLUSTER);
  core = cluster.kc.makeApiClient(CoreV1Api);
  batch = cluster.kc.makeApiClient(BatchV1Api);
  objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  // The server and its database, but no firewall rule for the cluster yet.
  const database = await provisionDatabase(env, GROUP, CLUSTER, { firewall: false });
  pg = database.pg;
  admit = database.admit;
  expect(database.addresses).toHaveLength(1);
  outbound = database.addresses[0]!;
  dir = mkdtempSync(path.join(os.tmpdir(), "metadata-database-"));
  writeFileSync(path.join(dir, "kubeconfig"), cluster.kubeconfigYaml);
}, 60_000);
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the migration Job against the metadata database", () => {
  it("fails behind a closed firewall in the server's words, retries to its backoff limit, and fails the install", async (ctx) => {
    needs(airflowCharts, ctx);
    await install("closed");
    expect(await verdict("closed")).toMatchObject({
      status: "False",
      reason: "InstallFailed",
      message: "Helm install failed for release closed/airflow with chart airflow@1.18.0: context deadline exceeded",
    });
    const job = await eventually(async () => {
      const found = await batch.readNamespacedJob({ name: JOB, namespace: "closed" });
      return found.status?.conditions?.some((c) => c.type === "Failed") ? found : undefined;
    }, 30_000, "the migration Job to fail");
    expect(job.status).toMatchObject({ failed: 7 });
    expect(job.status?.succeeded).toBeUndefined();
    expect(job.status?.conditions?.find((c) => c.type === "Failed")).toMatchObject({
      status: "True",
      reason: "BackoffLimitExceeded",
      message: "Job has reached the specified backoff limit",
    });
    // A new pod for each attempt: backoffLimit 6 is seven attempts, each ended in Error with psycopg2's words.
    const pods = await migrationPods("closed");
    expect(pods).toHaveLength(7);
    const noEntry = `FATAL:  no pg_hba.conf entry for host "${outbound}", user "airflowadmin", database "airflow", SSL encryption`;
    for (const pod of pods) {
      expect(pod.status?.phase).toBe("Failed");
      expect(terminated(pod)).toMatchObject({ reason: "Error", exitCode: 1 });
      expect(terminated(pod)?.message).toContain("(psycopg2.OperationalError) ");
      expect(terminated(pod)?.message).toMatch(SERVER_AT);
      expect(terminated(pod)?.message).toContain(noEntry);
    }
    const events = (await core.listNamespacedEvent({ namespace: "closed", fieldSelector: `involvedObject.name=${JOB}` })).items as CoreV1Event[];
    expect(events.filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(7);
    expect(events.find((e) => e.reason === "BackoffLimitExceeded")).toMatchObject({ type: "Warning", message: "Job has reached the specified backoff limit" });
    // The pods waiting for the migrations still wait.
    const [scheduler] = (await core.listNamespacedPod({ namespace: "closed", labelSelector: "component=scheduler" })).items;
    expect(scheduler?.status?.initContainerStatuses?.[0]).toMatchObject({ name: "wait-for-airflow-migrations", state: { running: expect.anything() } });
  });

  it.for(tools)("shows the failed attempts with kubectl 1.$minor: pods, deployments, jobs and claims", async ({ bin, minor }, ctx) => {
    needs(airflowCharts, ctx);
    const out = await kubectl(bin, minor, "get", "pods,deployments,jobs,pvc", "-n", "closed");
    expect(out.match(new RegExp(`^pod/${JOB}-[a-z0-9]{5}\\s+0/1\\s+Error\\s+0\\s`, "gm"))).toHaveLength(7);
    expect(out).toMatch(/^pod\/airflow-scheduler-0\s+0\/2\s+Init:0\/1\s/m);
    expect(out).toMatch(/^deployment\.apps\/airflow-api-server\s+0\/1\s+1\s+0\s/m);
    expect(out).toMatch(new RegExp(`^job\\.batch/${JOB}\\s+(Failed\\s+)?0/1\\s`, "m"));
    expect(out).toMatch(/^persistentvolumeclaim\/logs-airflow-scheduler-0\s+Bound\s/m);
  });

  it("succeeds on a later attempt once a firewall rule admits the cluster's outbound IP", async (ctx) => {
    needs(airflowCharts, ctx);
    // As the portal installs: with install retries, each a new install with a new migration Job.
    await install("opened", metadataConnection(), 3);
    const failed = await firstFailure("opened");
    expect(terminated(failed)?.message).toContain(`no pg_hba.conf entry for host "${outbound}"`);
    await admit(outbound);
    expect(await verdict("opened", "InstallSucceeded")).toMatchObject({ status: "True" });
    const job = await batch.readNamespacedJob({ name: JOB, namespace: "opened" });
    expect(job.status).toMatchObject({ succeeded: 1 });
    expect(job.status?.conditions?.find((c) => c.type === "Complete")).toMatchObject({ status: "True" });
    const [done] = (await migrationPods("opened")).filter((p) => p.status?.phase === "Succeeded");
    expect(terminated(done!)).toMatchObject({ reason: "Completed", exitCode: 0 });
    expect(terminated(done!)?.message).toBeUndefined();
  });

  it.for([
    ["nodb", 'FATAL:  database "airflow_meta" does not exist', metadataConnection({ database: "airflow_meta" })],
    ["badpassword", 'FATAL:  password authentication failed for user "airflowadmin"', metadataConnection({ password: "not-the-password" })],
  ] as const)("fails in %s with psycopg2's words: %s", async ([namespace, words, connection], ctx) => {
    needs(airflowCharts, ctx);
    await install(namespace, connection);
    const failed = await firstFailure(namespace);
    expect(terminated(failed)).toMatchObject({ reason: "Error", exitCode: 1 });
    expect(terminated(failed)?.message).toMatch(SERVER_AT);
    expect(terminated(failed)?.message).toContain(words);
    expect(await verdict(namespace)).toMatchObject({ status: "False", reason: "InstallFailed" });
  });

  it("fails on a host that does not resolve", async (ctx) => {
    needs(airflowCharts, ctx);
    await install("nohost", metadataConnection({ host: "pg-elsewhere.postgres.database.azure.com" }));
    const failed = await firstFailure("nohost");
    expect(terminated(failed)?.message).toContain(
      '(psycopg2.OperationalError) could not translate host name "pg-elsewhere.postgres.database.azure.com" to address: Name or service not known',
    );
  });

  it("is refused by a stopped server, and succeeds on a later attempt once the server runs again", async (ctx) => {
    needs(airflowCharts, ctx);
    await pg.servers.beginStopAndWait(GROUP, "pg-airflow", POLL);
    await install("stopped", metadataConnection(), 3);
    const failed = await firstFailure("stopped");
    expect(terminated(failed)?.message).toMatch(SERVER_AT);
    expect(terminated(failed)?.message).toContain(
      "failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
    );
    await pg.servers.beginStartAndWait(GROUP, "pg-airflow", POLL);
    expect(await verdict("stopped", "InstallSucceeded")).toMatchObject({ status: "True" });
    expect((await batch.readNamespacedJob({ name: JOB, namespace: "stopped" })).status).toMatchObject({ succeeded: 1 });
  });

  it("finds its metadata on a server restored to a point in time, once the new server's firewall admits the cluster", async (ctx) => {
    needs(airflowCharts, ctx);
    const source = await pg.servers.get(GROUP, "pg-airflow");
    const pointInTimeUTC = new Date((await env.control<{ now: string }>("GET", "clock")).now);
    const restore = { location: "westeurope", createMode: "PointInTimeRestore" as const, sourceServerResourceId: source.id!, pointInTimeUTC };
    await pg.servers.beginCreateOrUpdateAndWait(GROUP, "pg-airflow-restored", restore, POLL);
    const host = "pg-airflow-restored.postgres.database.azure.com";
    // The restore brings the databases and the login, not the firewall rules.
    await install("restored", metadataConnection({ host }), 3);
    expect(terminated(await firstFailure("restored"))?.message).toContain(`no pg_hba.conf entry for host "${outbound}"`);
    const address = { startIpAddress: outbound, endIpAddress: outbound };
    await pg.firewallRules.beginCreateOrUpdateAndWait(GROUP, "pg-airflow-restored", "aks-outbound", address, POLL);
    expect(await verdict("restored", "InstallSucceeded")).toMatchObject({ status: "True" });
  });
});
