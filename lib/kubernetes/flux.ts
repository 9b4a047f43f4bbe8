import type { KubernetesObject } from "@kubernetes/client-node";

export const HELM_REPOSITORY_NAME = "apache-airflow";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export type FluxObject = KubernetesObject & {
  spec?: Record<string, unknown>;
  status?: { conditions?: Condition[]; observedGeneration?: number; lastAttemptedRevision?: string };
};

export function helmRepository(namespace: string, url: string): FluxObject {
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "HelmRepository",
    metadata: { name: HELM_REPOSITORY_NAME, namespace },
    spec: { url, interval: "1h" },
  };
}

export function helmRelease(input: { name: string; namespace: string; chartVersion: string; values: Record<string, unknown> }): FluxObject {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: input.name, namespace: input.namespace, labels: { "app.kubernetes.io/managed-by": "airflow-portal" } },
    spec: {
      interval: "30m",
      releaseName: input.name,
      chart: {
        spec: { chart: "airflow", version: input.chartVersion, sourceRef: { kind: "HelmRepository", name: HELM_REPOSITORY_NAME }, interval: "1h" },
      },
      // The chart's migration job can take a while on a fresh database.
      timeout: "20m",
      install: { remediation: { retries: 0 } },
      upgrade: { remediation: { retries: 0 } },
      values: input.values,
    },
  };
}

/** Reasons for which Flux is still working, not failed. */
const STILL_WORKING = new Set(["Progressing", "ProgressingWithRetry", "DependencyNotReady", "HelmChartNotReady", "SourceNotReady", "ReconciliationInProgress"]);

export type ReleaseState = { phase: "ready" } | { phase: "failed"; reason: string; message: string } | { phase: "waiting"; message: string };

/** Where a HelmRelease stands for its current generation, read from its `Ready` condition. */
export function releaseState(release: FluxObject): ReleaseState {
  const generation = release.metadata?.generation;
  const ready = release.status?.conditions?.find((c) => c.type === "Ready");
  const observed = ready?.observedGeneration ?? release.status?.observedGeneration;
  if (!ready || (generation !== undefined && observed !== undefined && observed < generation)) {
    return { phase: "waiting", message: "Flux has not reconciled this version of the release yet" };
  }
  if (ready.status === "True") return { phase: "ready" };
  // source-controller stalls on a chart reference it can never resolve (a version the repository
  // lacks): helm-controller reports it as SourceNotReady, but waiting will not change it.
  const stalled = ready.reason === "SourceNotReady" && /invalid chart reference/i.test(ready.message ?? "");
  if (ready.status === "False" && (stalled || !STILL_WORKING.has(ready.reason ?? ""))) {
    return { phase: "failed", reason: ready.reason ?? "NotReady", message: ready.message ?? "" };
  }
  return { phase: "waiting", message: ready.message ?? ready.reason ?? "in progress" };
}
