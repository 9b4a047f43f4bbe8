import type { TokenCredential } from "@azure/core-auth";
import type { ArmClients } from "@/lib/azure/clients";
import type { EngineConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ExecutorName, SizeName } from "@/lib/environments/catalog";
import type { DerivedNames } from "@/lib/environments/naming";
import type { Deployed, EventLevel } from "./deployed";
import type { RestorePlan } from "@/lib/environments/changes/restore";

/** The environment as the engine builds it: its request, and every name derived from it. */
export interface EngineEnvironment {
  id: string;
  name: string;
  names: DerivedNames;
  region: string;
  size: SizeName;
  executor: ExecutorName;
  airflowVersion: string;
  chartVersion: string;
  dagSource: { repoUrl: string; branch: string; subPath: string | null } | null;
  team: { slug: string; name: string; entraGroupId: string };
  requestedBy: { email: string | null; name: string };
  /**
   * For a change (an UPDATE operation), what was approved with it: the claims its what-if found left
   * behind, and the Airflow (and chart) versions of an upgrade (which takes a backup first).
   */
  change?: { operationId: string; disks: readonly string[]; upgrade: { from: string; to: string; chart?: { from: string; to: string } } | null; expiresOn?: string | null } | null;
  /** For a RESTORE operation: the server restored, from which server, and to when (as approved). */
  restore?: RestorePlan | null;
  /** What the last successful operation applied (null before the first), for an operation that changes it. */
  previousDeployed?: Deployed | null;
}

export type StepOutput = Record<string, unknown>;

export interface StepContext {
  env: EngineEnvironment;
  config: EngineConfig;
  arm: ArmClients;
  credential: TokenCredential;
  /** The portal's database, for what a step keeps beside the cloud (an environment's address range). */
  db: PrismaClient;
  /** Outputs of the steps this one depends on (and every other finished step). */
  outputs: Readonly<Record<string, StepOutput>>;
  /**
   * Values handed from one step to a later one in the same run that must never be stored
   * (the database password between creating the server and writing the cluster's secret).
   * Empty after a restart: a step that needs one must cope without it.
   */
  memory: Map<string, string>;
  /** Which run of this step this is within the operation: 1, then 2 and on after a retry or a resumed run. */
  attempt: number;
  /** Aborted when the worker stops or loses the operation to another worker. */
  signal: AbortSignal;
  log(message: string, level?: Exclude<EventLevel, "status">): Promise<void>;
  /** Runs cloud work with the engine's retry policy, logging each retry on the step. */
  retry<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `work` while no other worker runs work under the same name (a PostgreSQL advisory lock). */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export type StepRun = (ctx: StepContext) => Promise<StepOutput>;
