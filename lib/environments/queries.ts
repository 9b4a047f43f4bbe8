import { canDecideRequests, visibleEnvironmentsWhere, type Actor } from "@/lib/authz";
import { forbidden, notFound } from "@/lib/errors";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { readDeployed } from "@/lib/provisioning/deployed";
import { deriveNames } from "./naming";
import type { StatusName } from "./status";
import type { AuditEntry, EnvironmentDetail, EnvironmentSummary } from "./types";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const summarySelect = {
  id: true,
  name: true,
  status: true,
  executor: true,
  airflowVersion: true,
  region: true,
  size: true,
  createdAt: true,
  expiresAt: true,
  airflowUrl: true,
  health: true,
  healthCheckedAt: true,
  team: { select: { slug: true, name: true } },
  requestedBy: { select: { id: true, name: true } },
} satisfies Prisma.EnvironmentSelect;

type SummaryRow = Prisma.EnvironmentGetPayload<{ select: typeof summarySelect }>;

function toSummary(row: SummaryRow): EnvironmentSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    executor: row.executor,
    airflowVersion: row.airflowVersion,
    region: row.region,
    size: row.size,
    team: row.team,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    airflowUrl: row.airflowUrl,
    health: row.health,
    healthCheckedAt: row.healthCheckedAt,
  };
}

const auditSelect = {
  id: true,
  environmentId: true,
  action: true,
  fromStatus: true,
  toStatus: true,
  reason: true,
  createdAt: true,
  actor: { select: { name: true } },
  environment: { select: { name: true } },
} satisfies Prisma.AuditEventSelect;

function toAuditEntry(row: Prisma.AuditEventGetPayload<{ select: typeof auditSelect }>): AuditEntry {
  return {
    id: row.id.toString(),
    environmentId: row.environmentId,
    environmentName: row.environment?.name ?? null,
    action: row.action,
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    reason: row.reason,
    actorName: row.actor?.name ?? null,
    createdAt: row.createdAt,
  };
}

export const PAGE_SIZE = 50;

export interface EnvironmentFilter {
  /** Without a status, lists leave out deleted and rejected environments: they are history. */
  status?: StatusName;
  /** 1-based; a page past the last one gives the last one. */
  page?: number;
  pageSize?: number;
}

export interface EnvironmentPage {
  items: EnvironmentSummary[];
  /** How many environments match the filter, on every page. */
  total: number;
  page: number;
  pageCount: number;
}

/** One page of the environments the actor may see, newest first. */
export async function listEnvironments(db: PrismaClient, actor: Actor, filter: EnvironmentFilter = {}): Promise<EnvironmentPage> {
  const pageSize = filter.pageSize ?? PAGE_SIZE;
  const where: Prisma.EnvironmentWhereInput = {
    ...visibleEnvironmentsWhere(actor),
    status: filter.status ?? { notIn: ["DELETED", "REJECTED"] },
  };
  const total = await db.environment.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(filter.page ?? 1) || 1), pageCount);
  const rows = await db.environment.findMany({
    where,
    select: summarySelect,
    // The id breaks ties between environments requested in the same millisecond, so pages never overlap.
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
  });
  return { items: rows.map(toSummary), total, page, pageCount };
}

const detailSelect = {
  ...summarySelect,
  nameSuffix: true,
  purpose: true,
  chartVersion: true,
  dagRepoUrl: true,
  dagBranch: true,
  dagSubPath: true,
  decidedAt: true,
  decisionReason: true,
  decidedBy: { select: { name: true } },
  deployed: true,
  auditEvents: { select: auditSelect, orderBy: { id: "asc" } },
  operations: { select: { id: true, kind: true, status: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 },
} satisfies Prisma.EnvironmentSelect;

function toDetail(row: Prisma.EnvironmentGetPayload<{ select: typeof detailSelect }>): EnvironmentDetail {
  return {
    ...toSummary(row),
    purpose: row.purpose,
    chartVersion: row.chartVersion,
    dagSource: row.dagRepoUrl
      ? { repoUrl: row.dagRepoUrl, branch: row.dagBranch ?? "main", subPath: row.dagSubPath }
      : null,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    decisionReason: row.decisionReason,
    names: deriveNames(row.name, row.nameSuffix),
    history: row.auditEvents.map(toAuditEntry),
    deployed: readDeployed(row.deployed),
    latestOperation: row.operations[0] ?? null,
  };
}

export async function getEnvironment(db: PrismaClient, actor: Actor, id: string): Promise<EnvironmentDetail> {
  if (!UUID.test(id)) throw notFound();
  const row = await db.environment.findFirst({
    where: { id, ...visibleEnvironmentsWhere(actor) },
    select: detailSelect,
  });
  if (!row) throw notFound();
  return toDetail(row);
}

const QUEUE_SIZE = 100;

/** The approval queue, oldest first, and how many wait in all. Admins only. */
export async function listPendingRequests(
  db: PrismaClient,
  actor: Actor,
): Promise<{ items: EnvironmentDetail[]; total: number }> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can see the approval queue.");
  const where = { status: "PENDING_APPROVAL" } as const;
  const [rows, total] = await Promise.all([
    db.environment.findMany({ where, select: detailSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: QUEUE_SIZE }),
    db.environment.count({ where }),
  ]);
  return { items: rows.map(toDetail), total };
}

/** The most recent audit events across all environments. Admins only. */
export async function listAuditEvents(db: PrismaClient, actor: Actor, take = 50): Promise<AuditEntry[]> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can read the audit log.");
  const rows = await db.auditEvent.findMany({ select: auditSelect, orderBy: { id: "desc" }, take });
  return rows.map(toAuditEntry);
}
