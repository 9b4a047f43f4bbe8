import { createHash } from "node:crypto";
import type { CloudContext } from "../context.js";
import { PUBLIC_IP_TYPE } from "../arm/cluster-network.js";
import { FIREWALL_RULE_TYPE } from "../arm/postgres-children.js";
import { autoStart, DATABASE_TYPE, SERVER_TYPE } from "../arm/postgres-servers.js";
import { typeOf } from "../kube/discovery.js";
import type { ArmResource, ClusterState, Json } from "../store.js";
import { ipText, parseCidr } from "../arm/cidr.js";
import { nodePrefixOf } from "../arm/internal-load-balancers.js";
import { privateZoneAt, zoneLinkedTo } from "../arm/private-dns.js";
import { connected, nodeSubnetIdOf, parentVnetId, subnetAt, subnetPrefixOf } from "../arm/virtual-networks.js";

const SECRET = typeOf("Secret");
const SERVER_DOMAIN = ".postgres.database.azure.com";

/**
 * Where Airflow reads its metadata database from, in the order it looks: `[database]
 * sql_alchemy_conn`, the deprecated `[core]` one, then the chart's `airflow_db` connection.
 */
const CONNECTION_VARIABLES = ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__SQL_ALCHEMY_CONN", "AIRFLOW_CONN_AIRFLOW_DB"];

/** A metadata connection URL taken apart as libpq takes it: percent-escapes decoded, defaults filled in. */
export interface PgConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  sslmode: string;
}

/** `postgresql[+driver]://user:password@host:port/db?sslmode=…`; undefined when it is no URL. */
export function parseConnection(url: string): PgConnection | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/?#]*)(?::(\d+))?(?:\/([^?#]*))?(?:\?([^#]*))?$/i.exec(url.trim());
  if (!match) return undefined;
  const [, , user = "", password = "", host = "", port, database = "", query = ""] = match;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const params = new URLSearchParams(query);
  const userName = decode(user);
  return {
    host: decode(host),
    port: port ? Number(port) : 5432,
    user: userName,
    password: decode(password),
    // libpq: the database defaults to the user's name.
    database: decode(database) || userName,
    sslmode: params.get("sslmode") ?? "prefer",
  };
}

/** The connection URL a container's environment gives Airflow, read from the Secret it points at; undefined when none. */
export function connectionOf(ctx: CloudContext, cluster: ClusterState, namespace: string, container: Json): string | undefined {
  const env = (container.env ?? []) as Json[];
  for (const name of CONNECTION_VARIABLES) {
    const variable = env.find((v) => v.name === name);
    if (!variable) continue;
    if (typeof variable.value === "string") return variable.value;
    const ref = ((variable.valueFrom ?? {}) as Json).secretKeyRef as Json | undefined;
    if (!ref) continue;
    const secret = ctx.kube.read(cluster, SECRET, namespace, String(ref.name));
    const data = (secret?.data ?? {}) as Record<string, string>;
    const raw = data[String(ref.key)];
    if (typeof raw === "string") return Buffer.from(raw, "base64").toString("utf8");
  }
  return undefined;
}

const addressFrom = (seed: string) => {
  const [a, b, c] = createHash("sha256").update(seed).digest();
  return `20.${40 + ((a as number) % 200)}.${b as number}.${1 + ((c as number) % 254)}`;
};

/** The public address a flexible server's name resolves to: the same for the same server. */
export const serverAddress = (server: ArmResource) => addressFrom(`${server.id.toLowerCase()}#server`);

const ipNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

/**
 * The public addresses the cluster's traffic leaves from: its load balancer's or NAT gateway's
 * effective outbound IPs. A cluster whose egress AKS does not manage (user-defined routing) leaves
 * through the customer's own appliance, stood in for by an address of its own.
 */
export function outboundAddresses(ctx: CloudContext, cluster: ClusterState): { addresses: string[]; azure: boolean } {
  const resource = ctx.store.getResource(cluster.armId);
  const network = ((resource?.body.properties as Json | undefined)?.networkProfile ?? {}) as Json;
  const profiles = [network.loadBalancerProfile, network.natGatewayProfile] as (Json | undefined)[];
  const ids = profiles.flatMap((p) => ((p?.effectiveOutboundIPs ?? []) as Json[]).map((ref) => String(ref.id)));
  const addresses = ids
    .map((id) => ctx.store.getResource(id))
    .filter((ip): ip is ArmResource => ip?.type === PUBLIC_IP_TYPE)
    .map((ip) => String((ip.body.properties as Json).ipAddress));
  if (addresses.length > 0) return { addresses, azure: true };
  return { addresses: [addressFrom(`${cluster.armId.toLowerCase()}#egress`)], azure: false };
}

/**
 * Whether the server's firewall admits `source`: a rule whose range holds it, or Azure's
 * 0.0.0.0–0.0.0.0 rule ("allow Azure services") for traffic from Azure's own addresses.
 */
function admitted(ctx: CloudContext, server: ArmResource, source: string, fromAzure: boolean) {
  const network = ((server.body.properties as Json).network ?? {}) as Json;
  if (network.publicNetworkAccess === "Disabled") return false;
  return ctx.store.listResources(`${server.id}/firewallRules/`, FIREWALL_RULE_TYPE).some((rule) => {
    const { startIpAddress: start, endIpAddress: end } = rule.body.properties as { startIpAddress: string; endIpAddress: string };
    if (start === "0.0.0.0" && end === "0.0.0.0") return fromAzure;
    return ipNumber(start) <= ipNumber(source) && ipNumber(source) <= ipNumber(end);
  });
}

/**
 * What connecting to the metadata database does, as psycopg2 (libpq) reports it: undefined when
 * the connection succeeds, else libpq's message. The host must be a flexible server's name
 * (`<server>.postgres.database.azure.com`), the server Ready, its firewall must admit the address
 * the pod's traffic leaves the cluster from, the login and password the server's administrator's,
 * and the database one of the server's. Azure requires TLS: `sslmode=disable` is refused.
 */
export function connectProblem(ctx: CloudContext, cluster: ClusterState, conn: PgConnection, spread: number): string | undefined {
  const host = conn.host.toLowerCase();
  const name = host.endsWith(SERVER_DOMAIN) ? host.slice(0, -SERVER_DOMAIN.length) : undefined;
  const server = name
    ? Object.values(ctx.store.state.resources).find((r) => r.type === SERVER_TYPE && String(r.body.name).toLowerCase() === name)
    : undefined;
  if (!server) return `could not translate host name "${conn.host}" to address: Name or service not known`;
  autoStart(ctx, server);
  const props = server.body.properties as Json;
  const network = (props.network ?? {}) as Json;
  if (network.delegatedSubnetResourceId) return privateProblem(ctx, cluster, conn, server);
  const at = `connection to server at "${conn.host}" (${serverAddress(server)}), port ${conn.port} failed`;
  if (conn.port !== 5432) return `${at}: Connection timed out\n\tIs the server running on that host and accepting TCP/IP connections?`;
  if (props.state !== "Ready") return `${at}: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`;
  const { addresses, azure } = outboundAddresses(ctx, cluster);
  const source = addresses[spread % addresses.length] as string;
  const encryption = conn.sslmode === "disable" ? "no encryption" : "SSL encryption";
  const noEntry = `${at}: FATAL:  no pg_hba.conf entry for host "${source}", user "${conn.user}", database "${conn.database}", ${encryption}`;
  if (!admitted(ctx, server, source, azure) || conn.sslmode === "disable") return noEntry;
  return credentialsProblem(ctx, server, conn, at);
}

/** The server's private address in its delegated subnet: the same for the same server. */
export function privateServerAddress(ctx: CloudContext, server: ArmResource) {
  const subnet = subnetAt(ctx, ((server.body.properties as Json).network as Json).delegatedSubnetResourceId);
  const prefix = parseCidr(subnet ? subnetPrefixOf(subnet) : "10.0.0.0/24")!;
  const [a, b] = createHash("sha256").update(`${server.id.toLowerCase()}#private`).digest();
  return ipText(prefix.start + 4 + (((a as number) * 256 + (b as number)) % Math.max(1, prefix.size - 5)));
}

/**
 * A server with private access: its name resolves (to its private address) only where its private
 * DNS zone is linked to the cluster's VNet; the address answers only from its own VNet or one
 * peered with it, Connected both ways; firewall rules play no part (there are none).
 */
function privateProblem(ctx: CloudContext, cluster: ClusterState, conn: PgConnection, server: ArmResource): string | undefined {
  const network = (server.body.properties as Json).network as Json;
  const resource = ctx.store.getResource(cluster.armId);
  const clusterVnet = resource ? parentVnetId(nodeSubnetIdOf(resource) ?? "") : "";
  const zone = privateZoneAt(ctx, network.privateDnsZoneArmResourceId);
  if (!zone || !zoneLinkedTo(ctx, zone, clusterVnet)) return `could not translate host name "${conn.host}" to address: Name or service not known`;
  const at = `connection to server at "${conn.host}" (${privateServerAddress(ctx, server)}), port ${conn.port} failed`;
  const serverVnet = parentVnetId(String(network.delegatedSubnetResourceId));
  if (conn.port !== 5432 || !connected(ctx, clusterVnet, serverVnet)) return `${at}: Connection timed out\n\tIs the server running on that host and accepting TCP/IP connections?`;
  if ((server.body.properties as Json).state !== "Ready") return `${at}: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`;
  if (conn.sslmode === "disable") {
    const { prefix } = nodePrefixOf(ctx, cluster);
    return `${at}: FATAL:  no pg_hba.conf entry for host "${ipText(prefix.start + 4)}", user "${conn.user}", database "${conn.database}", no encryption`;
  }
  return credentialsProblem(ctx, server, conn, at);
}

function credentialsProblem(ctx: CloudContext, server: ArmResource, conn: PgConnection, at: string): string | undefined {
  const props = server.body.properties as Json;
  const passwordOk = conn.user === props.administratorLogin && conn.password === server.secrets?.administratorLoginPassword;
  if (!passwordOk) return `${at}: FATAL:  password authentication failed for user "${conn.user}"`;
  const databases = ctx.store.listResources(`${server.id}/databases/`, DATABASE_TYPE).map((d) => String(d.body.name));
  if (!databases.includes(conn.database)) return `${at}: FATAL:  database "${conn.database}" does not exist`;
  return undefined;
}

/** How SQLAlchemy (under Airflow) ends a command that could not connect: the last lines of its log. */
export const operationalError = (libpq: string) =>
  `sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) ${libpq}\n\n(Background on this error at: https://sqlalche.me/e/14/e3q8)`;
