import type { Drift } from "./drift-record";
import type { HibernationSchedule } from "./hibernation-schedule";
import type { Deployed } from "@/lib/provisioning/deployed";
import type { ExecutorName, SizeName } from "./catalog";
import type { DerivedNames } from "./naming";
import type { StatusName } from "./status";

export interface EnvironmentSummary {
  id: string;
  name: string;
  status: StatusName;
  executor: ExecutorName;
  airflowVersion: string;
  region: string;
  size: SizeName;
  team: { slug: string; name: string };
  /** `id` lets an admin's page tell their own requests apart: those need another admin's approval. */
  requestedBy: { id: string; name: string };
  createdAt: Date;
  expiresAt: Date | null;
  airflowUrl: string | null;
  /** Last probe of the Airflow UI: "healthy", or "unhealthy: <components>". */
  health: string | null;
  healthCheckedAt: Date | null;
}

export interface AuditEntry {
  id: string;
  environmentId: string | null;
  environmentName: string | null;
  action: string;
  fromStatus: StatusName | null;
  toStatus: StatusName | null;
  reason: string | null;
  actorName: string | null;
  createdAt: Date;
}

export interface EnvironmentDetail extends EnvironmentSummary {
  /** The team's Entra group: its Airflow role is part of the Helm values. */
  team: EnvironmentSummary["team"] & { entraGroupId: string };
  teamId: string;
  /** The team's hibernation schedule, if it set one. */
  hibernation: HibernationSchedule | null;
  /** What the workers last found differing from what was applied (READY environments). */
  drift: Drift | null;
  purpose: string;
  /** The official Airflow Helm chart version this environment is deployed with. */
  chartVersion: string;
  dagSource: { repoUrl: string; branch: string; subPath: string | null } | null;
  decidedBy: { name: string } | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  names: DerivedNames;
  /** The most recent audit events, oldest first (at most HISTORY_LIMIT). */
  history: AuditEntry[];
  /** Older events exist than those in `history`. */
  earlierHistory: boolean;
  /** What the worker applied, as stored; null until an operation has deployed it. */
  deployed: Deployed | null;
  /** The most recent operation, whatever its status: it decides what an admin may do next. */
  latestOperation: { id: string; kind: string; status: string } | null;
}
