import { estimateMonthlyCost, stoppedMonthlyUsd, type DiskRequest, type ExecutorName } from "@/lib/environments/catalog";
import type { AirflowReleaseSpec } from "@/lib/helm/airflow-release";
import { diffValues } from "./values-diff";
import type { ChangeTarget, Day2Action, WhatIf } from "./what-if";

/**
 * The what-ifs whose release stays as it is: stopping, starting, tearing down, and restoring after
 * a failed upgrade. Only Azure, what people notice and the bill change (./what-if.ts has the
 * what-if of a change, which renders the chart).
 */

/** What running tasks lose when the environment's Airflow stops, by executor. */
const TASKS_KILLED: Record<ExecutorName, string> = {
  KubernetesExecutor: "Task pods running now are killed with the nodes (Airflow retries those with retries left once it is started).",
  CeleryExecutor: "Tasks running on the Celery workers are killed, and those waiting in Redis are lost (the scheduler queues them again once started).",
  LocalExecutor: "Tasks running inside the scheduler are killed (Airflow retries those with retries left once it is started).",
};

/** `taskLogs`: whether its task logs are in Blob Storage (then it has no log disks to keep or price). */
type RunningSpec = Pick<AirflowReleaseSpec, "executor" | "size" | "chartVersion" | "airflowVersion"> & { taskLogs?: DiskRequest["taskLogs"] };

/**
 * A what-if whose release stays as it is (a stop, a start, a teardown, a restore): only Azure, the
 * consequences and the bill change. `from` defaults to the environment as it runs.
 */
function releaseUnchanged(
  spec: RunningSpec,
  action: Day2Action,
  parts: Pick<WhatIf, "azure" | "consequences" | "cost"> & Partial<Pick<WhatIf, "from" | "values" | "objects">>,
): WhatIf {
  const current: ChangeTarget = { executor: spec.executor, size: spec.size, airflowVersion: spec.airflowVersion };
  return {
    action,
    computedAt: new Date().toISOString(),
    from: parts.from ?? current,
    to: current,
    chartVersion: spec.chartVersion,
    values: parts.values ?? [],
    objects: parts.objects ?? { status: "listed", added: [], removed: [], changed: [] },
    azure: parts.azure.map((a) => (a.note === undefined ? { resource: a.resource, property: a.property, before: a.before, after: a.after } : a)),
    components: { appear: [], disappear: [] },
    disks: [],
    consequences: parts.consequences,
    cost: parts.cost,
    refusals: [],
  };
}

/**
 * The what-if of stopping (hibernating) or starting an environment: nothing about its release
 * changes; Azure's power states do, and the bill. Azure's limits are said here, where they bite.
 */
export function powerWhatIf(spec: RunningSpec, action: "stop" | "start"): WhatIf {
  const running = estimateMonthlyCost(spec).totalUsd;
  const stopped = stoppedMonthlyUsd(spec);
  const stop = action === "stop";
  const azure: WhatIf["azure"] = [
    {
      resource: "AKS cluster",
      property: "Power state",
      before: stop ? "Running" : "Stopped",
      after: stop ? "Stopped" : "Running",
      note: stop ? "Its VMs are deallocated; the control plane keeps its state and the disks stay." : "The same nodes come back, with their disks.",
    },
    {
      resource: "PostgreSQL server",
      property: "State",
      before: stop ? "Ready" : "Stopped",
      after: stop ? "Stopped" : "Ready",
      note: stop ? "Azure starts a stopped server by itself after 7 days; the portal stops it again and says so." : undefined,
    },
  ];
  const consequences = stop
    ? [
        "Airflow is unavailable until the environment is started: no DAG runs, and the UI does not answer.",
        TASKS_KILLED[spec.executor],
        "While stopped, the environment cannot be changed, only started or torn down (a stopped PostgreSQL server accepts no other management operation).",
        `It still costs about $${Math.round(stopped)} a month for the database's storage and the cluster's disks.`,
      ]
    : [
        "Airflow comes back at the same address with its history; runs missed while stopped are caught up where a DAG has catchup on.",
        "The database's firewall is checked again against the cluster's outbound addresses, which a started cluster may have changed.",
      ];
  return releaseUnchanged(spec, action, { azure, consequences, cost: { beforeUsd: stop ? running : stopped, afterUsd: stop ? stopped : running } });
}

/** The what-if of tearing an environment down: everything goes, and nothing can be brought back. */
export function teardownWhatIf(spec: RunningSpec & { names: { resourceGroup: string } }): WhatIf {
  return releaseUnchanged(spec, "teardown", {
    azure: [{ resource: "Resource group", property: "Everything in it", before: spec.names.resourceGroup, after: "deleted", note: "The cluster, its disks and the PostgreSQL server with it." }],
    consequences: [
      "Airflow and its metadata database are deleted: DAG runs and their history, connections, variables and the task logs kept on the cluster's disks. Nothing can be recovered afterwards.",
      "Its address stops answering, and its sign-in is removed.",
    ],
    cost: { beforeUsd: estimateMonthlyCost(spec).totalUsd, afterUsd: 0 },
  });
}

export interface RestoreWhatIfInput {
  /** The environment as it ran before the failed upgrade (what the restore applies again). */
  spec: RunningSpec;
  /** The Airflow version the failed upgrade was going to. */
  failedVersion: string;
  /** The Helm values the failed upgrade applied, and those from before it. */
  failedValues: Record<string, unknown>;
  previousValues: Record<string, unknown>;
  sourceServer: string;
  server: string;
  pointInTime: string;
  backup: string;
}

/**
 * The what-if of restoring after a failed upgrade: the metadata database as it was at the backup,
 * on a new server; Airflow pointed at it; the chart and values from before the upgrade applied again.
 */
export function restoreWhatIf(input: RestoreWhatIfInput): WhatIf {
  const { spec } = input;
  const before = estimateMonthlyCost(spec);
  return releaseUnchanged(spec, "restore", {
    from: { executor: spec.executor, size: spec.size, airflowVersion: input.failedVersion },
    values: diffValues(input.failedValues, input.previousValues),
    objects: { status: "unlisted", message: `Chart airflow ${spec.chartVersion} is applied again with the values from before the upgrade: the objects it had then come back, and those only the upgrade made go.` },
    azure: [
      { resource: "PostgreSQL server", property: "Server Airflow uses", before: input.sourceServer, after: input.server, note: `A new server, restored as ${input.sourceServer} was at ${input.pointInTime} (backup ${input.backup}, taken before the upgrade).` },
      { resource: "PostgreSQL server", property: input.sourceServer, before: "in use", after: "kept, not used", note: "It keeps whatever the upgrade's migration did and anything written after the backup. It is billed until it is deleted; tearing the environment down deletes it." },
      { resource: "Firewall", property: "Rules on the restored server", before: "none", after: "the cluster's outbound addresses only" },
    ],
    consequences: [
      `Airflow's metadata goes back to ${input.pointInTime}: DAG runs, task instances, connections and variables changed after it are not on the restored server (they stay on ${input.sourceServer}).`,
      `Airflow ${spec.airflowVersion} with chart airflow ${spec.chartVersion} runs again; its pods restart with the connection pointed at ${input.server}.`,
      "The failed migration is not undone on the old server; the upgrade can be asked for again once its cause is fixed.",
    ],
    cost: { beforeUsd: before.totalUsd, afterUsd: before.totalUsd + before.postgresUsd + before.storageUsd },
  });
}
