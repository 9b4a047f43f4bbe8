import type { Json } from "../store.js";
import { notFound } from "./errors.js";
import { autoStart, refuseWhileServerStopped, SERVER_TYPE, serverId } from "./postgres-servers.js";
import { reply, requireResource, route, type ArmRequest, type ArmRoute } from "./resources.js";
import type { CloudContext } from "../context.js";

const CONFIGURATION_TYPE = `${SERVER_TYPE}/configurations`;

/**
 * Server parameters of a PostgreSQL flexible server, the ones people read or change most, with
 * the service's defaults (max_connections follows the compute size, as on Azure).
 */
function configurations(ctx: CloudContext, ar: ArmRequest) {
  const [sub, group, name] = ar.params as [string, string, string];
  const server = requireResource(ctx, sub, group, serverId(sub, group, name), SERVER_TYPE);
  autoStart(ctx, server);
  // Azure reads the parameters from the running server: a stopped one refuses (its ServerStoppedError).
  refuseWhileServerStopped(server, "GetServerParameters");
  const sku = String((server.body.sku as Json | undefined)?.name ?? "Standard_B1ms");
  const vcores = Number(/(\d+)/.exec(sku.replace(/^Standard_/, ""))?.[1] ?? 1) || 1;
  const maxConnections = sku.includes("B1ms") ? "50" : sku.includes("B2") ? "429" : String(Math.min(5000, vcores * 430 - 1));
  const parameter = (key: string, value: string, dataType: string, description: string, allowedValues: string, isDynamicConfig = true) => ({
    id: `${server.id}/configurations/${key}`,
    name: key,
    type: CONFIGURATION_TYPE,
    properties: { value, description, defaultValue: value, dataType, allowedValues, source: "system-default", isDynamicConfig, isReadOnly: false, isConfigPendingRestart: false },
  });
  return [
    parameter("azure.extensions", "", "Set", "Specifies which extensions are allowed to be created in the server.", "address_standardizer,amcheck,btree_gin,btree_gist,citext,hstore,pg_stat_statements,pg_trgm,pgcrypto,postgis,uuid-ossp,vector"),
    parameter("log_min_duration_statement", "-1", "Integer", "Sets the minimum execution time above which statements will be logged.", "-1-2147483647"),
    parameter("max_connections", maxConnections, "Integer", "Sets the maximum number of concurrent connections to the database server.", "25-5000", false),
    parameter("password_encryption", "scram-sha-256", "Enumeration", "Chooses the algorithm for encrypting passwords.", "md5,scram-sha-256"),
    parameter("require_secure_transport", "on", "Boolean", "Whether client connections to the server are required to use some form of secure transport.", "on,off"),
    parameter("timezone", "UTC", "String", "Sets the time zone for displaying and interpreting time stamps.", "[A-Za-z0-9/+_-]+"),
  ];
}

function one(list: Json[], ar: ArmRequest, type: string) {
  const wanted = String(ar.params[3]).toLowerCase();
  const found = list.find((item) => String(item.name).toLowerCase() === wanted);
  if (!found) throw notFound(type, `${String(ar.params[2])}/${String(ar.params[3])}`, String(ar.params[1]));
  return found;
}

const servers = "/subscriptions/{}/resourcegroups/{}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{}";

/** Read-only children that exist with their parent: configurations of a PostgreSQL server. */
export const subresourceRoutes: ArmRoute[] = [
  { pattern: route(`${servers}/configurations`), kind: "configuration", methods: { GET: (ctx, ar) => reply(ar, 200, { value: configurations(ctx, ar) }) } },
  { pattern: route(`${servers}/configurations/{}`), kind: "configuration", methods: { GET: (ctx, ar) => reply(ar, 200, one(configurations(ctx, ar), ar, CONFIGURATION_TYPE)) } },
];
