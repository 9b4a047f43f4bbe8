import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { readDeployed, taskLogsInBlob } from "@/lib/provisioning/deployed";
import { deriveNames, restoredServerName } from "../naming";
import { restoreWhatIf } from "./release-unchanged-what-if";
import { ChangeTargetSchema, type WhatIf } from "./what-if";

/**
 * Restoring after a failed upgrade (a migration only goes forward, so the portal never rolls a
 * failed upgrade back by itself): the metadata database as it was at the backup the upgrade took
 * first, restored to a new server; Airflow's connection pointed at it; the chart from before the
 * upgrade applied again. Stored as the RESTORE operation's params, so a retry restores the same.
 */
export const RestorePlanSchema = z.object({
  failedOperationId: z.string().uuid(),
  backup: z.string(),
  /** ISO time the server is restored to: when the backup before the upgrade was taken. */
  pointInTime: z.string(),
  sourceServer: z.string(),
  server: z.string(),
});
export type RestorePlan = z.infer<typeof RestorePlanSchema>;

export interface RestoreOption {
  plan: RestorePlan;
  whatIf: WhatIf;
}

const BackupOutput = z.object({ backup: z.string(), completedAt: z.string().nullable().optional() });
const HelmOutput = z.object({ helmValues: z.record(z.string(), z.unknown()).optional() }).passthrough();

/**
 * What a restore of `environmentId` would do, or null when there is nothing to restore: the
 * environment is FAILED, its last operation an upgrade that took its backup and then got as far as
 * applying the chart (before that, the database was never migrated and a retry is the way on).
 */
export async function restoreOption(db: PrismaClient, environmentId: string): Promise<RestoreOption | null> {
  const env = await db.environment.findUnique({
    where: { id: environmentId },
    select: { status: true, name: true, nameSuffix: true, databaseServer: true, executor: true, size: true, airflowVersion: true, chartVersion: true, deployed: true },
  });
  if (!env || env.status !== "FAILED") return null;
  const last = await db.operation.findFirst({
    where: { environmentId, status: { notIn: ["PENDING_APPROVAL", "REJECTED", "CANCELLED"] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, kind: true, status: true, params: true, steps: { where: { key: { in: ["database-backup", "helm-release"] } }, select: { key: true, status: true, output: true, finishedAt: true } } },
  });
  if (!last || last.kind !== "UPDATE" || last.status !== "FAILED") return null;
  const target = ChangeTargetSchema.safeParse(last.params);
  const backupStep = last.steps.find((s) => s.key === "database-backup");
  const helmStep = last.steps.find((s) => s.key === "helm-release");
  const backup = BackupOutput.safeParse(backupStep?.output);
  if (!target.success || backupStep?.status !== "SUCCEEDED" || !backup.success || !helmStep || helmStep.status === "PENDING") return null;
  const pointInTime = backup.data.completedAt ?? backupStep.finishedAt?.toISOString();
  if (!pointInTime) return null;

  const restores = await db.operation.count({ where: { environmentId, kind: "RESTORE" } });
  const sourceServer = deriveNames(env.name, env.nameSuffix, env.databaseServer).postgresServer;
  const plan: RestorePlan = {
    failedOperationId: last.id,
    backup: backup.data.backup,
    pointInTime,
    sourceServer,
    server: restoredServerName(env.name, env.nameSuffix, restores + 1),
  };
  const failedValues = HelmOutput.safeParse(helmStep.output).data?.helmValues ?? {};
  const whatIf = restoreWhatIf({
    spec: { ...env, taskLogs: taskLogsInBlob(readDeployed(env.deployed)) },
    failedVersion: target.data.airflowVersion,
    failedValues,
    previousValues: readDeployed(env.deployed)?.helmValues ?? {},
    ...plan,
  });
  return { plan, whatIf };
}
