import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { ArmError, badRequest, notFound } from "./errors.js";
import { requireLocation } from "./locations.js";
import { DATABASE_TYPE, SERVER_TYPE } from "./postgres-ids.js";
import { props } from "./resources.js";

const DAY_MS = 24 * 3600_000;

/** A database as it was made, and when it went, on the cloud's clock: what a restore to a point in time finds. */
export interface DatabaseRecord {
  name: string;
  charset: string;
  collation: string;
  createdAt: number;
  deletedAt?: number;
}

/** What a point-in-time restore brings over from its source, decided when it is asked for. */
export interface RestorePlan {
  sourceServerResourceId: string;
  pointInTime: number;
  databases: DatabaseRecord[];
}

const metaOf = (server: ArmResource) => (server.meta ??= {});
const historyOf = (server: ArmResource) => ((metaOf(server).databases ??= []) as DatabaseRecord[]);

/** When the server was first ready (its first full backup), on the cloud's clock; older state falls back to its creation time. */
export function serverCreatedAt(server: ArmResource): number {
  const at = server.meta?.createdAt;
  if (typeof at === "number") return at;
  return Date.parse(String((server.body.systemData as Json | undefined)?.createdAt ?? "")) || 0;
}

const retentionDays = (server: ArmResource) => Number(((props(server).backup ?? {}) as Json).backupRetentionDays ?? 7);

/** The earliest time a restore can go back to: the server's first backup, or the start of its retention window. */
export function earliestRestore(ctx: CloudContext, server: ArmResource): number {
  return Math.max(serverCreatedAt(server), ctx.clock.now() - retentionDays(server) * DAY_MS);
}

/** Keeps `backup.earliestRestoreDate` moving with the clock, as Azure reports it. */
export function refreshEarliestRestore(ctx: CloudContext, server: ArmResource) {
  const p = props(server);
  if (p.state === "Provisioning" || p.state === "Disabled") return;
  p.backup = { ...(p.backup as Json | undefined), earliestRestoreDate: new Date(earliestRestore(ctx, server)).toISOString() };
}

/** A server's create succeeded: it is ready from now, with these databases. */
export function recordServerReady(ctx: CloudContext, server: ArmResource, databases: { name: string; charset?: string; collation?: string }[]) {
  const now = ctx.clock.now();
  metaOf(server).createdAt = now;
  for (const db of databases) historyOf(server).push({ name: db.name, charset: db.charset ?? "UTF8", collation: db.collation ?? "en_US.utf8", createdAt: now });
}

/** A database's create or delete succeeded. */
export function recordDatabase(ctx: CloudContext, databaseId: string, event: "created" | "deleted", body?: Json) {
  const server = ctx.store.getResource(databaseId.replace(/\/databases\/[^/]+$/i, ""));
  if (!server) return;
  const name = databaseId.split("/").pop() as string;
  const history = historyOf(server);
  const live = history.find((d) => d.name === name && d.deletedAt === undefined);
  if (event === "deleted") {
    if (live) live.deletedAt = ctx.clock.now();
    return;
  }
  if (live) return;
  const p = (body?.properties ?? {}) as Json;
  history.push({ name, charset: String(p.charset ?? "UTF8"), collation: String(p.collation ?? "en_US.utf8"), createdAt: ctx.clock.now() });
}

/** The server's databases at `time`: from its history, or (state kept before there was one) the ones it has now. */
export function databasesAt(ctx: CloudContext, server: ArmResource, time: number): DatabaseRecord[] {
  const history = server.meta?.databases as DatabaseRecord[] | undefined;
  if (!history || history.length === 0) {
    return ctx.store.listResources(`${server.id}/databases/`, DATABASE_TYPE).map((d) => {
      const p = (d.body.properties ?? {}) as Json;
      return { name: String(d.body.name), charset: String(p.charset ?? "UTF8"), collation: String(p.collation ?? "en_US.utf8"), createdAt: 0 };
    });
  }
  return history.filter((d) => d.createdAt <= time && (d.deletedAt === undefined || d.deletedAt > time));
}

// Azure's codes for these refusals were not confirmed: the codes are the emulator's best guesses.
const invalidTime = (message: string) => badRequest("InvalidPointInTimeRestoreTime", message);

/**
 * A PUT with `createMode: PointInTimeRestore`: a new server made from `sourceServerResourceId` as it
 * was at `pointInTimeUTC`, which must lie between the source's earliest restore point (its first
 * backup, or the start of its retention window) and now. The new server takes the source's version,
 * compute, storage, network and administrator login (and password), and its databases as they were
 * then; not its firewall rules. Returns the body to create the server from, and what to bring over.
 */
export function planRestore(ctx: CloudContext, body: Json, existing: ArmResource | undefined): { body: Json; plan: RestorePlan } | undefined {
  const input = (body.properties ?? {}) as Json;
  if (input.createMode !== "PointInTimeRestore") return undefined;
  if (existing) throw badRequest("InvalidParameterValue", `A point-in-time restore creates a new server: server '${String(existing.body.name)}' already exists.`);
  const sourceId = input.sourceServerResourceId;
  if (typeof sourceId !== "string" || !sourceId) throw badRequest("InvalidParameterValue", "sourceServerResourceId is required when createMode is PointInTimeRestore.");
  const source = ctx.store.getResource(sourceId);
  if (!source || source.type.toLowerCase() !== SERVER_TYPE.toLowerCase()) {
    const group = /\/resourceGroups\/([^/]+)/i.exec(sourceId)?.[1] ?? "";
    throw notFound(SERVER_TYPE, sourceId.split("/").pop() ?? "", group);
  }
  if (input.pointInTimeUTC === undefined) throw badRequest("InvalidParameterValue", "pointInTimeUTC is required when createMode is PointInTimeRestore.");
  const time = Date.parse(String(input.pointInTimeUTC));
  if (Number.isNaN(time)) throw badRequest("InvalidParameterValue", `pointInTimeUTC '${String(input.pointInTimeUTC)}' is not a valid ISO 8601 time.`);
  const asked = new Date(time).toISOString();
  const now = ctx.clock.now();
  if (time > now) throw invalidTime(`The restore point in time ${asked} is in the future. Choose a time no later than ${new Date(now).toISOString()}.`);
  const days = retentionDays(source);
  if (time < now - days * DAY_MS) {
    throw invalidTime(`The restore point in time ${asked} is outside the backup retention period of ${days} days of server '${String(source.body.name)}'.`);
  }
  const earliest = earliestRestore(ctx, source);
  if (time < earliest) {
    throw invalidTime(`The restore point in time ${asked} is before the earliest restore point ${new Date(earliest).toISOString()} of server '${String(source.body.name)}'.`);
  }
  const location = requireLocation(body, SERVER_TYPE);
  if (location !== String(source.body.location)) {
    // A restore elsewhere is a geo-restore (createMode GeoRestore), which the emulator does not offer.
    throw new ArmError(400, "InvalidParameterValue", `A point-in-time restore stays in the source server's region '${String(source.body.location)}'.`);
  }
  const from = props(source);
  const properties: Json = {
    version: from.version,
    administratorLogin: from.administratorLogin,
    storage: { storageSizeGB: (from.storage as Json | undefined)?.storageSizeGB },
    backup: { backupRetentionDays: days, geoRedundantBackup: ((from.backup ?? {}) as Json).geoRedundantBackup ?? "Disabled" },
    authConfig: from.authConfig,
    ...(from.network ? { network: from.network } : {}),
    ...input,
  };
  const restored = { ...body, sku: body.sku ?? source.body.sku, properties };
  return { body: restored, plan: { sourceServerResourceId: source.id, pointInTime: time, databases: databasesAt(ctx, source, time) } };
}
