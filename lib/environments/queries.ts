import { canDecideRequests, visibleEnvironmentsWhere, type Actor } from "@/lib/authz";
import { forbidden, notFound } from "@/lib/errors";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { readDeployed } from "@/lib/provisioning/deployed";
import { RUN_OPERATIONS } from "./active-operation";
import { readDrift } from "./drift-record";
import { hibernationSavings, readHibernation, type HibernationSavings } from "./hibernation-schedule";
import { deriveNames } from "./naming";
import { COUNT_LIMIT, encodeCursor, keysetWhere, settlePage, type PageCursor, type RowKey } from "./paging";
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
  /** The page after or before a row of the previous page; without one, the newest page. */
  cursor?: PageCursor;
  pageSize?: number;
}

export interface EnvironmentPage {
  items: EnvironmentSummary[];
  /** How many environments match the filter, counted up to COUNT_LIMIT. */
  total: number;
  /** More than `total` match. */
  totalIsLowerBound: boolean;
  /** Cursors of the neighbouring pages; null at either end. */
  next: string | null;
  previous: string | null;
  /** This is the newest page (nothing before it). */
  isFirst: boolean;
}

/** One page of the environments the actor may see, newest first, read from an index from the cursor on. */
export async function listEnvironments(db: PrismaClient, actor: Actor, filter: EnvironmentFilter = {}): Promise<EnvironmentPage> {
  const pageSize = filter.pageSize ?? PAGE_SIZE;
  const where: Prisma.EnvironmentWhereInput = {
    ...visibleEnvironmentsWhere(actor),
    status: filter.status ?? { notIn: ["DELETED", "REJECTED"] },
  };
  const { cursor } = filter;
  const backwards = cursor?.direction === "before";
  const [count, rows] = await Promise.all([
    db.environment.count({ where, take: COUNT_LIMIT + 1 }),
    db.environment.findMany({
      where: cursor ? { AND: [where, keysetWhere(cursor)] } : where,
      select: summarySelect,
      // The id breaks ties between environments requested in the same millisecond, so pages never overlap.
      orderBy: backwards ? [{ createdAt: "asc" }, { id: "asc" }] : [{ createdAt: "desc" }, { id: "desc" }],
      take: pageSize + 1,
    }),
  ]);
  const page = settlePage(rows, pageSize, cursor);
  return {
    items: page.items.map(toSummary),
    total: Math.min(count, COUNT_LIMIT),
    totalIsLowerBound: count > COUNT_LIMIT,
    next: page.next,
    previous: page.previous,
    isFirst: page.isFirst,
  };
}

/** History shown on an environment's page: the most recent events; admins find the rest in the audit log. */
export const HISTORY_LIMIT = 50;

const detailSelect = {
  ...summarySelect,
  team: { select: { slug: true, name: true, entraGroupId: true } },
  teamId: true,
  hibernation: true,
  drift: true,
  nameSuffix: true,
  databaseServer: true,
  purpose: true,
  chartVersion: true,
  dagRepoUrl: true,
  dagBranch: true,
  dagSubPath: true,
  decidedAt: true,
  decisionReason: true,
  decidedBy: { select: { name: true } },
  deployed: true,
  auditEvents: { select: auditSelect, orderBy: { id: "desc" }, take: HISTORY_LIMIT + 1 },
  operations: { where: RUN_OPERATIONS, select: { id: true, kind: true, status: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 },
} satisfies Prisma.EnvironmentSelect;

function toDetail(row: Prisma.EnvironmentGetPayload<{ select: typeof detailSelect }>): EnvironmentDetail {
  return {
    ...toSummary(row),
    team: row.team,
    teamId: row.teamId,
    hibernation: readHibernation(row.hibernation)?.schedule ?? null,
    drift: readDrift(row.drift),
    purpose: row.purpose,
    chartVersion: row.chartVersion,
    dagSource: row.dagRepoUrl
      ? { repoUrl: row.dagRepoUrl, branch: row.dagBranch ?? "main", subPath: row.dagSubPath }
      : null,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    decisionReason: row.decisionReason,
    names: deriveNames(row.name, row.nameSuffix, row.databaseServer),
    history: row.auditEvents.slice(0, HISTORY_LIMIT).reverse().map(toAuditEntry),
    earlierHistory: row.auditEvents.length > HISTORY_LIMIT,
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

export const QUEUE_PAGE_SIZE = 10;

export interface PendingRequestSummary extends EnvironmentSummary {
  purpose: string;
}

export interface PendingRequestPage {
  items: PendingRequestSummary[];
  /** How many wait, counted up to COUNT_LIMIT. */
  total: number;
  totalIsLowerBound: boolean;
  /** Cursor of the next page (newer requests); null on the last. */
  next: string | null;
}

/** The approval queue, oldest first, a page at a time from `after` on. Admins only. */
export async function listPendingRequests(
  db: PrismaClient,
  actor: Actor,
  options: { after?: RowKey; pageSize?: number } = {},
): Promise<PendingRequestPage> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can see the approval queue.");
  const pageSize = options.pageSize ?? QUEUE_PAGE_SIZE;
  const where = { status: "PENDING_APPROVAL" } as const;
  const [rows, count] = await Promise.all([
    db.environment.findMany({
      // Oldest first, so "after" a row is the newest-first "before".
      where: options.after ? { AND: [where, keysetWhere({ direction: "before", key: options.after })] } : where,
      select: { ...summarySelect, purpose: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: pageSize + 1,
    }),
    db.environment.count({ where, take: COUNT_LIMIT + 1 }),
  ]);
  const items = rows.slice(0, pageSize).map((row) => ({ ...toSummary(row), purpose: row.purpose }));
  const last = items[items.length - 1];
  return {
    items,
    total: Math.min(count, COUNT_LIMIT),
    totalIsLowerBound: count > COUNT_LIMIT,
    next: rows.length > pageSize && last ? encodeCursor(last) : null,
  };
}

export const AUDIT_PAGE_SIZE = 50;

export interface AuditPage {
  items: AuditEntry[];
  /** Event ids to page from: `older` lists events before it, `newer` after it; null at either end. */
  older: string | null;
  newer: string | null;
}

const EVENT_ID = /^\d{1,19}$/;

/** The audit log newest first, a page at a time, by event id (the primary key). Admins only. */
export async function listAuditEvents(
  db: PrismaClient,
  actor: Actor,
  options: { before?: string; after?: string; take?: number } = {},
): Promise<AuditPage> {
  if (!canDecideRequests(actor)) throw forbidden("Only portal admins can read the audit log.");
  const take = options.take ?? AUDIT_PAGE_SIZE;
  const before = options.before && EVENT_ID.test(options.before) ? BigInt(options.before) : undefined;
  const after = !before && options.after && EVENT_ID.test(options.after) ? BigInt(options.after) : undefined;
  const rows = await db.auditEvent.findMany({
    where: before !== undefined ? { id: { lt: before } } : after !== undefined ? { id: { gt: after } } : undefined,
    select: auditSelect,
    orderBy: { id: after !== undefined ? "asc" : "desc" },
    take: take + 1,
  });
  const more = rows.length > take;
  const page = rows.slice(0, take);
  if (after !== undefined) page.reverse();
  const items = page.map(toAuditEntry);
  const newest = items[0];
  const oldest = items[items.length - 1];
  return {
    items,
    older: oldest && (after !== undefined || more) ? oldest.id : null,
    newer: newest && (before !== undefined || (after !== undefined && more)) ? newest.id : null,
  };
}

/**
 * What hibernation saves across the environments the actor may see: those stopped now and those
 * with a schedule (a bounded read; a platform with more than this many is summed over the first).
 */
export async function hibernationSummary(db: PrismaClient, actor: Actor): Promise<HibernationSavings> {
  const rows = await db.environment.findMany({
    where: { ...visibleEnvironmentsWhere(actor), OR: [{ status: "STOPPED" }, { hibernation: { not: Prisma.DbNull }, status: { in: ["READY", "STOPPED", "UPDATING"] } }] },
    select: { executor: true, size: true, status: true, hibernation: true },
    take: 5_000,
  });
  return hibernationSavings(rows);
}
