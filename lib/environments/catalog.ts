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
  },
};

const STORAGE_USD_PER_GIB_MONTH = 0.115;

export interface CostEstimate {
  nodesUsd: number;
  postgresUsd: number;
  storageUsd: number;
  totalUsd: number;
  /** Cost if the autoscaler runs at its maximum. */
  maxTotalUsd: number;
}

export function estimateMonthlyCost(size: SizeName): CostEstimate {
  const p = SIZE_PRESETS[size];
  const nodesUsd = p.nodeMinCount * p.nodeMonthlyUsd;
  const storageUsd = Math.round(p.postgresStorageGiB * STORAGE_USD_PER_GIB_MONTH);
  const fixed = p.postgresMonthlyUsd + storageUsd;
  return {
    nodesUsd,
    postgresUsd: p.postgresMonthlyUsd,
    storageUsd,
    totalUsd: nodesUsd + fixed,
    maxTotalUsd: p.nodeMaxCount * p.nodeMonthlyUsd + fixed,
  };
}

export interface AirflowVersion {
  version: string;
  /**
   * Version of the official apache-airflow Helm chart that deploys it (Airflow 3 needs chart 1.16 or
   * later; chart 1.20 and later refuse Airflow before 2.11). Chart 1.18.0 serves both majors, and
   * the portal renders it before anything is applied.
   */
  chartVersion: string;
}

export const AIRFLOW_VERSIONS: readonly AirflowVersion[] = [
  { version: "3.0.6", chartVersion: "1.18.0" },
  { version: "2.10.5", chartVersion: "1.18.0" },
];

export interface Catalog {
  regions: readonly string[];
  airflowVersions: readonly string[];
  /** PORTAL_DAG_HOSTS: when set, the only hosts a DAG repository may be on (`.example.com` for subdomains). */
  dagHosts?: readonly string[];
}

export const DEFAULT_CATALOG: Catalog = {
  regions: ["westeurope", "northeurope", "swedencentral", "eastus2"],
  airflowVersions: AIRFLOW_VERSIONS.map((v) => v.version),
};

export function airflowMajor(version: string): number {
  return Number.parseInt(version.split(".")[0] ?? "0", 10);
}

export function chartVersionFor(version: string): string {
  const match = AIRFLOW_VERSIONS.find((v) => v.version === version);
  if (!match) throw new Error(`No chart version is known for Airflow ${version}`);
  return match.chartVersion;
}
