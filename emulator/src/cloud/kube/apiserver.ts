import type { IncomingMessage, ServerResponse } from "node:http";
import { load } from "js-yaml";
import { sendJson } from "../../http.js";
import type { CloudContext } from "../context.js";
import type { ClusterState, Json } from "../store.js";
import { delay } from "../util.js";
import { authenticate, authorize, type Principal } from "./access.js";
import { openApiJson, openApiProtobuf } from "./openapi.js";
import { decodeProtobuf, isProtobuf } from "./protobuf.js";
import { apiGroupDoc, apiGroupList, apiVersions, groupVersion, resourceList, versionInfo, type KubeType } from "./discovery.js";
import { fieldMatcher, labelMatcher } from "./selectors.js";
import { badRequest, invalid, KubeError, noResource, notFound, sendStatus } from "./status.js";
import { proxyToService } from "./service-proxy.js";
import { toTable } from "./table.js";
import { Verbs } from "./verbs.js";

interface Target {
  t: KubeType;
  namespace?: string;
  name?: string;
  subresource?: string;
  legacyWatch?: boolean;
}

/** Splits /api/v1/... or /apis/<group>/<version>/... into kind, namespace, name and subresource. */
function parseResourcePath(types: KubeType[], segments: string[]): Target | { group: string; version: string } | undefined {
  let group: string;
  let version: string;
  let tail: string[];
  if (segments[0] === "api" && segments[1] === "v1") [group, version, tail] = ["", "v1", segments.slice(2)];
  else if (segments[0] === "apis" && segments.length >= 3) [group, version, tail] = [segments[1] as string, segments[2] as string, segments.slice(3)];
  else return undefined;
  if (tail.length === 0) return { group, version };
  // The legacy watch paths (/api/v1/watch/namespaces/…) are the same resources, watched.
  const legacyWatch = tail[0] === "watch";
  if (legacyWatch) tail = tail.slice(1);
  const find = (plural: string) => types.find((t) => t.group === group && t.version === version && t.plural === plural);
  if (tail[0] === "namespaces" && tail.length >= 3 && tail[2] !== "status" && tail[2] !== "finalize") {
    const t = find(tail[2] as string);
    if (!t || !t.namespaced) throw noResource();
    return { t, namespace: tail[1], name: tail[3], subresource: tail[4], legacyWatch };
  }
  const t = find(tail[0] as string);
  if (!t) throw noResource();
  if (t.namespaced && tail[1]) throw noResource();
  return { t, name: tail[1], subresource: tail[2], legacyWatch };
}

async function readRaw(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new KubeError(413, "RequestEntityTooLarge", "the request body is too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function parseBody(req: IncomingMessage, contentType: string): Promise<unknown> {
  const raw = await readRaw(req);
  if (isProtobuf(contentType)) return decodeProtobuf(raw);
  const text = raw.toString("utf8");
  if (!text.trim()) return {};
  try {
    return contentType.includes("yaml") ? load(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded: ${(err as Error).message}`);
  }
}

/** A throttled or unavailable API server says when to come back, in the header and in the Status, as kube-apiserver does. */
function injectedError(status: number, retryAfterSeconds = 1, message?: string) {
  if (status !== 429 && status !== 503) return new KubeError(status, "InternalError", message ?? "an error on the server has prevented the request from succeeding");
  const seconds = Math.max(0, Math.round(retryAfterSeconds));
  const [reason, text] = status === 429 ? ["TooManyRequests", "too many requests, please try again later"] : ["ServiceUnavailable", "the server is currently unable to handle the request"];
  return new KubeError(status, reason, message ?? text, { retryAfterSeconds: seconds }, { "retry-after": String(seconds) });
}

const isWatch = (url: URL, target: Target) => Boolean(target.legacyWatch) || url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";

const managerOf = (url: URL, req: IncomingMessage) => url.searchParams.get("fieldManager") ?? (req.headers["user-agent"] ?? "unknown").split("/")[0] ?? "unknown";

/** One Kubernetes API server per emulated cluster, at /k8s/<clusterKey>/ on the emulator's port. */
export class ApiServer {
  private readonly verbs: Verbs;

  constructor(private readonly ctx: CloudContext) {
    this.verbs = new Verbs(ctx.kube);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/k8s\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return false;
    try {
      const cluster = this.ctx.kube.get(m[1] as string);
      if (!cluster || !cluster.provisioned) throw new KubeError(404, "NotFound", `no cluster is served at ${url.pathname}`);
      if (cluster.stopped) {
        // A stopped AKS cluster has no control plane: nothing answers at its address. The
        // connection is dropped without a response, as clients see an unreachable server.
        req.socket.destroy();
        return true;
      }
      const principal = await authenticate(this.ctx, cluster, req);
      const fault = this.ctx.faults.take("http", { kind: "kube", method: req.method });
      if (fault) throw injectedError(fault.status ?? 500, fault.retryAfterSeconds, fault.message);
      await delay(this.ctx.latencies.kube);
      await this.route(cluster, principal, req, res, url, (m[2] ?? "/").split("/").filter(Boolean));
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      sendStatus(res, err);
    }
    return true;
  }

  private async route(cluster: ClusterState, principal: Principal, req: IncomingMessage, res: ServerResponse, url: URL, segments: string[]) {
    const types = this.ctx.kube.types(cluster);
    const path = `/${segments.join("/")}`;
    // Discovery and /version need no role binding (system:discovery): only resource requests are authorized below.
    if (req.method === "GET") {
      if (path === "/version") return sendJson(res, 200, versionInfo());
      if (path === "/api") return sendJson(res, 200, apiVersions());
      if (path === "/apis") return sendJson(res, 200, apiGroupList(types));
      if (path === "/openapi/v2") {
        if ((req.headers.accept ?? "").includes("protobuf")) {
          res.writeHead(200, { "content-type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf" });
          return res.end(openApiProtobuf(types));
        }
        return sendJson(res, 200, openApiJson(types));
      }
      if (segments[0] === "apis" && segments.length === 2) {
        const doc = apiGroupDoc(types, segments[1] as string);
        if (!doc) throw noResource();
        return sendJson(res, 200, doc);
      }
    }
    // services/<id>/proxy/<path>: the one subresource whose tail is a path of its own.
    if (segments[0] === "api" && segments[1] === "v1" && segments[2] === "namespaces" && segments[4] === "services" && segments[6] === "proxy") {
      const t = types.find((x) => x.group === "" && x.plural === "services")!;
      const id = decodeURIComponent(segments[5] as string);
      authorize(principal, req.method ?? "GET", t, { namespace: segments[3], name: id, subresource: "proxy" }, false);
      return proxyToService(this.ctx, cluster, req, res, url, segments[3] as string, id, segments.slice(7));
    }
    const target = parseResourcePath(types, segments);
    if (!target) throw noResource();
    if (!("t" in target)) {
      const list = req.method === "GET" ? resourceList(types, target.group, target.version) : undefined;
      if (!list) throw noResource();
      return sendJson(res, 200, list);
    }
    const watch = isWatch(url, target);
    authorize(principal, req.method ?? "GET", target.t, target, watch);
    await this.resource(cluster, req, res, url, target);
  }

  private async resource(cluster: ClusterState, req: IncomingMessage, res: ServerResponse, url: URL, target: Target) {
    const { t, namespace, name, subresource } = target;
    if (subresource && subresource !== "status") throw noResource();
    const method = req.method ?? "GET";
    const table = (req.headers.accept ?? "").includes("as=Table");
    if (method === "GET" && isWatch(url, target)) return this.watch(cluster, res, url, target, table);
    const options = { manager: managerOf(url, req), dryRun: url.searchParams.get("dryRun") === "All" };
    const contentType = (req.headers["content-type"] ?? "application/json").split(";")[0]?.trim() ?? "application/json";

    if (!name) {
      if (method === "GET") {
        const byLabel = labelMatcher(url.searchParams.get("labelSelector"));
        const byField = fieldMatcher(url.searchParams.get("fieldSelector"));
        const items = this.ctx.kube.list(cluster, t, t.namespaced ? namespace : undefined).filter((o) => byLabel(o) && byField(o));
        const rv = String(cluster.resourceVersion);
        if (table) return sendJson(res, 200, toTable(t, items, rv));
        return sendJson(res, 200, { kind: `${t.kind}List`, apiVersion: groupVersion(t), metadata: { resourceVersion: rv }, items });
      }
      if (method === "POST") {
        if (!t.namespaced || namespace !== undefined || t.kind === "Namespace") {
          const body = (await parseBody(req, contentType)) as Json;
          return sendJson(res, 201, this.verbs.create(cluster, t, namespace, body, options));
        }
      }
      throw new KubeError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
    }

    switch (method) {
      case "GET": {
        const obj = this.ctx.kube.read(cluster, t, namespace, name);
        if (!obj) throw notFound(t, name);
        return sendJson(res, 200, table ? toTable(t, [obj], String((obj.metadata as Json).resourceVersion)) : obj);
      }
      case "PUT": {
        const existing = this.ctx.kube.read(cluster, t, namespace, name);
        if (!existing) throw notFound(t, name);
        const body = (await parseBody(req, contentType)) as Json;
        // Custom resources allow no unconditional update: a replace must say which version it replaces.
        if (t.custom && !(body.metadata as Json | undefined)?.resourceVersion) {
          throw invalid(t, name, [{ field: "metadata.resourceVersion", message: "Invalid value: 0x0: must be specified for an update" }]);
        }
        return sendJson(res, 200, this.verbs.update(cluster, t, existing, body, { ...options, statusOnly: subresource === "status" }));
      }
      case "PATCH": {
        const patch = await parseBody(req, contentType);
        const force = url.searchParams.get("force") === "true";
        const { obj, created } = this.verbs.patch(cluster, t, namespace, name, contentType, patch, { ...options, force, statusOnly: subresource === "status" });
        return sendJson(res, created ? 201 : 200, obj);
      }
      case "DELETE":
        return sendJson(res, 200, this.verbs.delete(cluster, t, namespace, name, options.dryRun));
      default:
        throw new KubeError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
    }
  }

  /** A watch of a collection, or of one object (its name on the path, as older clients send it). */
  private watch(cluster: ClusterState, res: ServerResponse, url: URL, target: Target, table: boolean) {
    const { t, namespace, name } = target;
    const p = url.searchParams;
    const byLabel = labelMatcher(p.get("labelSelector"));
    const byField = fieldMatcher(p.get("fieldSelector"));
    const rv = p.get("resourceVersion") ?? "";
    if (rv !== "" && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
    const initial = p.get("sendInitialEvents") === "true";
    if (initial && (p.get("allowWatchBookmarks") !== "true" || p.get("resourceVersionMatch") !== "NotOlderThan")) {
      throw new KubeError(422, "Invalid", "sendInitialEvents requires setting allowWatchBookmarks=true and resourceVersionMatch=NotOlderThan");
    }
    const timeoutSeconds = Number(p.get("timeoutSeconds") ?? "");
    // Without a timeout the API server picks one between its minimum request timeout (30 min) and twice that.
    const timeoutMs = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : (1800 + Math.floor(Math.random() * 1800)) * 1000;
    const matches = (o: Json) => byLabel(o) && byField(o) && (!name || (o.metadata as Json).name === name);
    this.ctx.kube.watches.serve(
      {
        cluster,
        t,
        namespace: t.namespaced ? namespace : undefined,
        matches,
        fromRv: rv === "" || rv === "0" || initial ? undefined : Number(rv),
        bookmarks: p.get("allowWatchBookmarks") === "true",
        initialEventsEnd: initial,
        timeoutMs,
        table,
        current: () => this.ctx.kube.list(cluster, t, t.namespaced ? namespace : undefined).filter(matches),
      },
      res,
    );
  }
}
