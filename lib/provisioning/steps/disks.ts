import { BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { StepRun } from "../context";
import { clusterAccess } from "./cluster-access";

const notFound = (error: unknown) => (error as { code?: number }).code === 404;

/**
 * The disks an approved change leaves behind: Kubernetes keeps a StatefulSet's claims when the
 * StatefulSet goes (Redis' and the Celery workers' on a switch away from Celery), and with them the
 * Azure disks, billed until deleted. The change's what-if listed them and was approved with them, so
 * exactly those claims are deleted, once the release no longer uses them. One already gone is fine.
 */
export const deleteLeftBehindDisks: StepRun = async (ctx) => {
  const claims = ctx.env.change?.disks ?? [];
  if (claims.length === 0) {
    await ctx.log("The change leaves no disk behind");
    return { deleted: [] };
  }
  const kc = await clusterAccess(ctx);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = ctx.env.names.namespace;
  const deleted: string[] = [];
  for (const name of claims) {
    const gone = await ctx.retry(async () => {
      try {
        await core.deleteNamespacedPersistentVolumeClaim({ name, namespace });
        return false;
      } catch (error) {
        if (notFound(error)) return true;
        throw error;
      }
    });
    await ctx.log(gone ? `Claim ${name} was already gone` : `Deleted claim ${name}; Azure deletes its disk with it`);
    deleted.push(name);
  }
  return { deleted };
};

/**
 * The release's finished Jobs (the migration and create-user Jobs, which the portal runs as plain
 * Jobs rather than Helm hooks), succeeded or failed (a failed upgrade's migration), go before a
 * change or a restore is applied: a Job's pod template cannot change,
 * so an upgrade that renders them differently fails while they are still there, which their
 * `ttlSecondsAfterFinished` (5 minutes) only prevents later. The new release creates them again.
 */
export const deleteFinishedJobs: StepRun = async (ctx) => {
  const kc = await clusterAccess(ctx);
  const batch = kc.makeApiClient(BatchV1Api);
  const namespace = ctx.env.names.namespace;
  const jobs = await ctx.retry(() => batch.listNamespacedJob({ namespace, labelSelector: `release=${ctx.env.names.helmRelease}` }));
  const ended = (j: (typeof jobs.items)[number]) => j.status?.conditions?.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  const finished = jobs.items.filter((j) => (j.status?.succeeded ?? 0) > 0 || ended(j));
  const deleted: string[] = [];
  for (const job of finished) {
    const name = job.metadata!.name!;
    await ctx.retry(async () => {
      try {
        await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" });
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    });
    deleted.push(name);
  }
  await ctx.log(deleted.length ? `Deleted finished Jobs ${deleted.join(", ")}; the release creates them again` : "No finished Job to clear");
  return { deleted };
};
