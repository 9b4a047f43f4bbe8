import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { ArmError, badRequest, checkTags, invalidName } from "./errors.js";
import { requireLocation } from "./locations.js";
import { resolveServerNetwork } from "./postgres-network.js";
import { planRestore, recordServerReady, refreshEarliestRestore, type RestorePlan } from "./postgres-history.js";
import { DATABASE_TYPE, SERVER_TYPE, serverId } from "./postgres-ids.js";
import { validateServerProperties } from "./postgres-validation.js";
import { beginDelete, beginWrite, completeDelete, groupId, isoNow, listBody, props, refuseMove, refuseWhileBusy, reply, requireGroup, requireResource, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export { DATABASE_TYPE, SERVER_TYPE, serverId };

const SYSTEM_DATABASES = ["azure_maintenance", "azure_sys", "postgres"];
const WRITE_ONLY = ["administratorLoginPassword", "createMode", "pointInTimeUTC"];

/** The storage performance tier Azure gives a disk of each size by default (and its IOPS): a bigger disk never keeps a lower tier. */
const STORAGE_TIERS: [number, string, number][] = [
  [32, "P4", 120], [64, "P6", 240], [128, "P10", 500], [256, "P15", 1100], [512, "P20", 2300], [1024, "P30", 5000],
  [2048, "P40", 7500], [4096, "P50", 7500], [8192, "P60", 16000], [16384, "P70", 18000], [32767, "P80", 20000],
];
const tierRank = (tier: unknown) => STORAGE_TIERS.findIndex(([, t]) => t === tier);

/** The server's storage after a write: what it had, what the request sets, and a tier no lower than the size's default. */
function storageOf(previous: Json | undefined, requested: Json | undefined): Json {
  const storage: Json = { storageSizeGB: 32, autoGrow: "Disabled", type: "", ...previous, ...requested };
  const size = Number(storage.storageSizeGB);
  const minimum = STORAGE_TIERS.find(([gb]) => gb >= size) ?? STORAGE_TIERS[STORAGE_TIERS.length - 1]!;
  const asked = (requested?.tier ?? previous?.tier) as string | undefined;
  const [, tier, iops] = tierRank(asked) >= STORAGE_TIERS.indexOf(minimum) ? STORAGE_TIERS[tierRank(asked)]! : minimum;
  return { ...storage, tier, iops };
}

function buildBody(id: string, name: string, body: Json, existing?: ArmResource): Json {
  const previous = (existing?.body.properties ?? {}) as Json;
  const input = { ...previous, ...((body.properties ?? {}) as Json) };
  for (const field of WRITE_ONLY) delete input[field];
  const version = String(input.version ?? "16");
  return {
    id,
    name,
    type: SERVER_TYPE,
    location: requireLocation({ location: body.location ?? existing?.body.location }, SERVER_TYPE),
    ...((body.tags ?? existing?.body.tags) ? { tags: body.tags ?? existing?.body.tags } : {}),
    sku: { ...(existing?.body.sku as Json | undefined), ...(body.sku as Json | undefined) },
    ...(body.identity ? { identity: body.identity } : {}),
    systemData: systemData(existing),
    properties: {
      replicationRole: "Primary",
      replicaCapacity: 5,
      dataEncryption: { type: "SystemManaged" },
      authConfig: { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled" },
      network: { publicNetworkAccess: "Enabled" },
      highAvailability: { mode: "Disabled" },
      maintenanceWindow: { customWindow: "Disabled", dayOfWeek: 0, startHour: 0, startMinute: 0 },
      availabilityZone: "1",
      ...input,
      version,
      minorVersion: version === "16" ? "9" : "4",
      storage: storageOf(previous.storage as Json | undefined, (body.properties as Json | undefined)?.storage as Json | undefined),
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled", earliestRestoreDate: isoNow(), ...(previous.backup as Json | undefined), ...((body.properties as Json | undefined)?.backup as Json | undefined) },
      state: existing ? "Updating" : "Provisioning",
      fullyQualifiedDomainName: `${name}.postgres.database.azure.com`,
    },
  };
}

function settle(ctx: CloudContext, op: OperationRecord) {
  if (completeDelete(ctx, op)) return;
  const resource = ctx.store.getResource(op.resourceId);
  if (!resource) return;
  const p = props(resource);
  if (op.status !== "Succeeded") {
    // A failed create leaves a server that cannot be used; a failed power change leaves it as it was.
    p.state = op.action === "create" ? "Disabled" : op.action === "start" ? "Stopped" : "Ready";
  } else {
    p.state = op.action === "stop" ? "Stopped" : "Ready";
    // When it stopped, on the cloud's clock: Azure starts it again by itself after 7 days.
    if (op.action === "stop") resource.meta = { ...resource.meta, stoppedAt: ctx.clock.now() };
    else if (resource.meta) delete resource.meta.stoppedAt;
    if (op.action === "create") {
      // A restored server has its source's databases as they were at the restore point; a new one the system databases.
      const restore = resource.meta?.restore as RestorePlan | undefined;
      const databases = restore ? restore.databases : SYSTEM_DATABASES.map((name) => ({ name, charset: "UTF8", collation: "en_US.utf8" }));
      for (const db of databases) {
        const dbId = `${resource.id}/databases/${db.name}`;
        ctx.store.putResource({ id: dbId, type: DATABASE_TYPE, body: { id: dbId, name: db.name, type: DATABASE_TYPE, properties: { charset: db.charset, collation: db.collation } } });
      }
      if (restore) {
        delete resource.meta?.restore;
        resource.meta = { ...resource.meta, restoredFrom: { sourceServerResourceId: restore.sourceServerResourceId, pointInTime: restore.pointInTime } };
      }
      recordServerReady(ctx, resource, databases);
      refreshEarliestRestore(ctx, resource);
    }
  }
  ctx.store.changed();
}

export function registerPostgresServers(ctx: CloudContext) {
  ctx.lro.register(SERVER_TYPE, (op) => settle(ctx, op));
  ctx.clock.onAdvance.push(() => {
    for (const server of Object.values(ctx.store.state.resources)) if (server.type === SERVER_TYPE) autoStart(ctx, server);
  });
}

const AUTO_START_MS = 7 * 24 * 3600_000;

/**
 * Azure starts a flexible server that has been stopped for 7 days (to apply maintenance). Checked
 * whenever the server is looked at and when the cloud's clock moves, so no timer has to run for a week.
 */
export function autoStart(ctx: CloudContext, server: ArmResource) {
  refreshEarliestRestore(ctx, server);
  const p = props(server);
  const stoppedAt = server.meta?.stoppedAt;
  if (p.state !== "Stopped" || typeof stoppedAt !== "number" || ctx.clock.now() - stoppedAt < AUTO_START_MS) return;
  p.state = "Ready";
  delete server.meta?.stoppedAt;
  ctx.store.changed();
  ctx.log(`PostgreSQL server ${String(server.body.name)}: stopped for 7 days, started by the service`);
}

export function requireServer(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  const server = requireResource(ctx, sub, group, serverId(sub, group, name), SERVER_TYPE);
  autoStart(ctx, server);
  return server;
}

/**
 * A stopped server takes no management operation but a start (or a delete): 400 ServerStoppedError,
 * Azure's code (seen refusing reads of a stopped server's parameters; its message here is the emulator's).
 */
export function refuseWhileServerStopped(server: ArmResource, operation: string) {
  if (props(server).state !== "Stopped") return;
  throw badRequest("ServerStoppedError", `Operation '${operation}' cannot be performed as server '${String(server.body.name)}' is currently in state 'Stopped'. Start the server first.`);
}

async function write(ctx: CloudContext, ar: ArmRequest, patch: boolean) {
  const [sub, group, name] = ar.params as [string, string, string];
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
    throw invalidName(SERVER_TYPE, name, "Server names must be 3 to 63 characters long, contain only lowercase letters, numbers and hyphens, and must not start or end with a hyphen.");
  }
  const rg = requireGroup(ctx, sub, group);
  const body = await ar.body();
  checkTags(body);
  const existing = ctx.store.getResource(serverId(sub, group, name));
  if (patch && !existing) requireServer(ctx, ar);
  if (!patch || body.location !== undefined) requireLocation(body, SERVER_TYPE);
  if (!existing) {
    // A server's name is a DNS name under postgres.database.azure.com: unique across all of Azure.
    const taken = Object.values(ctx.store.state.resources).some((r) => r.type === SERVER_TYPE && String(r.body.name).toLowerCase() === name.toLowerCase());
    if (taken) throw new ArmError(409, "ServerNameAlreadyExists", "Specified server name is already used.");
  }
  if (existing && body.location !== undefined) refuseMove(existing, requireLocation(body, SERVER_TYPE), group);
  if (existing) {
    refuseWhileBusy(ctx, existing, "server");
    autoStart(ctx, existing);
    refuseWhileServerStopped(existing, "UpdateServer");
  }
  const restore = planRestore(ctx, body, existing);
  const effective = restore?.body ?? body;
  validateServerProperties(effective, existing);
  const network = resolveServerNetwork(ctx, effective, existing);
  const id = existing?.id ?? serverId(sub, (rg.body.name as string) ?? group, name);
  const resource: ArmResource = { id, type: SERVER_TYPE, body: buildBody(id, name, effective, existing), ...(existing?.meta ? { meta: existing.meta } : {}) };
  if (network) props(resource).network = network;
  const password = (body.properties as Json | undefined)?.administratorLoginPassword;
  // A restored server keeps its source's administrator password.
  const sourcePassword = restore ? ctx.store.getResource(restore.plan.sourceServerResourceId)?.secrets?.administratorLoginPassword : undefined;
  resource.secrets = { ...existing?.secrets, ...(sourcePassword ? { administratorLoginPassword: sourcePassword } : {}), ...(password ? { administratorLoginPassword: password } : {}) };
  if (restore) resource.meta = { restore: restore.plan };
  // The service accepts every write with 202 and no body; the final state comes from the operation and a GET.
  // An update is a postgresServer operation (faults and holds match it so) that takes an update's time.
  beginWrite(ctx, ar, resource, !existing, "postgresServer", 202, patch || !existing, existing ? "postgresServerUpdate" : undefined);
}

function power(action: "stop" | "start" | "restart") {
  return (ctx: CloudContext, ar: ArmRequest) => {
    const resource = requireServer(ctx, ar);
    refuseWhileBusy(ctx, resource, "server");
    const p = props(resource);
    const state = p.state as string;
    if ((action === "stop" && state === "Stopped") || (action === "start" && state === "Ready")) return reply(ar, 200);
    if (state !== (action === "start" ? "Stopped" : "Ready")) {
      // Azure's code and words for stop and restart; a start of a server that is not stopped is worded alike here.
      const message =
        action === "start"
          ? `Start Server can only be performed on Stopped servers. Server Name = ${resource.body.name as string}, Current Server State = ${state}`
          : `Restart or Stop Server can only be performed on Started servers. Sever Name = ${resource.body.name as string}, Current Server State = ${state}`;
      throw new ArmError(409, "ServerIsNotReady", message);
    }
    p.state = { stop: "Stopping", start: "Starting", restart: "Restarting" }[action];
    ctx.store.changed();
    const op = ctx.lro.start({ kind: "postgresServerPower", action, resourceId: resource.id, resourceType: SERVER_TYPE, location: resource.body.location as string, name: resource.body.name as string });
    reply(ar, 202, undefined, ctx.lro.headers(op, ar.apiVersion));
  };
}

const base = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.DBforPostgreSQL/flexibleServers";

const started = (ctx: CloudContext, servers: ArmResource[]) => servers.map((server) => (autoStart(ctx, server), server));

export const postgresServerRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}/providers/Microsoft.DBforPostgreSQL/flexibleServers"),
    kind: "postgresServer",
    methods: { GET: (ctx, ar) => reply(ar, 200, listBody(ctx, ar, started(ctx, ctx.store.listResources(`/subscriptions/${ar.params[0]}/`, SERVER_TYPE)))) },
  },
  {
    pattern: route(base),
    kind: "postgresServer",
    methods: {
      GET: (ctx, ar) => {
        const [sub, group] = ar.params as [string, string];
        requireGroup(ctx, sub, group);
        reply(ar, 200, listBody(ctx, ar, started(ctx, ctx.store.listResources(`${groupId(sub, group)}/`, SERVER_TYPE))));
      },
    },
  },
  {
    pattern: route(`${base}/{}`),
    kind: "postgresServer",
    methods: {
      PUT: (ctx, ar) => write(ctx, ar, false),
      PATCH: (ctx, ar) => write(ctx, ar, true),
      GET: (ctx, ar) => reply(ar, 200, requireServer(ctx, ar).body),
      DELETE: (ctx, ar) => {
        const [sub, group, name] = ar.params as [string, string, string];
        requireGroup(ctx, sub, group);
        beginDelete(ctx, ar, ctx.store.getResource(serverId(sub, group, name)), { stateField: "state", deletingState: "Dropping" });
      },
    },
  },
  { pattern: route(`${base}/{}/stop`), kind: "postgresServerPower", methods: { POST: power("stop") } },
  { pattern: route(`${base}/{}/start`), kind: "postgresServerPower", methods: { POST: power("start") } },
  { pattern: route(`${base}/{}/restart`), kind: "postgresServerPower", methods: { POST: power("restart") } },
];
