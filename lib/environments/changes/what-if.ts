import { z } from "zod";
import { airflowMajor, chartVersionFor, EXECUTOR_DESCRIPTIONS, SIZE_PRESETS, estimateMonthlyCost, type ExecutorName, type SizeName } from "@/lib/environments/catalog";
import type { DerivedNames } from "@/lib/environments/naming";
import type { ReleaseObject } from "@/lib/environments/release-objects";
import { renderAirflowRelease, refusalMessage, type AirflowReleaseSpec } from "@/lib/helm/airflow-release";
import { environmentHelmValues, type AirflowReleaseSettings } from "@/lib/helm/airflow-values";
import { compareVersions, upgradeRefusal } from "./upgrade-path";
import { diffValues, type ValueChange } from "./values-diff";
import { seedAdoption } from "./seed-adoption";

/**
 * What a change to a running environment does, worked out before anyone approves it: the Helm
 * values that change, the Kubernetes objects the chart then adds, removes and changes (rendered by
 * the same renderer the worker checks the release with), the Azure resources that change, what
 * people will notice, and the monthly cost before and after. Stored with the change; the worker
 * applies what it says (the node pool and server sizes from the same presets, the disks to delete
 * from its list), so what was approved is what happens.
 */

export const DagSourceSchema = z.object({ repoUrl: z.string(), branch: z.string(), subPath: z.string().nullable() });
export type DagSource = z.infer<typeof DagSourceSchema>;

/**
 * What a change may set. Everything else about the environment stays as it is. The DAG source and
 * the expiry date are left out to keep them as they are (a change stored before they could change
 * has neither); null removes them.
 */
export const ChangeTargetSchema = z.object({
  executor: z.enum(["KubernetesExecutor", "CeleryExecutor", "LocalExecutor"]),
  size: z.enum(["small", "medium", "large"]),
  airflowVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "Choose an Airflow version."),
  dagSource: DagSourceSchema.nullable().optional(),
  /** YYYY-MM-DD (UTC): the day it is torn down. */
  expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
});
export type ChangeTarget = z.infer<typeof ChangeTargetSchema>;

const ObjectRef = z.object({ kind: z.string(), name: z.string() });
const AzureChange = z.object({ resource: z.string(), property: z.string(), before: z.string(), after: z.string(), note: z.string().optional() });

/** What is asked for: a change of executor or size, stopping or starting, a teardown, or a restore after a failed upgrade. */
export const DAY2_ACTIONS = ["change", "stop", "start", "teardown", "restore"] as const;
export type Day2Action = (typeof DAY2_ACTIONS)[number];

export const WhatIfSchema = z.object({
  action: z.enum(DAY2_ACTIONS).default("change"),
  computedAt: z.string(),
  from: ChangeTargetSchema,
  to: ChangeTargetSchema,
  chartVersion: z.string(),
  values: z.array(z.object({ path: z.string(), before: z.string().optional(), after: z.string().optional() })),
  objects: z.discriminatedUnion("status", [
    z.object({ status: z.literal("listed"), added: z.array(ObjectRef), removed: z.array(ObjectRef), changed: z.array(ObjectRef) }),
    z.object({ status: z.literal("unlisted"), message: z.string() }),
  ]),
  azure: z.array(AzureChange),
  /** Workloads that start or stop existing, in words ("Redis (Celery broker)"). */
  components: z.object({ appear: z.array(z.string()), disappear: z.array(z.string()) }),
  /** PersistentVolumeClaims the chart stops using; Kubernetes keeps them, so the change deletes them. */
  disks: z.array(z.string()),
  /** What running work and people will notice. */
  consequences: z.array(z.string()),
  cost: z.object({ beforeUsd: z.number(), afterUsd: z.number() }),
  /** Why the change cannot be made; empty when it can. */
  refusals: z.array(z.string()),
});
export type WhatIf = z.infer<typeof WhatIfSchema>;
export type { ValueChange };

/** Reads a stored what-if; null when there is none or it is from an older shape. */
export function readWhatIf(value: unknown): WhatIf | null {
  const parsed = WhatIfSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export interface WhatIfInput {
  /** The environment's release as it runs now, with the names of what a change may add to it. */
  spec: AirflowReleaseSpec & { names: Pick<DerivedNames, "identity" | "storageAccount"> };
  /** The values applied last (the deployed record), when known; otherwise the current spec's. */
  appliedValues: Record<string, unknown> | null;
  target: ChangeTarget;
  /** The environment's expiry date now (YYYY-MM-DD), or null. */
  expiresOn?: string | null;
  settings: AirflowReleaseSettings;
  signal?: AbortSignal;
  /** Apply the approved state again, unchanged: undoes what was changed outside the portal. */
  reapply?: boolean;
}

/** The chart's workloads people know by name, by the suffix after the release's name. */
const COMPONENT_NAMES: Record<string, string> = {
  redis: "Redis (the Celery broker)",
  worker: "Celery workers",
  flower: "Flower (Celery monitoring)",
  scheduler: "Scheduler",
  triggerer: "Triggerer",
};

function componentName(object: { kind: string; name: string }, release: string): string {
  const suffix = object.name.startsWith(`${release}-`) ? object.name.slice(release.length + 1) : object.name;
  return `${COMPONENT_NAMES[suffix] ?? suffix} (${object.kind} ${object.name})`;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
const key = (o: { kind: string; name: string }) => `${o.kind}/${o.name}`;
const ref = (o: ReleaseObject) => ({ kind: o.kind, name: o.name });

const BACKUP_CHANGE = {
  resource: "PostgreSQL server",
  property: "On-demand backup",
  before: "automatic daily backups",
  after: "one more, taken before the upgrade",
  note: "A restore point to come back to if the upgrade fails.",
};

function chartUpgradeConsequence(airflowVersion: string, before: string, after: string): string {
  return `Chart airflow ${before} → ${after}, the chart the platform now runs Airflow ${airflowVersion} with. An on-demand backup of the metadata database is taken first; the chart's migration Job runs again, and a failed upgrade is never rolled back: an admin retries it or restores the database from the backup.`;
}

/** The chart version the catalog pairs with an Airflow version; undefined for a version it does not know. */
function pairedChart(version: string): string | undefined {
  try {
    return chartVersionFor(version);
  } catch {
    return undefined;
  }
}

function upgradeConsequences(from: ChangeTarget, to: ChangeTarget, chartBefore: string, chartAfter: string): string[] {
  return [
    `Airflow ${from.airflowVersion} → ${to.airflowVersion}${chartBefore !== chartAfter ? `, with chart airflow ${chartBefore} → ${chartAfter}` : ""}. An on-demand backup of the metadata database is taken first.`,
    "The chart's migration Job runs `airflow db migrate`: the metadata database moves to the new version's schema, which cannot be undone. A failed upgrade is never rolled back: the environment is FAILED, and an admin retries it or restores the database to a new server from the backup.",
    ...(airflowMajor(from.airflowVersion) < 3 && airflowMajor(to.airflowVersion) >= 3
      ? ["Airflow 3 serves the UI and API from the API server in place of the webserver, and DAGs written for Airflow 2 may need changes (Airflow's upgrade guide lists them)."]
      : []),
  ];
}

/** A what-if that stops at the refusal: nothing is rendered for a change that cannot be made. */
function refused(spec: AirflowReleaseSpec, from: ChangeTarget, to: ChangeTarget, refusal: string): WhatIf {
  const cost = estimateMonthlyCost({ ...from, taskLogs: spec.taskLogs }).totalUsd;
  return {
    action: "change",
    computedAt: new Date().toISOString(),
    from,
    to,
    chartVersion: spec.chartVersion,
    values: [],
    objects: { status: "unlisted", message: "Not rendered: the change cannot be made." },
    azure: [],
    components: { appear: [], disappear: [] },
    disks: [],
    consequences: [],
    cost: { beforeUsd: cost, afterUsd: cost },
    refusals: [refusal],
  };
}

/** Objects of two renders compared by kind and name, and by digest for the ones in both. Hooks are left out: Helm runs them, it does not keep them. */
export function diffObjects(before: readonly ReleaseObject[], after: readonly ReleaseObject[]) {
  const kept = (list: readonly ReleaseObject[]) => new Map(list.filter((o) => !o.hook).map((o) => [key(o), o]));
  const was = kept(before);
  const will = kept(after);
  return {
    added: [...will.values()].filter((o) => !was.has(key(o))).map(ref),
    removed: [...was.values()].filter((o) => !will.has(key(o))).map(ref),
    changed: [...will.values()].filter((o) => was.has(key(o)) && was.get(key(o))!.digest !== o.digest).map(ref),
  };
}

/** Claims the chart made before and does not make after: Kubernetes keeps them (and their disks) until deleted. */
export function claimsLeftBehind(before: readonly ReleaseObject[], after: readonly ReleaseObject[]): string[] {
  const still = new Set(after.flatMap((o) => o.claims ?? []));
  return before.flatMap((o) => o.claims ?? []).filter((c) => !still.has(c));
}

function azureChanges(from: SizeName, to: SizeName): WhatIf["azure"] {
  const a = SIZE_PRESETS[from];
  const b = SIZE_PRESETS[to];
  const changes: WhatIf["azure"] = [];
  if (a.nodeVmSize !== b.nodeVmSize) {
    changes.push({
      resource: "AKS node pool",
      property: "VM size",
      before: a.nodeVmSize,
      after: b.nodeVmSize,
      note: "A pool's VM size cannot change in place: a new pool is added and the old one drained and deleted.",
    });
  }
  if (a.nodeMinCount !== b.nodeMinCount || a.nodeMaxCount !== b.nodeMaxCount) {
    changes.push({ resource: "AKS node pool", property: "Autoscaler range", before: `${a.nodeMinCount}–${a.nodeMaxCount} nodes`, after: `${b.nodeMinCount}–${b.nodeMaxCount} nodes` });
  }
  if (a.postgresSkuName !== b.postgresSkuName) {
    changes.push({ resource: "PostgreSQL server", property: "SKU", before: `${a.postgresSkuName} (${a.postgresTier})`, after: `${b.postgresSkuName} (${b.postgresTier})` });
  }
  if (b.postgresStorageGiB > a.postgresStorageGiB) {
    changes.push({ resource: "PostgreSQL server", property: "Storage", before: `${a.postgresStorageGiB} GiB`, after: `${b.postgresStorageGiB} GiB` });
  } else if (b.postgresStorageGiB < a.postgresStorageGiB) {
    changes.push({
      resource: "PostgreSQL server",
      property: "Storage",
      before: `${a.postgresStorageGiB} GiB`,
      after: `${a.postgresStorageGiB} GiB`,
      note: "A flexible server's storage only grows: it stays at its size.",
    });
  }
  return changes;
}

function consequencesOf(from: ChangeTarget, to: ChangeTarget, disks: readonly string[]): string[] {
  const said: string[] = [];
  if (from.executor !== to.executor) {
    const label = (e: ExecutorName) => EXECUTOR_DESCRIPTIONS[e].label;
    said.push(`Airflow's scheduler restarts with the ${label(to.executor)} in place of the ${label(from.executor)}.`);
    if (from.executor === "CeleryExecutor") {
      said.push("Tasks running on the Celery workers are killed when the workers stop (Airflow retries those with retries left); tasks waiting in Redis are lost with it, and the scheduler queues them again.");
    }
    if (from.executor === "LocalExecutor") said.push("Tasks running inside the scheduler are killed when it restarts (Airflow retries those with retries left).");
    if (from.executor === "KubernetesExecutor") said.push("Task pods already running finish on their own; new tasks run the new way.");
  }
  if (SIZE_PRESETS[from.size].nodeVmSize !== SIZE_PRESETS[to.size].nodeVmSize) {
    said.push("Every Airflow pod moves to the new nodes: the UI is briefly unavailable and tasks running on the old nodes are killed.");
  }
  if (SIZE_PRESETS[from.size].postgresSkuName !== SIZE_PRESETS[to.size].postgresSkuName) {
    said.push("The PostgreSQL server restarts on its new SKU: Airflow loses its metadata database for a minute or two.");
  }
  if (disks.length > 0) {
    said.push(`Kubernetes keeps the disks of components that go away; this change deletes them once the release is updated (${disks.length} disk${disks.length === 1 ? "" : "s"}, their logs with them).`);
  }
  return said;
}

const sameDagSource = (a: DagSource | null, b: DagSource | null) =>
  a === b || (a !== null && b !== null && a.repoUrl === b.repoUrl && a.branch === b.branch && (a.subPath ?? null) === (b.subPath ?? null));

/** A DAG source in words: `repo` at `branch`, folder `path`. */
export function describeDagSource(source: DagSource | null): string {
  if (!source) return "no DAG repository";
  return `${source.repoUrl} at ${source.branch}${source.subPath ? `, folder ${source.subPath}` : ""}`;
}

function dagSourceConsequence(from: DagSource | null, to: DagSource | null): string {
  if (!to) return `Airflow stops syncing DAGs from ${describeDagSource(from)}: git-sync goes, and the DAGs it brought disappear from Airflow (their run history stays in the database).`;
  return `git-sync fetches DAGs from ${describeDagSource(to)} in place of ${describeDagSource(from)}: DAGs only in the old source disappear from Airflow (their run history stays in the database), and the scheduler and its pods restart.`;
}

function expiryConsequence(to: string | null): string {
  return to ? `It is torn down automatically when ${to} begins (00:00 UTC), with everything in it.` : "It no longer expires: it stays until it is torn down.";
}

/**
 * The what-if of moving an environment from its spec to `target`. Renders the chart twice (cached
 * by values); never throws for the chart's or the repository's sake: a render that cannot be made
 * is said in `objects`, a render Helm refuses is a refusal.
 */
export async function computeWhatIf(input: WhatIfInput): Promise<WhatIf> {
  const { spec, settings } = input;
  const from: ChangeTarget = { executor: spec.executor, size: spec.size, airflowVersion: spec.airflowVersion, dagSource: spec.dagSource, expiresOn: input.expiresOn ?? null };
  // What is left out stays as it is.
  const target: ChangeTarget = {
    ...from,
    executor: input.target.executor,
    size: input.target.size,
    airflowVersion: input.target.airflowVersion,
    ...(input.target.dagSource !== undefined ? { dagSource: input.target.dagSource } : {}),
    ...(input.target.expiresOn !== undefined ? { expiresOn: input.target.expiresOn } : {}),
  };
  const refusals: string[] = [];
  const upgrade = from.airflowVersion !== target.airflowVersion;
  const refusal = upgradeRefusal(from.airflowVersion, target.airflowVersion);
  if (refusal) return refused(spec, from, target, refusal);
  // The chart the platform pairs with the Airflow version: an environment on an older chart moves to
  // it with any change (a re-apply keeps what was approved; a chart is never taken back).
  const paired = pairedChart(target.airflowVersion) ?? spec.chartVersion;
  const chartAfter = input.reapply || compareVersions(paired, spec.chartVersion) < 0 ? spec.chartVersion : paired;
  const chartUpgrade = chartAfter !== spec.chartVersion;
  // An upgrade moves to the chart version the catalog pairs with the new Airflow.
  const adoption = seedAdoption(spec);
  const next: AirflowReleaseSpec = {
    ...spec,
    executor: target.executor,
    size: target.size,
    airflowVersion: target.airflowVersion,
    dagSource: target.dagSource ?? null,
    chartVersion: chartAfter,
    ...(adoption ? { workloadIdentity: adoption.workloadIdentity, taskLogs: adoption.taskLogs } : {}),
  };
  const beforeValues = input.appliedValues ?? environmentHelmValues(spec, settings);
  const afterValues = environmentHelmValues(next, settings);
  const sameSource = sameDagSource(from.dagSource ?? null, target.dagSource ?? null);
  const sameExpiry = (from.expiresOn ?? null) === (target.expiresOn ?? null);
  if (from.executor === target.executor && from.size === target.size && !upgrade && !chartUpgrade && sameSource && sameExpiry && !input.reapply) {
    refusals.push("Nothing would change: choose another executor, size, Airflow version, DAG source or expiry date.");
  }

  const [was, will] = await Promise.all([renderAirflowRelease(spec, settings, input.signal), renderAirflowRelease(next, settings, input.signal)]);
  let objects: WhatIf["objects"];
  let disks: string[] = [];
  let components: WhatIf["components"] = { appear: [], disappear: [] };
  if (will.status === "refused") {
    refusals.push(refusalMessage(will));
    objects = { status: "unlisted", message: refusalMessage(will) };
  } else if (was.status === "listed" && will.status === "listed") {
    objects = { status: "listed", ...diffObjects(was.objects, will.objects) };
    disks = claimsLeftBehind(was.objects, will.objects);
    const release = spec.names.helmRelease;
    components = {
      appear: objects.added.filter((o) => WORKLOAD_KINDS.has(o.kind)).map((o) => componentName(o, release)),
      disappear: objects.removed.filter((o) => WORKLOAD_KINDS.has(o.kind)).map((o) => componentName(o, release)),
    };
  } else {
    const unlisted = [was, will].find((l) => l.status !== "listed") as { message: string } | undefined;
    objects = { status: "unlisted", message: `The objects cannot be compared now. ${unlisted?.message ?? ""}`.trim() };
  }
  return {
    action: "change",
    computedAt: new Date().toISOString(),
    from,
    to: target,
    chartVersion: next.chartVersion,
    values: diffValues(beforeValues, afterValues),
    objects,
    azure: [...(upgrade || chartUpgrade ? [BACKUP_CHANGE] : []), ...azureChanges(from.size, target.size), ...(adoption?.azure ?? [])],
    components,
    disks,
    consequences: [
      ...(adoption ? [adoption.consequence] : []),
      ...(input.reapply ? ["Applies the approved state again: the node pool, the server's size and the HelmRelease as the portal last applied them, undoing what was changed outside the portal."] : []),
      ...(upgrade ? upgradeConsequences(from, target, spec.chartVersion, next.chartVersion) : []),
      ...(!upgrade && chartUpgrade ? [chartUpgradeConsequence(target.airflowVersion, spec.chartVersion, chartAfter)] : []),
      ...consequencesOf(from, target, disks),
      ...(sameSource ? [] : [dagSourceConsequence(from.dagSource ?? null, target.dagSource ?? null)]),
      ...(sameExpiry ? [] : [expiryConsequence(target.expiresOn ?? null)]),
    ],
    cost: { beforeUsd: estimateMonthlyCost({ ...from, taskLogs: spec.taskLogs }).totalUsd, afterUsd: estimateMonthlyCost({ ...target, taskLogs: next.taskLogs }).totalUsd },
    refusals,
  };
}
