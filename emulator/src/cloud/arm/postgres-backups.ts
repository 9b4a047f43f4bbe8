import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { badRequest, invalidName, notFound } from "./errors.js";
import { serverCreatedAt } from "./postgres-history.js";
import { BACKUP_TYPE } from "./postgres-ids.js";
import { refuseWhileServerStopped, requireServer } from "./postgres-servers.js";
import { beginDelete, completeDelete, listBody, props, refuseWhileBusy, reply, route, type ArmRequest, type ArmRoute } from "./resources.js";

const DAY_MS = 24 * 3600_000;
// The service's rule for on-demand backup names was not confirmed: letters, digits, '-' and '_' here.
const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/;

const retentionMs = (server: ArmResource) => Number(((props(server).backup ?? {}) as Json).backupRetentionDays ?? 7) * DAY_MS;

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "");

function backupBody(server: ArmResource, name: string, properties: Json): Json {
  const id = `${server.id}/backups/${name}`;
  return { id, name, type: BACKUP_TYPE, properties };
}

/**
 * The server's automatic backups: a full one when it was first ready and one a day since, each kept
 * for the retention period, as the service takes them (on the cloud's clock).
 */
function automaticBackups(ctx: CloudContext, server: ArmResource): Json[] {
  const p = props(server);
  if (p.state === "Provisioning" || p.state === "Disabled") return [];
  const created = serverCreatedAt(server);
  const now = ctx.clock.now();
  const oldest = now - retentionMs(server);
  const out: Json[] = [];
  for (let at = created; at <= now; at += DAY_MS) {
    if (at < oldest) continue;
    out.push(backupBody(server, `backup_${stamp(at)}`, { backupType: "Full", completedTime: new Date(at).toISOString(), source: "Automatic" }));
  }
  return out;
}

/** On-demand backups still within the retention period (and those still being taken). */
function onDemandBackups(ctx: CloudContext, server: ArmResource): ArmResource[] {
  const oldest = ctx.clock.now() - retentionMs(server);
  return ctx.store.listResources(`${server.id}/backups/`, BACKUP_TYPE).filter((b) => {
    const completed = (b.body.properties as Json).completedTime;
    return completed === undefined || Date.parse(String(completed)) >= oldest;
  });
}

function allBackups(ctx: CloudContext, server: ArmResource): Json[] {
  return [...automaticBackups(ctx, server), ...onDemandBackups(ctx, server).map((b) => b.body)];
}

function findBackup(ctx: CloudContext, ar: ArmRequest) {
  const server = requireServer(ctx, ar);
  const name = ar.params[3] as string;
  const stored = onDemandBackups(ctx, server).find((b) => String(b.body.name).toLowerCase() === name.toLowerCase());
  const automatic = automaticBackups(ctx, server).find((b) => String(b.name).toLowerCase() === name.toLowerCase());
  return { server, name, stored, automatic };
}

/** PUT: an on-demand full backup, long-running (its own latency); completedTime once it is taken. */
function create(ctx: CloudContext, ar: ArmRequest) {
  const { server, name, stored, automatic } = findBackup(ctx, ar);
  if (!NAME_RULE.test(name)) throw invalidName(BACKUP_TYPE, name, "Backup names must be 1 to 128 characters: letters, numbers, hyphens and underscores, starting with a letter or number.");
  refuseWhileServerStopped(server, "CreateOnDemandBackup");
  refuseWhileBusy(ctx, server, "server");
  // The emulator's code: a second backup under a name in use.
  if (stored || automatic) throw badRequest("BackupNameAlreadyExists", `A backup named '${name}' already exists on server '${String(server.body.name)}'.`);
  const id = `${server.id}/backups/${name}`;
  const resource: ArmResource = { id, type: BACKUP_TYPE, body: backupBody(server, name, { backupType: "Customer On-Demand", source: "Customer On-Demand" }) };
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  ctx.store.count(id, "created");
  const op = ctx.lro.start({ kind: "postgresBackup", action: "create", resourceId: id, resourceType: BACKUP_TYPE, location: String(server.body.location), name });
  reply(ar, 202, undefined, ctx.lro.headers(op, ar.apiVersion));
}

function settle(ctx: CloudContext, op: OperationRecord) {
  if (completeDelete(ctx, op)) return;
  const backup = ctx.store.getResource(op.resourceId);
  if (!backup) return;
  if (op.status !== "Succeeded") {
    ctx.store.deleteResource(op.resourceId);
    return;
  }
  (backup.body.properties as Json).completedTime = ctx.clock.iso();
  ctx.store.changed();
}

export function registerPostgresBackups(ctx: CloudContext) {
  ctx.lro.register(BACKUP_TYPE, (op) => settle(ctx, op));
}

const backups = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{}/backups";

/** The SDK's `backupsAutomaticAndOnDemand`: automatic and on-demand backups of a flexible server. */
export const postgresBackupRoutes: ArmRoute[] = [
  {
    pattern: route(backups),
    kind: "postgresBackup",
    methods: {
      GET: (ctx, ar) => {
        const server = requireServer(ctx, ar);
        const list = allBackups(ctx, server).map((body) => ({ id: String(body.id), type: BACKUP_TYPE, body }));
        reply(ar, 200, listBody(ctx, ar, list));
      },
    },
  },
  {
    pattern: route(`${backups}/{}`),
    kind: "postgresBackup",
    methods: {
      GET: (ctx, ar) => {
        const { server, name, stored, automatic } = findBackup(ctx, ar);
        const body = stored?.body ?? automatic;
        if (!body) throw notFound(`${BACKUP_TYPE.replace(/\/backups$/, "")}/${String(server.body.name)}/backups`, name, String(ar.params[1]));
        reply(ar, 200, body);
      },
      PUT: create,
      DELETE: (ctx, ar) => {
        const { server, name, stored, automatic } = findBackup(ctx, ar);
        // Automatic backups go with the retention period only; the code is the emulator's.
        if (automatic) throw badRequest("OperationNotAllowed", `Backup '${name}' is an automatic backup of server '${String(server.body.name)}': only on-demand backups can be deleted.`);
        if (stored) refuseWhileServerStopped(server, "DeleteOnDemandBackup");
        beginDelete(ctx, ar, stored);
      },
    },
  },
];
