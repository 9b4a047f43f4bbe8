import { createHash } from "node:crypto";
import { kubeNow } from "../kube/clusters.js";
import type { Json } from "../store.js";
import type { ReleaseFacts } from "./chart.js";

export const digest = (value: unknown) => `sha256:${createHash("sha256").update(JSON.stringify(value ?? {})).digest("hex")}`;

export function condition(type: string, status: "True" | "False" | "Unknown", reason: string, message: string, generation: number, previous?: Json[]): Json {
  const before = previous?.find((c) => c.type === type);
  const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : kubeNow();
  return { type, status, observedGeneration: generation, lastTransitionTime, reason, message };
}

export const readyCondition = (obj: Json) => ((obj.status as Json | undefined)?.conditions as Json[] | undefined)?.find((c) => c.type === "Ready");

/** A release that reached a verdict for its generation (including SourceNotReady, which waits for its source or a new spec). */
export function releaseSettled(hr: Json) {
  const ready = readyCondition(hr);
  return ready !== undefined && ready.status !== "Unknown" && ready.observedGeneration === (hr.metadata as Json).generation;
}

/** helm-controller's "Progressing" status while it works on a new generation. */
export function progressingStatus(hr: Json): Json {
  const status = (hr.status ?? {}) as Json;
  const generation = (hr.metadata as Json).generation as number;
  const previous = status.conditions as Json[] | undefined;
  return {
    ...status,
    conditions: [
      condition("Reconciling", "True", "Progressing", `Fulfilling prerequisites`, generation, previous),
      condition("Ready", "Unknown", "Progressing", "Reconciliation in progress", generation, previous),
    ],
  };
}

/**
 * helm-controller (v2, Flux ≥ 2.3) when the HelmChart it made for the release is not ready:
 * Ready=False / SourceNotReady, "HelmChart '<ns>/<name>' is not ready: <source-controller's reason>".
 * It keeps the last observedGeneration: the release itself was not reconciled.
 */
export function sourceNotReadyStatus(hr: Json, message: string, reason = "SourceNotReady"): Json {
  const status = (hr.status ?? {}) as Json;
  const generation = (hr.metadata as Json).generation as number;
  const previous = status.conditions as Json[] | undefined;
  return {
    ...status,
    conditions: [condition("Reconciling", "True", "Progressing", "Fulfilling prerequisites", generation, previous), condition("Ready", "False", reason, message, generation, previous)],
  };
}

/** What helm-controller carries from one status to the next: the request tokens it has handled (./requests.ts). */
function handledRequests(hr: Json): Json {
  const status = (hr.status ?? {}) as Json;
  return Object.fromEntries(["lastHandledReconcileAt", "lastHandledResetAt"].filter((k) => status[k] !== undefined).map((k) => [k, status[k]]));
}

/** The status helm-controller (v2) writes after an install or upgrade attempt. */
export function releasedStatus(hr: Json, facts: ReleaseFacts, outcome: { ok: true } | { ok: false; message: string }): Json {
  const status = (hr.status ?? {}) as Json;
  const metadata = hr.metadata as Json;
  const generation = metadata.generation as number;
  const previousHistory = (status.history as Json[] | undefined) ?? [];
  const deployedBefore = previousHistory.some((h) => h.status === "deployed" || h.status === "superseded");
  const action = deployedBefore ? "upgrade" : "install";
  const Action = deployedBefore ? "Upgrade" : "Install";
  const version = ((previousHistory[0]?.version as number | undefined) ?? 0) + 1;
  const values = (hr.spec as Json).values ?? {};
  const now = kubeNow();
  const chart = `airflow@${facts.chartVersion}`;
  const snapshot: Json = {
    name: facts.release,
    namespace: facts.namespace,
    version,
    status: outcome.ok ? "deployed" : "failed",
    chartName: "airflow",
    chartVersion: facts.chartVersion,
    appVersion: facts.airflowVersion,
    configDigest: digest(values),
    digest: digest({ facts, version }),
    firstDeployed: (previousHistory[previousHistory.length - 1]?.firstDeployed as string | undefined) ?? now,
    lastDeployed: now,
  };
  const history = [snapshot, ...previousHistory.map((h) => (outcome.ok && h.status === "deployed" ? { ...h, status: "superseded" } : h))].slice(0, 5);
  const message = outcome.ok
    ? `Helm ${action} succeeded for release ${facts.namespace}/${facts.release}.v${version} with chart ${chart}`
    : `Helm ${action} failed for release ${facts.namespace}/${facts.release} with chart ${chart}: ${outcome.message}`;
  const reason = `${Action}${outcome.ok ? "Succeeded" : "Failed"}`;
  const previous = status.conditions as Json[] | undefined;
  const failuresKey = deployedBefore ? "upgradeFailures" : "installFailures";
  const failures = ((status[failuresKey] as number | undefined) ?? 0) + 1;
  const retries = Number((((hr.spec as Json)[action] as Json | undefined)?.remediation as Json | undefined)?.retries ?? 0);
  const exhausted = retries >= 0 && failures > retries;
  return {
    ...handledRequests(hr),
    observedGeneration: generation,
    lastAttemptedGeneration: generation,
    lastAttemptedRevision: facts.chartVersion,
    lastAttemptedConfigDigest: digest(values),
    lastAttemptedReleaseAction: action,
    ...(outcome.ok ? { lastAppliedRevision: facts.chartVersion } : status.lastAppliedRevision ? { lastAppliedRevision: status.lastAppliedRevision } : {}),
    helmChart: `${metadata.namespace as string}/${metadata.namespace as string}-${metadata.name as string}`,
    storageNamespace: facts.namespace,
    history,
    ...(outcome.ok ? {} : { [failuresKey]: failures }),
    conditions: [
      condition("Ready", outcome.ok ? "True" : "False", reason, message, generation, previous),
      condition("Released", outcome.ok ? "True" : "False", reason, message, generation, previous),
      // helm-controller's remediation: retries left → it tries again; none (the default, 0) → Stalled.
      ...(outcome.ok ? [] : exhausted ? [condition("Stalled", "True", "RetriesExceeded", `Failed to ${action} after ${failures} attempt(s)`, generation, previous)] : [condition("Reconciling", "True", "ProgressingWithRetry", message, generation, previous)]),
    ],
  };
}

/** Whether a failed release has used up its remediation retries (its status says Stalled). */
export function retriesExhausted(hr: Json): boolean {
  return (((hr.status as Json | undefined)?.conditions as Json[] | undefined) ?? []).some((c) => c.type === "Stalled" && c.status === "True");
}

/** source-controller's status once it has fetched a HelmRepository's index and stored it as an artifact. */
export function repositoryReadyStatus(repo: Json, artifact: { digest: string; size: number }, fluxNamespace: string): Json {
  const metadata = repo.metadata as Json;
  const generation = metadata.generation as number;
  const base = `http://source-controller.${fluxNamespace}.svc.cluster.local./helmrepository/${metadata.namespace as string}/${metadata.name as string}`;
  const hex = artifact.digest.slice("sha256:".length);
  const message = `stored artifact: revision '${artifact.digest}'`;
  const previous = (repo.status as Json | undefined)?.conditions as Json[] | undefined;
  return {
    observedGeneration: generation,
    url: `${base}/index.yaml`,
    artifact: {
      path: `helmrepository/${metadata.namespace as string}/${metadata.name as string}/index-${hex}.yaml`,
      url: `${base}/index-${hex}.yaml`,
      revision: artifact.digest,
      digest: artifact.digest,
      lastUpdateTime: kubeNow(),
      size: artifact.size,
    },
    conditions: [condition("Ready", "True", "Succeeded", message, generation, previous), condition("ArtifactInStorage", "True", "Succeeded", message, generation, previous)],
  };
}
