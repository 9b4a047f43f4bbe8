import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../../http.js";
import type { CloudContext } from "../context.js";
import type { Json } from "../store.js";
import { delay, isPlainObject } from "../util.js";
import { checkApiVersion } from "./api-versions.js";
import { ArmError, badRequest, sendArmError } from "./errors.js";
import { publicIpRoutes } from "./cluster-network.js";
import { dnsZoneRoutes } from "./dns-zones.js";
import { privateDnsRoutes } from "./private-dns.js";
import { virtualNetworkRoutes } from "./virtual-networks.js";
import { roleAssignmentRoutes } from "./role-assignments.js";
import { blobContainerRoutes } from "./blob-containers.js";
import { storageAccountRoutes } from "./storage-accounts.js";
import { deletedVaultRoutes } from "./deleted-vaults.js";
import { keyVaultRoutes } from "./key-vaults.js";
import { agentPoolRoutes } from "./agent-pools.js";
import { extensionRoutes } from "./extensions.js";
import { federatedCredentialRoutes } from "./federated-credentials.js";
import { userAssignedIdentityRoutes } from "./managed-identities.js";
import { managedClusterRoutes } from "./managed-clusters.js";
import { postgresBackupRoutes } from "./postgres-backups.js";
import { postgresChildRoutes } from "./postgres-children.js";
import { postgresServerRoutes } from "./postgres-servers.js";
import { resourceGroupRoutes } from "./resource-groups.js";
import { subresourceRoutes } from "./subresources.js";
import { reply, route, type ArmRequest, type ArmRoute } from "./resources.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

const operationRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}/providers/{}/locations/{}/operationStatuses/{}"),
    kind: "operationStatus",
    methods: {
      GET: (ctx, ar) => {
        const op = ctx.lro.get(ar.params[3] as string);
        if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${ar.params[3]}' was not found.`);
        reply(ar, 200, ctx.lro.statusBody(op));
      },
    },
  },
  {
    pattern: route("/subscriptions/{}/providers/{}/locations/{}/operationResults/{}"),
    kind: "operationStatus",
    methods: {
      GET: (ctx, ar) => {
        const op = ctx.lro.get(ar.params[3] as string);
        if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${ar.params[3]}' was not found.`);
        if (op.status === "InProgress") return reply(ar, 202, undefined, { location: `${ctx.baseUrl}${ar.url.pathname}${ar.url.search}` });
        if (op.status === "Succeeded") return reply(ar, 204);
        const error = ctx.lro.statusBody(op).error ?? { code: "Failed", message: "The operation failed." };
        throw new ArmError(400, error.code, error.message);
      },
    },
  },
];

const subscriptionRoutes: ArmRoute[] = [
  {
    pattern: route("/subscriptions/{}"),
    kind: "subscription",
    methods: {
      GET: (_ctx, ar) => {
        const sub = ar.params[0] as string;
        reply(ar, 200, { id: `/subscriptions/${sub}`, subscriptionId: sub, tenantId: TENANT_ID, displayName: "Emulated subscription", state: "Enabled" });
      },
    },
  },
  {
    pattern: route("/subscriptions/{}/providers/{}"),
    kind: "provider",
    methods: {
      GET: (_ctx, ar) => reply(ar, 200, { id: `/subscriptions/${ar.params[0]}/providers/${ar.params[1]}`, namespace: ar.params[1], registrationState: "Registered" }),
    },
  },
];

const routes = [...roleAssignmentRoutes, ...dnsZoneRoutes, ...resourceGroupRoutes, ...subresourceRoutes, ...agentPoolRoutes, ...managedClusterRoutes, ...postgresServerRoutes, ...postgresChildRoutes, ...postgresBackupRoutes, ...extensionRoutes, ...publicIpRoutes, ...virtualNetworkRoutes, ...privateDnsRoutes, ...userAssignedIdentityRoutes, ...federatedCredentialRoutes, ...storageAccountRoutes, ...blobContainerRoutes, ...keyVaultRoutes, ...deletedVaultRoutes, ...operationRoutes, ...subscriptionRoutes];

/** ARM accepts tokens for its own audience; the emulator also answers to its own URL as the audience. */
function armAudiences(baseUrl: string) {
  const port = new URL(baseUrl).port;
  return ["https://management.azure.com", "https://management.core.windows.net", baseUrl, `https://127.0.0.1:${port}`, `https://localhost:${port}`];
}

async function parseBody(req: IncomingMessage): Promise<Json> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badRequest("InvalidRequestContent", `The request content was invalid and could not be deserialized: '${(err as Error).message}'.`);
  }
  if (!isPlainObject(parsed)) throw badRequest("InvalidRequestContent", "The request content must be a JSON object.");
  return parsed;
}

/** Serves everything under /subscriptions: version, auth, faults, then the resource's own handler. */
export async function handleArm(ctx: CloudContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!/^\/subscriptions(\/|$)/i.test(url.pathname)) return false;
  res.setHeader("x-ms-request-id", randomUUID());
  const clientRequestId = req.headers["x-ms-client-request-id"];
  if (typeof clientRequestId === "string") res.setHeader("x-ms-client-request-id", clientRequestId);
  try {
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion) throw badRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) {
      throw badRequest("InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid. The supported format is 'yyyy-mm-dd' or 'yyyy-mm-dd-preview'.`);
    }
    const auth = await ctx.tokens.verify(req.headers.authorization, armAudiences(ctx.baseUrl));
    if (!auth.ok) {
      throw new ArmError(401, auth.code, auth.message, {
        "www-authenticate": `Bearer authorization_uri="${ctx.baseUrl}/${TENANT_ID}", error="invalid_token", error_description="${auth.message.replace(/"/g, "'")}"`,
      });
    }
    checkApiVersion(url.pathname, apiVersion);
    const sub = url.pathname.split("/")[2] ?? "";
    if (!UUID.test(sub)) throw badRequest("InvalidSubscriptionId", `The provided subscription identifier '${sub}' is malformed or invalid.`);

    const path = url.pathname.replace(/\/+$/, "");
    let match: RegExpExecArray | null = null;
    const found = routes.find((r) => (match = r.pattern.exec(path)) !== null);
    if (!found || !match) throw new ArmError(404, "NotFound", `No HTTP resource was found that matches the request URI '${url.href}'.`);
    const method = req.method ?? "GET";
    const handler = found.methods[method];
    if (!handler) throw new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`);
    const params = (match as RegExpExecArray).slice(1).map((p) => decodeURIComponent(p));

    const fault = ctx.faults.take("http", { kind: found.kind, name: params[params.length - 1], method });
    if (fault) {
      const status = fault.status ?? 500;
      const code = fault.code ?? (status === 429 ? "TooManyRequests" : status === 503 ? "ServiceUnavailable" : "InternalServerError");
      const message = fault.message ?? (status === 429 ? "The request is being throttled." : "The server encountered an internal error. Please retry the request.");
      throw new ArmError(status, code, message, status === 429 || status === 503 ? { "retry-after": String(fault.retryAfterSeconds ?? 1) } : {});
    }
    if ((method === "PUT" || method === "GET") && ctx.holds.find(method === "PUT" ? "put" : "get", { kind: found.kind, name: params[params.length - 1] })) {
      // Held (control API): the request is received whole first, so one whose client goes away
      // while it waits is still carried out on release, as ARM completes a request it accepted;
      // one whose body never arrived whole was never accepted, and is dropped.
      try {
        await readBody(req);
      } catch (err) {
        if (req.socket.destroyed) return true;
        throw badRequest("InvalidRequestContent", (err as Error).message);
      }
      if (!(await ctx.holds.wait(method === "PUT" ? "put" : "get", { kind: found.kind, name: params[params.length - 1] }))) {
        res.destroy();
        return true;
      }
    }
    await delay(ctx.latencies.arm);
    const ar: ArmRequest = { req, res, method, url, apiVersion, params, body: () => parseBody(req) };
    await handler(ctx, ar);
  } catch (err) {
    if (!(err instanceof ArmError)) throw err;
    if (req.method === "HEAD") {
      res.writeHead(err.status, err.headers);
      res.end();
    } else {
      sendArmError(res, err);
    }
  }
  return true;
}
