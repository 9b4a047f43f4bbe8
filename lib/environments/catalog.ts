/**
 * What a requester can choose from. Prices are list-price estimates in USD per month (730 hours),
 * for the environment's baseline (autoscaler minimum), shown so a requester can pick a size
 * knowingly; Azure's bill is the truth.
 */
export const EXECUTORS = ["KubernetesExecutor", "CeleryExecutor", "LocalExecutor"] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

export const EXECUTOR_DESCRIPTIONS: Record<ExecutorName, { label: string; description: string }> = {
  KubernetesExecutor: {
    label: "Kubernetes executor",
    description: "Runs each task in its own pod: isolation per task and no idle workers (recommended for production).",
  },
  CeleryExecutor: {
    label: "Celery executor",
    description: "Keeps a pool of always-on Celery workers fed through Redis: fastest task start for many short tasks.",
  },
  LocalExecutor: {
    label: "Local executor",
    description: "Runs tasks as processes inside the scheduler: simplest and cheapest, for development and light loads.",
  },
};

export const SIZES = ["small", "medium", "large"] as const;
export type SizeName = (typeof SIZES)[number];

export interface SizePreset {
  label: string;
  nodeVmSize: string;
  nodeMinCount: number;
  nodeMaxCount: number;
  nodeMonthlyUsd: number;
  postgresSkuName: string;
  postgresTier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
  postgresMonthlyUsd: number;
  postgresStorageGiB: number;
  /**
   * The flexible server's default `max_connections` for this SKU (Microsoft's "Limits in Azure
   * Database for PostgreSQL flexible server" table; it depends on the SKU's memory). The server
   * keeps 15 of them for replication and monitoring: see `postgresUserConnections`.
   */
  postgresMaxConnections: number;
  /** Always-on Celery workers, each with its own log disk (Celery executor only). */
  celeryWorkers: number;
  /** Each log disk: the triggerer's, the scheduler's (Local executor), each Celery worker's. */
  logDiskGiB: number;
  /** Redis' disk, the Celery broker's (Celery executor only). */
  redisDiskGiB: number;
}

export const SIZE_PRESETS: Record<SizeName, SizePreset> = {
  small: {
    label: "Small",
    nodeVmSize: "Standard_D4ds_v5",
    nodeMinCount: 1,
    nodeMaxCount: 3,
    nodeMonthlyUsd: 165,
    postgresSkuName: "Standard_B2s",
    postgresTier: "Burstable",
    postgresMonthlyUsd: 25,
    postgresStorageGiB: 32,
    postgresMaxConnections: 429,
    celeryWorkers: 1,
    logDiskGiB: 16,
    redisDiskGiB: 4,
  },
  medium: {
    label: "Medium",
    nodeVmSize: "Standard_D8ds_v5",
    nodeMinCount: 2,
    nodeMaxCount: 5,
    nodeMonthlyUsd: 330,
    postgresSkuName: "Standard_D2ds_v5",
    postgresTier: "GeneralPurpose",
    postgresMonthlyUsd: 130,
    postgresStorageGiB: 64,
    postgresMaxConnections: 859,
    celeryWorkers: 2,
    logDiskGiB: 32,
    redisDiskGiB: 4,
  },
  large: {
    label: "Large",
    nodeVmSize: "Standard_D16ds_v5",
    nodeMinCount: 3,
    nodeMaxCount: 10,
    nodeMonthlyUsd: 660,
    postgresSkuName: "Standard_D4ds_v5",
    postgresTier: "GeneralPurpose",
    postgresMonthlyUsd: 260,
    postgresStorageGiB: 128,
    postgresMaxConnections: 1718,
    celeryWorkers: 4,
    logDiskGiB: 64,
    redisDiskGiB: 8,
  },
};

/** Connections the flexible server keeps for itself (replication and monitoring). */
export const POSTGRES_RESERVED_CONNECTIONS = 15;

/** How many connections Airflow's processes may open to the flexible server of this size. */
export function postgresUserConnections(size: SizeName): number {
  return SIZE_PRESETS[size].postgresMaxConnections - POSTGRES_RESERVED_CONNECTIONS;
}

const STORAGE_USD_PER_GIB_MONTH = 0.115;

/**
 * The storage class of every disk the chart asks for: AKS's built-in `managed-csi` (Azure Disk CSI
 * driver, Standard SSD LRS), named rather than left to whatever the cluster marks as default, so
 * the disks are the ones priced here.
 */
export const DISK_STORAGE_CLASS = "managed-csi";

/**
 * Standard SSD LRS managed disks are billed by tier, a disk's size rounded up to the next one:
 * E1 4 GiB, E2 8, E3 16, E4 32, E6 64, E10 128, E15 256, E20 512 — about USD 0.075 per GiB-month
 * of the tier at list price in US and European regions, transactions not counted. An estimate.
 */
const STANDARD_SSD_TIERS_GIB = [4, 8, 16, 32, 64, 128, 256, 512] as const;
const STANDARD_SSD_USD_PER_TIER_GIB_MONTH = 0.075;

export function diskMonthlyUsd(sizeGiB: number): number {
  const tier = STANDARD_SSD_TIERS_GIB.find((t) => t >= sizeGiB) ?? sizeGiB;
  return tier * STANDARD_SSD_USD_PER_TIER_GIB_MONTH;
}

export type DiskComponent = "triggerer" | "scheduler" | "workers" | "redis";

/** Disks of one kind in an environment's release: `count` of them, each `sizeGiB`. */
export interface ReleaseDisk {
  component: DiskComponent;
  /** What a person reads: "Triggerer logs", "Celery worker logs"… */
  label: string;
  sizeGiB: number;
  count: number;
}

/**
 * Every persistent disk the official chart creates for an environment, as the portal configures it:
 * the Helm values take their sizes from here and the cost estimate counts them from here.
 * - the triggerer keeps its logs on a disk with every executor;
 * - the Local executor runs tasks inside the scheduler, which then keeps their logs on a disk;
 * - each Celery worker keeps its logs on a disk, and Redis, the Celery broker, its data.
 * The Kubernetes executor's task pods and the other components keep nothing on disk.
 * With task logs in Blob Storage (`taskLogs`: every environment built since it came), no component
 * keeps logs on a disk: Airflow writes a task's log to the container when the task ends, and the
 * UI reads it there. Only Redis keeps its disk.
 */
export function releaseDisks(request: DiskRequest): ReleaseDisk[] {
  const p = SIZE_PRESETS[request.size];
  const logs = !request.taskLogs;
  const disks: ReleaseDisk[] = logs ? [{ component: "triggerer", label: "Triggerer logs", sizeGiB: p.logDiskGiB, count: 1 }] : [];
  if (logs && request.executor === "LocalExecutor") disks.push({ component: "scheduler", label: "Scheduler logs", sizeGiB: p.logDiskGiB, count: 1 });
  if (request.executor === "CeleryExecutor") {
    if (logs) disks.push({ component: "workers", label: "Celery worker logs", sizeGiB: p.logDiskGiB, count: p.celeryWorkers });
    disks.push({ component: "redis", label: "Redis (Celery broker)", sizeGiB: p.redisDiskGiB, count: 1 });
  }
  return disks;
}

/**
 * What decides an environment's disks and cost: its executor and size, and whether its task logs are
 * in Blob Storage (truthy: its place, or `true` for a request, since every new environment gets it).
 */
export interface DiskRequest {
  executor: ExecutorName;
  size: SizeName;
  taskLogs?: boolean | object | null;
}

/** Blob Storage (Hot, LRS) at list price in US and European regions: what 100 GiB of task logs cost a month. */
export const TASK_LOGS_USD_PER_100_GIB_MONTH = 2;

export interface CostEstimate {
  nodesUsd: number;
  postgresUsd: number;
  /** The flexible server's storage. */
  storageUsd: number;
  /** The cluster's disks, each kind with its monthly price (all of that kind). */
  disks: (ReleaseDisk & { monthlyUsd: number })[];
  disksUsd: number;
  totalUsd: number;
  /** Cost if the autoscaler runs at its maximum. */
  maxTotalUsd: number;
}

export function estimateMonthlyCost(request: DiskRequest): CostEstimate {
  const p = SIZE_PRESETS[request.size];
  const nodesUsd = p.nodeMinCount * p.nodeMonthlyUsd;
  const storageUsd = Math.round(p.postgresStorageGiB * STORAGE_USD_PER_GIB_MONTH);
  const disks = releaseDisks(request).map((d) => ({ ...d, monthlyUsd: d.count * diskMonthlyUsd(d.sizeGiB) }));
  const disksUsd = Math.round(disks.reduce((sum, d) => sum + d.monthlyUsd, 0));
  const fixed = p.postgresMonthlyUsd + storageUsd + disksUsd;
  return {
    nodesUsd,
    postgresUsd: p.postgresMonthlyUsd,
    storageUsd,
    disks,
    disksUsd,
    totalUsd: nodesUsd + fixed,
    maxTotalUsd: p.nodeMaxCount * p.nodeMonthlyUsd + fixed,
  };
}

/**
 * What a stopped environment still costs a month: the server's storage and the cluster's disks.
 * A stopped AKS cluster's VMs and a stopped flexible server's compute are not billed.
 */
export function stoppedMonthlyUsd(request: DiskRequest): number {
  const cost = estimateMonthlyCost(request);
  return cost.storageUsd + cost.disksUsd;
}

export interface AirflowVersion {
  version: string;
  /**
   * Version of the official apache-airflow Helm chart that deploys it (Airflow 3 needs chart 1.16 or
   * later; chart 1.20 and later refuse Airflow before 2.11). The portal renders it before anything
   * is applied.
   */
  chartVersion: string;
  /**
   * Offered to new requests. A version no longer offered stays here for the environments that run
   * it: they keep their chart version (each environment records its own) and are still rendered
   * and applied with it.
   */
  offered: boolean;
}

export const AIRFLOW_VERSIONS: readonly AirflowVersion[] = [
  // Chart 1.22.0 (June 2026): Airflow 3.2.2 is its default; it supports Airflow 2.11 and later.
  { version: "3.2.2", chartVersion: "1.22.0", offered: true },
  // The last Airflow 2 release.
  { version: "2.11.2", chartVersion: "1.22.0", offered: true },
  { version: "3.0.6", chartVersion: "1.18.0", offered: false },
  { version: "2.10.5", chartVersion: "1.18.0", offered: false },
];

/** What a new request may ask for, newest first. */
export const OFFERED_AIRFLOW_VERSIONS: readonly string[] = AIRFLOW_VERSIONS.filter((v) => v.offered).map((v) => v.version);

export interface Catalog {
  regions: readonly string[];
  airflowVersions: readonly string[];
  /** PORTAL_DAG_HOSTS: when set, the only hosts a DAG repository may be on (`.example.com` for subdomains). */
  dagHosts?: readonly string[];
}

export const DEFAULT_CATALOG: Catalog = {
  regions: ["westeurope", "northeurope", "swedencentral", "eastus2"],
  airflowVersions: OFFERED_AIRFLOW_VERSIONS,
};

export function airflowMajor(version: string): number {
  return Number.parseInt(version.split(".")[0] ?? "0", 10);
}

export function chartVersionFor(version: string): string {
  const match = AIRFLOW_VERSIONS.find((v) => v.version === version);
  if (!match) throw new Error(`No chart version is known for Airflow ${version}`);
  return match.chartVersion;
}
