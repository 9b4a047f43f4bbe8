import type { ClusterState, Json } from "../store.js";
import type { KubeClusters } from "../kube/clusters.js";
import { typeOf } from "../kube/discovery.js";
import type { PodRuntime } from "../kube/kubelet.js";

const JOB = typeOf("Job");
const POD = typeOf("Pod");
const WAIT_FOR_MIGRATIONS = "wait-for-airflow-migrations";
const MIGRATION_JOB_SUFFIX = "-run-airflow-migrations";

const labelsOf = (obj: Json) => ((obj.metadata as Json).labels ?? {}) as Json;

/**
 * What Airflow's images do that the objects do not say. The chart's pods wait in an init container
 * (`airflow db check-migrations`) until the metadata database is migrated, which the release's
 * `<release>-run-airflow-migrations` Job does. Here the database is migrated once that Job has
 * succeeded; the Job may be gone since (its TTL, a hook-succeeded policy), so a pod of the release
 * that got past the wait before is proof enough too.
 */
export function airflowRuntime(kube: KubeClusters): PodRuntime {
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
    // Where the migration and create-user Jobs will meet the database: reaching the PostgreSQL server
    // through its firewall, with the metadata Secret's credentials. For now they succeed whenever
    // the kubelet could start them, that is when every Secret and ConfigMap they read exists.
    exit: () => ({ exitCode: 0 }),
  };
}
