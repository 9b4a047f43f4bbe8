import type { LatencyKind } from "../config.js";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json, OperationRecord } from "../store.js";
import { badRequest, invalidName, notFound } from "./errors.js";
import { recordDatabase } from "./postgres-history.js";
import { isPrivateServer } from "./postgres-network.js";
import { DATABASE_TYPE, refuseWhileServerStopped, requireServer, SERVER_TYPE } from "./postgres-servers.js";
import { beginDelete, beginWrite, completeDelete, listBody, refuseWhileBusy, reply, route, systemData, type ArmRequest, type ArmRoute } from "./resources.js";

export const FIREWALL_RULE_TYPE = `${SERVER_TYPE}/firewallRules`;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

interface ChildSpec {
  type: string;
  segment: string;
  /** Azure's operation names, as a stopped server's refusal names them; `read` only where a stopped server refuses reads. */
  operations: { write: string; delete: string; read?: string };
  kind: LatencyKind;
  nameRule: RegExp;
  nameHelp: string;
  /** Checks the request's properties and returns what the resource stores. */
  properties: (input: Json, existing?: ArmResource) => Json;
}

const database: ChildSpec = {
  type: DATABASE_TYPE,
  segment: "databases",
  // A stopped server does not answer for its databases either: reading them is refused too.
  operations: { write: "CreateOrUpdateDatabase", delete: "DeleteDatabase", read: "GetDatabases" },
  kind: "postgresDatabase",
  nameRule: /^[a-zA-Z_][a-zA-Z0-9_-]{0,62}$/,
  nameHelp: "Database names must be 1 to 63 characters: letters, numbers, underscores and hyphens, starting with a letter or underscore.",
  properties: (input, existing) => {
    const previous = (existing?.body.properties ?? {}) as Json;
    if (existing && ((input.charset && input.charset !== previous.charset) || (input.collation && input.collation !== previous.collation))) {
      throw badRequest("InvalidParameterValue", "The charset and collation of an existing database cannot be changed.");
    }
    return { charset: input.charset ?? previous.charset ?? "UTF8", collation: input.collation ?? previous.collation ?? "en_US.utf8" };
  },
};

const firewallRule: ChildSpec = {
  type: FIREWALL_RULE_TYPE,
  segment: "firewallRules",
  operations: { write: "CreateOrUpdateFirewallRule", delete: "DeleteFirewallRule" },
  kind: "firewallRule",
  nameRule: /^[a-zA-Z0-9_-]{1,128}$/,
  nameHelp: "Firewall rule names must be 1 to 128 characters: letters, numbers, underscores and hyphens.",
  properties: (input) => {
    const { startIpAddress: start, endIpAddress: end } = input;
    if (typeof start !== "string" || !IPV4.test(start)) throw badRequest("InvalidParameterValue", `Invalid startIpAddress '${String(start)}': an IPv4 address is required.`);
    if (typeof end !== "string" || !IPV4.test(end)) throw badRequest("InvalidParameterValue", `Invalid endIpAddress '${String(end)}': an IPv4 address is required.`);
    if (ipNumber(start) > ipNumber(end)) throw badRequest("InvalidParameterValue", "The startIpAddress must not be greater than the endIpAddress.");
    return { startIpAddress: start, endIpAddress: end };
  },
};

function settle(ctx: CloudContext, op: OperationRecord) {
  // A database's life is kept with its server, for point-in-time restores.
  if (op.resourceType === DATABASE_TYPE && op.status === "Succeeded" && (op.action === "create" || op.action === "delete")) {
    recordDatabase(ctx, op.resourceId, op.action === "create" ? "created" : "deleted", ctx.store.getResource(op.resourceId)?.body);
  }
  if (completeDelete(ctx, op)) return;
  // A failed create leaves nothing behind; a failed update leaves the previous properties.
  if (op.status !== "Succeeded" && op.action === "create") ctx.store.deleteResource(op.resourceId);
}

export function registerPostgresChildren(ctx: CloudContext) {
  ctx.lro.register(DATABASE_TYPE, (op) => settle(ctx, op));
  ctx.lro.register(FIREWALL_RULE_TYPE, (op) => settle(ctx, op));
}

function childRoutes(spec: ChildSpec): ArmRoute[] {
  const base = `/subscriptions/{}/resourcegroups/{}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{}/${spec.segment}`;
  const find = (ctx: CloudContext, ar: ArmRequest) => {
    const server = requireServer(ctx, ar);
    const name = ar.params[3] as string;
    return { server, name, id: `${server.id}/${spec.segment}/${name}`, resource: ctx.store.getResource(`${server.id}/${spec.segment}/${name}`) };
  };
  return [
    {
      pattern: route(base),
      kind: spec.kind,
      methods: {
        GET: (ctx, ar) => {
          const server = requireServer(ctx, ar);
          if (spec.operations.read) refuseWhileServerStopped(server, spec.operations.read);
          reply(ar, 200, listBody(ctx, ar, ctx.store.listResources(`${server.id}/${spec.segment}/`, spec.type)));
        },
      },
    },
    {
      pattern: route(`${base}/{}`),
      kind: spec.kind,
      methods: {
        PUT: async (ctx, ar) => {
          const { server, name, id, resource: existing } = find(ctx, ar);
          if (!spec.nameRule.test(name)) throw invalidName(spec.type, name, spec.nameHelp);
          refuseWhileServerStopped(server, spec.operations.write);
          if (existing) refuseWhileBusy(ctx, existing, spec.segment);
          if (spec.type === FIREWALL_RULE_TYPE && isPrivateServer(server)) {
            throw badRequest(
              "FirewallRuleNotAllowedForPrivateAccessServer",
              `Firewall rules cannot be created on server '${server.body.name as string}': it has private access (VNet integration), where the virtual network, not firewall rules, decides who connects.`,
            );
          }
          const body = await ar.body();
          const properties = spec.properties((body.properties ?? {}) as Json, existing);
          const resource: ArmResource = { id, type: spec.type, body: { id, name, type: spec.type, systemData: systemData(existing), properties } };
          beginWrite(ctx, ar, resource, !existing, spec.kind, 202);
        },
        GET: (ctx, ar) => {
          const { server, name, resource } = find(ctx, ar);
          if (spec.operations.read) refuseWhileServerStopped(server, spec.operations.read);
          if (!resource) throw notFound(`${SERVER_TYPE}/${server.body.name as string}/${spec.segment}`, name, ar.params[1] as string);
          reply(ar, 200, resource.body);
        },
        DELETE: (ctx, ar) => {
          const { server, resource } = find(ctx, ar);
          if (resource) refuseWhileServerStopped(server, spec.operations.delete);
          beginDelete(ctx, ar, resource);
        },
      },
    },
  ];
}

export const postgresChildRoutes: ArmRoute[] = [...childRoutes(database), ...childRoutes(firewallRule)];
