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
  status?: { conditions?: Condition[]; observedGeneration?: number; lastAttemptedRevision?: string; lastHandledReconcileAt?: string; lastHandledResetAt?: string };
};

export function helmRepository(namespace: string, url: string): FluxObject {
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "HelmRepository",
    metadata: { name: HELM_REPOSITORY_NAME, namespace },
    spec: { url, interval: "1h" },
  };
}

/**
 * How long Helm may take over one install or upgrade: the chart's migration job and first pulls can
 * take minutes on a fresh database or a node pool still scaling up. Below the portal's default wait
 * for the release (PORTAL_HELM_TIMEOUT_MS, 30 min), so that Helm's own verdict arrives first.
 */
export const HELM_TIMEOUT = "20m";

/**
 * What helm-controller does after a failed install or upgrade.
 *
 * Install: uninstall and try again, three times — a first install may meet a node pool that is
 * still scaling up. Safe for Airflow: every secret the chart reads is the portal's (nothing the
 * chart generates is rotated by a reinstall), and the migrations a retry runs are the ones it would
 * run anyway. The last failure is kept, so its pods and events can be read.
 *
 * Upgrade: never remediated. A rollback would put the older Airflow back on a database the newer
 * one has already migrated (migrations only go forward, and the older Airflow cannot read it), and
 * uninstalling would take the environment down. Rolling back only when the Airflow version did not
 * change would need the previous release here, and would still hide the failure behind a release
 * that looks deployed; a failed upgrade stays failed (Stalled) for the team or an admin to act on.
 */
export const REMEDIATION = {
  install: { retries: 3, remediateLastFailure: false },
  upgrade: { retries: 0, remediateLastFailure: false },
} as const;

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
      timeout: HELM_TIMEOUT,
      // The portal creates the namespace, with its secrets, before the release.
      install: { createNamespace: false, remediation: { ...REMEDIATION.install } },
      upgrade: { remediation: { ...REMEDIATION.upgrade } },
      values: input.values,
    },
  };
}

/** Reasons for which Flux is still working, not failed. */
const STILL_WORKING = new Set(["Progressing", "ProgressingWithRetry", "DependencyNotReady", "HelmChartNotReady", "SourceNotReady", "ReconciliationInProgress"]);

export type ReleaseState = { phase: "ready" } | { phase: "failed"; reason: string; message: string } | { phase: "waiting"; message: string };

/** The failures remediation retries are counted against. */
const REMEDIATED = new Set(["InstallFailed", "UpgradeFailed"]);

/** helm-controller marks a failed attempt it will retry `Reconciling` / `ProgressingWithRetry`, and `Stalled` once out of retries. */
function retriesLeft(conditions: Condition[]): boolean {
  const has = (type: string, reason?: string) =>
    conditions.some((c) => c.type === type && c.status === "True" && (reason === undefined || c.reason === reason));
  return !has("Stalled") && has("Reconciling", "ProgressingWithRetry");
}

/**
 * Where a HelmRelease stands for its current generation, read from its `Ready` condition. A failed
 * install or upgrade with remediation retries left is still waiting: helm-controller tries again.
 */
export function releaseState(release: FluxObject): ReleaseState {
  const generation = release.metadata?.generation;
  const conditions = release.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  const observed = ready?.observedGeneration ?? release.status?.observedGeneration;
  if (!ready || (generation !== undefined && observed !== undefined && observed < generation)) {
    return { phase: "waiting", message: "Flux has not reconciled this version of the release yet" };
  }
  if (ready.status === "True") return { phase: "ready" };
  if (ready.status === "False" && REMEDIATED.has(ready.reason ?? "") && retriesLeft(conditions)) {
    return { phase: "waiting", message: `Flux will try again: ${ready.message || ready.reason}` };
  }
  // source-controller stalls on a chart reference it can never resolve (a version the repository
  // lacks): helm-controller reports it as SourceNotReady, but waiting will not change it.
  const stalled = ready.reason === "SourceNotReady" && /invalid chart reference/i.test(ready.message ?? "");
  if (ready.status === "False" && (stalled || !STILL_WORKING.has(ready.reason ?? ""))) {
    return { phase: "failed", reason: ready.reason ?? "NotReady", message: ready.message ?? "" };
  }
  return { phase: "waiting", message: ready.message ?? ready.reason ?? "in progress" };
}

/** Flux's request annotations: reconcile now, and (with the same token) reset the failure counts first. */
export const RECONCILE_REQUEST_ANNOTATION = "reconcile.fluxcd.io/requestedAt";
export const RESET_REQUEST_ANNOTATION = "reconcile.fluxcd.io/resetAt";

/**
 * A failed install or upgrade helm-controller will not try again by itself: its remediation retries
 * are used up (`Stalled` / `RetriesExceeded`) and nothing in the spec changed. Only a reset request
 * (`flux reconcile hr --reset`) or a new generation sets it going again.
 */
export function gaveUp(release: FluxObject): boolean {
  const conditions = release.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  const stalled = conditions.some((c) => c.type === "Stalled" && c.status === "True" && c.reason === "RetriesExceeded");
  return stalled && ready?.status === "False" && REMEDIATED.has(ready.reason ?? "") && (ready.observedGeneration ?? release.status?.observedGeneration) === release.metadata?.generation;
}

/** The annotations `flux reconcile hr --reset` sets: a reconcile request and a reset with the same token. */
export function resetRequest(token: string): Record<string, string> {
  return { [RECONCILE_REQUEST_ANNOTATION]: token, [RESET_REQUEST_ANNOTATION]: token };
}

/** Whether helm-controller has taken up the request with this token (its status echoes it). */
export const requestHandled = (release: FluxObject, token: string) => release.status?.lastHandledReconcileAt === token;
