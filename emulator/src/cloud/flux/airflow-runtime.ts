import type { CloudContext } from "../context.js";
import type { ClusterState, Json } from "../store.js";
import { typeOf } from "../kube/discovery.js";
import type { PodRuntime } from "../kube/kubelet.js";
import { connectionOf, connectProblem, operationalError, parseConnection } from "./metadata-database.js";

const JOB = typeOf("Job");
const POD = typeOf("Pod");
const WAIT_FOR_MIGRATIONS = "wait-for-airflow-migrations";
const MIGRATION_JOB_SUFFIX = "-run-airflow-migrations";

/** How `airflow db migrate` ends when a revision fails: alembic's traceback, last lines. */
const MIGRATION_ERROR =
  'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateColumn) column "dag_version_id" of relation "task_instance" already exists\n[SQL: ALTER TABLE task_instance ADD COLUMN dag_version_id UUID]\n(Background on this error at: https://sqlalche.me/e/14/f405)';

const labelsOf = (obj: Json) => ((obj.metadata as Json).labels ?? {}) as Json;

/**
 * What Airflow's images do that the objects do not say. The chart's pods wait in an init container
 * (`airflow db check-migrations`) until the metadata database is migrated, which the release's
 * `<release>-run-airflow-migrations` Job does. Here the database is migrated once that Job has
 * succeeded; the Job may be gone since (its TTL, a hook-succeeded policy), so a pod of the release
 * that got past the wait before is proof enough too.
 *
 * A container that runs to completion with a metadata connection in its environment (the
 * migration and create-user Jobs' `airflow db migrate`, `airflow users create`) first connects to
 * that database: it exits 1 with psycopg2's error when it cannot (./metadata-database.ts), else 0.
 * A migration Job's container also exits 1 while a `migrationFailed` fault names the server it
 * migrates (kind `airflowMigration`, name the server's name), as `airflow db migrate` does when a
 * revision fails: every retry of the Job fails the same way, until the fault is removed.
 */
export function airflowRuntime(ctx: CloudContext): PodRuntime {
  const { kube } = ctx;
  const migrationsDone = (cluster: ClusterState, pod: Json) => {
    const namespace = String((pod.metadata as Json).namespace);
    const release = labelsOf(pod).release;
    const ofRelease = (obj: Json) => labelsOf(obj).release === release;
    const migrationJob = (job: Json) => String((job.metadata as Json).name).endsWith(MIGRATION_JOB_SUFFIX);
    const succeeded = (job: Json) => Number((job.status as Json | undefined)?.succeeded ?? 0) > 0;
    const jobs = kube.list(cluster, JOB, namespace);
    if (jobs.some((job) => ofRelease(job) && migrationJob(job) && succeeded(job))) return true;
    return kube.list(cluster, POD, namespace).some((p) => {
      const statuses = ((p.status as Json | undefined)?.initContainerStatuses ?? []) as Json[];
      const waited = (s: Json) => s.name === WAIT_FOR_MIGRATIONS && (s.state as Json | undefined)?.terminated;
      return ofRelease(p) && statuses.some(waited);
    });
  };
  return {
    initDone: (cluster, pod, container) => container.name !== WAIT_FOR_MIGRATIONS || migrationsDone(cluster, pod),
    exit: (cluster, pod, container) => {
      const metadata = pod.metadata as Json;
      const url = connectionOf(ctx, cluster, String(metadata.namespace), container);
      if (url === undefined) return { exitCode: 0 };
      const conn = parseConnection(url);
      if (!conn) return { exitCode: 1, message: "sqlalchemy.exc.ArgumentError: Could not parse SQLAlchemy URL from string '***'" };
      // Which of the cluster's outbound addresses the pod's connection leaves from: fixed per pod.
      const spread = parseInt(String(metadata.uid ?? metadata.name).replace(/[^0-9a-f]/gi, "").slice(0, 6) || "0", 16);
      const problem = connectProblem(ctx, cluster, conn, spread);
      if (problem) return { exitCode: 1, message: operationalError(problem) };
      const job = String(labelsOf(pod)["job-name"] ?? "");
      if (job.endsWith(MIGRATION_JOB_SUFFIX)) {
        const server = conn.host.toLowerCase().split(".")[0] ?? "";
        const fault = ctx.faults.take("migrationFailed", { kind: "airflowMigration", name: server });
        if (fault) return { exitCode: 1, message: fault.message ?? MIGRATION_ERROR };
      }
      return { exitCode: 0 };
    },
  };
}
