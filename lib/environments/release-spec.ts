import type { AirflowReleaseSpec } from "@/lib/helm/airflow-release";
import type { ExecutorName, SizeName } from "./catalog";
import { deriveNames, type DerivedNames } from "./naming";

/** The columns an environment's Helm release is derived from. */
export const releaseSpecSelect = {
  name: true,
  nameSuffix: true,
  databaseServer: true,
  executor: true,
  airflowVersion: true,
  chartVersion: true,
  size: true,
  dagRepoUrl: true,
  dagBranch: true,
  dagSubPath: true,
  team: { select: { name: true, entraGroupId: true } },
} as const;

/** The release of an environment, from its row (or the request it is about to become). */
export function releaseSpecOf(row: {
  name: string;
  nameSuffix: string;
  databaseServer?: string | null;
  executor: ExecutorName;
  airflowVersion: string;
  chartVersion: string;
  size: SizeName;
  dagRepoUrl: string | null;
  dagBranch: string | null;
  dagSubPath: string | null;
  team: { name: string; entraGroupId: string };
}): AirflowReleaseSpec & { names: DerivedNames } {
  return {
    executor: row.executor,
    airflowVersion: row.airflowVersion,
    chartVersion: row.chartVersion,
    size: row.size,
    dagSource: row.dagRepoUrl ? { repoUrl: row.dagRepoUrl, branch: row.dagBranch ?? "main", subPath: row.dagSubPath } : null,
    team: row.team,
    names: deriveNames(row.name, row.nameSuffix, row.databaseServer),
  };
}
