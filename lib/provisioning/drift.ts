import type { TokenCredential } from "@azure/core-auth";
import type { ArmClients } from "@/lib/azure/clients";
import { diffValues } from "@/lib/environments/changes/values-diff";
import type { Drift } from "@/lib/environments/drift-record";
import { SIZE_PRESETS, type SizeName } from "@/lib/environments/catalog";
import { deriveNames } from "@/lib/environments/naming";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { KubernetesObjectApi, type KubeConfig } from "@kubernetes/client-node";
import type { ReleaseObject } from "@/lib/environments/release-objects";
import { workloadShape } from "@/lib/helm/airflow-release";
import { readObject } from "@/lib/kubernetes/apply";
import type { FluxObject } from "@/lib/kubernetes/flux";
import { readDeployed, type Deployed } from "./deployed";
import { kubeConfigForCluster } from "./steps/cluster-access";

/**
 * Drift: what the cloud holds now against what the last operation applied. The HelmRelease's values,
 * chart version and suspension as the API server holds them; every object the chart rendered for it
 * (Jobs and hooks aside), which must exist; the node pool's VM size and range and the server's SKU and storage, as the size sets them.
 * Found by the workers (never in a request), stored on the environment for its page.
 */
type Difference = Drift["differences"][number];

/**
 * The API group and version of each kind the Airflow chart renders, and whether it lives in a
 * namespace. Jobs are left out: the migration and create-user Jobs go after their TTL by design.
 */
const RENDERED_KINDS: Record<string, { apiVersion: string; namespaced: boolean }> = {
  Deployment: { apiVersion: "apps/v1", namespaced: true },
  StatefulSet: { apiVersion: "apps/v1", namespaced: true },
  DaemonSet: { apiVersion: "apps/v1", namespaced: true },
  CronJob: { apiVersion: "batch/v1", namespaced: true },
  Service: { apiVersion: "v1", namespaced: true },
  ServiceAccount: { apiVersion: "v1", namespaced: true },
  ConfigMap: { apiVersion: "v1", namespaced: true },
  Secret: { apiVersion: "v1", namespaced: true },
  PersistentVolumeClaim: { apiVersion: "v1", namespaced: true },
  Role: { apiVersion: "rbac.authorization.k8s.io/v1", namespaced: true },
  RoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", namespaced: true },
  ClusterRole: { apiVersion: "rbac.authorization.k8s.io/v1", namespaced: false },
  ClusterRoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", namespaced: false },
  Ingress: { apiVersion: "networking.k8s.io/v1", namespaced: true },
  NetworkPolicy: { apiVersion: "networking.k8s.io/v1", namespaced: true },
  PodDisruptionBudget: { apiVersion: "policy/v1", namespaced: true },
  HorizontalPodAutoscaler: { apiVersion: "autoscaling/v2", namespaced: true },
};

/**
 * How the release's rendered objects (as recorded when it was applied) differ in the cluster: gone,
 * or, for a Deployment or StatefulSet, scaled or running other images than rendered. One list per
 * kind, not one read per object.
 */
export async function objectDifferences(kc: KubeConfig, namespace: string, objects: readonly ReleaseObject[]): Promise<Difference[]> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const wanted = objects.filter((o) => !o.hook && RENDERED_KINDS[o.kind]);
  const differences: Difference[] = [];
  for (const kind of new Set(wanted.map((o) => o.kind))) {
    const { apiVersion, namespaced } = RENDERED_KINDS[kind]!;
    const listed = await api.list(apiVersion, kind, namespaced ? namespace : undefined);
    const live = new Map(listed.items.map((item) => [item.metadata?.name, item as unknown as Record<string, unknown>]));
    for (const object of wanted.filter((o) => o.kind === kind)) {
      const found = live.get(object.name);
      const what = `${object.kind} ${object.name}`;
      if (!found) {
        differences.push({ what, expected: "present", actual: "missing" });
        continue;
      }
      const now = object.workload ? workloadShape(kind, found) : undefined;
      if (!object.workload || !now) continue;
      if (object.workload.replicas !== undefined && now.replicas !== object.workload.replicas) {
        differences.push({ what: `${what} replicas`, expected: String(object.workload.replicas), actual: String(now.replicas ?? "?") });
      }
      if (object.workload.images.join(" ") !== now.images.join(" ")) {
        differences.push({ what: `${what} images`, expected: object.workload.images.join(", "), actual: now.images.join(", ") });
      }
    }
  }
  return differences;
}

export interface DriftTarget {
  name: string;
  nameSuffix: string;
  databaseServer: string | null;
  size: SizeName;
  deployed: Deployed;
}

/** The differences between `target` as applied and its cloud now. Throws when the cloud cannot be read. */
export async function findDrift(arm: ArmClients, credential: TokenCredential, target: DriftTarget, signal?: AbortSignal): Promise<Difference[]> {
  const names = deriveNames(target.name, target.nameSuffix, target.databaseServer);
  const differences: Difference[] = [];
  const preset = SIZE_PRESETS[target.size];

  const pools = [];
  for await (const pool of arm.aks.agentPools.list(names.resourceGroup, names.cluster, { abortSignal: signal })) pools.push(pool);
  const pool = pools.find((p) => p.mode === "System");
  const range = (min?: number, max?: number) => `${min ?? "?"}–${max ?? "?"} nodes`;
  if (pool?.vmSize !== preset.nodeVmSize) differences.push({ what: "AKS node pool VM size", expected: preset.nodeVmSize, actual: pool?.vmSize ?? "no System pool" });
  if (pool && (pool.minCount !== preset.nodeMinCount || pool.maxCount !== preset.nodeMaxCount)) {
    differences.push({ what: "AKS node pool autoscaler range", expected: range(preset.nodeMinCount, preset.nodeMaxCount), actual: range(pool.minCount, pool.maxCount) });
  }
  const server = await arm.postgres.servers.get(names.resourceGroup, names.postgresServer, { abortSignal: signal });
  if (server.sku?.name !== preset.postgresSkuName) differences.push({ what: "PostgreSQL SKU", expected: preset.postgresSkuName, actual: server.sku?.name ?? "?" });
  if ((server.storage?.storageSizeGB ?? 0) < preset.postgresStorageGiB) {
    differences.push({ what: "PostgreSQL storage", expected: `${preset.postgresStorageGiB} GiB or more`, actual: `${server.storage?.storageSizeGB ?? "?"} GiB` });
  }

  const kc = await kubeConfigForCluster(arm, credential, names.resourceGroup, names.cluster, signal);
  const header = { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: names.helmRelease, namespace: names.namespace } };
  const release = await readObject<FluxObject & { spec?: { values?: Record<string, unknown>; suspend?: boolean; chart?: { spec?: { version?: string } } } }>(kc, header);
  if (!release) {
    differences.push({ what: "HelmRelease", expected: `${names.namespace}/${names.helmRelease}`, actual: "missing" });
    return differences;
  }
  const version = release.spec?.chart?.spec?.version ?? "?";
  if (version !== target.deployed.chartVersion) differences.push({ what: "Chart version", expected: target.deployed.chartVersion, actual: version });
  if (release.spec?.suspend) differences.push({ what: "HelmRelease", expected: "reconciled by Flux", actual: "suspended" });
  for (const change of diffValues(target.deployed.helmValues, release.spec?.values ?? {})) {
    differences.push({ what: `Helm value ${change.path}`, expected: change.before ?? "(not set)", actual: change.after ?? "(not set)" });
  }
  differences.push(...(await objectDifferences(kc, names.namespace, target.deployed.release?.objects ?? [])));
  return differences;
}

/**
 * Looks at READY environments not looked at for `intervalMs` (claimed by a time inside `drift`, so
 * workers share them), and records what differs. An environment whose cloud cannot be read keeps
 * its last finding.
 */
export async function refreshDrift(db: PrismaClient, intervalMs: number, find: (target: DriftTarget) => Promise<Difference[]>): Promise<number> {
  const due = await db.$queryRaw<{ id: string }[]>`
    UPDATE environments SET drift = jsonb_set(COALESCE(drift, '{"differences": []}'::jsonb), '{checkedAt}', to_jsonb(now()))
     WHERE id IN (
       SELECT id FROM environments
        WHERE status = 'READY' AND deployed IS NOT NULL
          AND (drift IS NULL OR (drift->>'checkedAt')::timestamptz < now() - make_interval(secs => ${intervalMs / 1000}))
        ORDER BY (drift->>'checkedAt') NULLS FIRST LIMIT 20
          FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id`;
  for (const { id } of due) {
    const env = await db.environment.findUnique({ where: { id }, select: { name: true, nameSuffix: true, databaseServer: true, size: true, deployed: true, status: true } });
    const deployed = readDeployed(env?.deployed);
    if (!env || !deployed || env.status !== "READY") continue;
    const differences = await find({ name: env.name, nameSuffix: env.nameSuffix, databaseServer: env.databaseServer, size: env.size, deployed }).catch(() => null);
    if (!differences) continue;
    const drift: Drift = { checkedAt: new Date().toISOString(), differences };
    await db.environment.updateMany({ where: { id, status: "READY" }, data: { drift: drift as unknown as Prisma.InputJsonValue } });
  }
  return due.length;
}
