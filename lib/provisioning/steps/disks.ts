import { CoreV1Api } from "@kubernetes/client-node";
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
