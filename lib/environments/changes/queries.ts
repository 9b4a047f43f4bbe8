import { canDecideRequests, type Actor } from "@/lib/authz";
import { forbidden } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { describeDagSource, readWhatIf, type WhatIf } from "./what-if";

export interface PendingChange {
  operationId: string;
  requestedById: string | null;
  requestedBy: string;
  reason: string | null;
  askedAt: string;
  whatIf: WhatIf | null;
}

/** The change waiting for a decision on an environment the caller has already been allowed to see. */
export async function pendingChangeOf(db: PrismaClient, environmentId: string): Promise<PendingChange | null> {
  const op = await db.operation.findFirst({
    where: { environmentId, status: "PENDING_APPROVAL" },
    select: { id: true, reason: true, whatIf: true, createdAt: true, requestedById: true, requestedBy: { select: { name: true, email: true } } },
  });
  if (!op) return null;
  return {
    operationId: op.id,
    requestedById: op.requestedById,
    requestedBy: op.requestedBy?.name ?? op.requestedBy?.email ?? "someone",
    reason: op.reason,
    askedAt: op.createdAt.toISOString(),
    whatIf: readWhatIf(op.whatIf),
  };
}

/** Changes waiting for an admin, oldest first, for the admin page's queue. */
export async function listPendingChanges(db: PrismaClient, actor: Actor, take = 50) {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins decide changes.");
  const rows = await db.operation.findMany({
    where: { status: "PENDING_APPROVAL" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take,
    select: { id: true, reason: true, createdAt: true, whatIf: true, environment: { select: { id: true, name: true, team: { select: { name: true } } } }, requestedBy: { select: { name: true } } },
  });
  return rows.map((r) => {
    const w = readWhatIf(r.whatIf);
    return {
      operationId: r.id,
      environmentId: r.environment.id,
      environment: r.environment.name,
      team: r.environment.team.name,
      requestedBy: r.requestedBy?.name ?? "someone",
      reason: r.reason,
      askedAt: r.createdAt.toISOString(),
      summary: !w ? "" : w.action === "change" ? describeChange(w) : w.action,
    };
  });
}

/** "CeleryExecutor → KubernetesExecutor, Airflow 2.11.2 → 3.2.2, no expiry": what a change changes, and nothing else. */
function describeChange(w: WhatIf): string {
  const parts: string[] = [];
  if (w.from.executor !== w.to.executor) parts.push(`${w.from.executor} → ${w.to.executor}`);
  if (w.from.size !== w.to.size) parts.push(`${w.from.size} → ${w.to.size}`);
  if (w.from.airflowVersion !== w.to.airflowVersion) parts.push(`Airflow ${w.from.airflowVersion} → ${w.to.airflowVersion}`);
  if (w.to.dagSource !== undefined && describeDagSource(w.from.dagSource ?? null) !== describeDagSource(w.to.dagSource)) parts.push(`DAGs from ${describeDagSource(w.to.dagSource)}`);
  if (w.to.expiresOn !== undefined && (w.from.expiresOn ?? null) !== w.to.expiresOn) parts.push(w.to.expiresOn ? `expires ${w.to.expiresOn}` : "no expiry");
  return parts.join(", ");
}
