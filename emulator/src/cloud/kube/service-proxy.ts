import http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CloudContext } from "../context.js";
import type { ClusterState, Json } from "../store.js";
import { typeOf } from "./discovery.js";
import { KubeError, notFound } from "./status.js";

const SERVICE = typeOf("Service");
const POD = typeOf("Pod");

/** Headers a proxy does not pass on, and the caller's credentials, which the API server keeps to itself. */
const DROPPED = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "authorization", "host"]);

/** `[scheme:]name[:port]`, as the API server splits a service proxy's id (k8s.io/apimachinery's SplitSchemeNamePort). */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(":");
  if (parts.length === 1) return { scheme: "", name: parts[0]!, port: "" };
  if (parts.length === 2) return { scheme: "", name: parts[0]!, port: parts[1]! };
  if (parts.length === 3 && (parts[0] === "http" || parts[0] === "https" || parts[0] === "")) return { scheme: parts[0]!, name: parts[1]!, port: parts[2]! };
  return undefined;
}

const unavailable = (id: string) => new KubeError(503, "ServiceUnavailable", `no endpoints available for service "${id}"`);

/**
 * `services/<[scheme:]name[:port]>/proxy/<path>`: the API server's proxy to a Service's endpoints,
 * as `kubectl proxy` and the worker's health check use it. The Service's port is picked by name or
 * number (or its only port); its endpoints are the Ready pods its selector matches. Behind the
 * release's UI Service answers the stand-in Airflow; no other workload listens in the emulator, so
 * a Service with endpoints but no stand-in answers as a refused connection does.
 */
export async function proxyToService(ctx: CloudContext, cluster: ClusterState, req: IncomingMessage, res: ServerResponse, url: URL, namespace: string, id: string, rest: string[]) {
  const split = splitSchemeNamePort(id);
  if (!split || !split.name) throw new KubeError(400, "BadRequest", `invalid service request "${id}"`);
  if (split.scheme === "https") throw new KubeError(503, "ServiceUnavailable", `error trying to reach service: http: server gave HTTP response to HTTPS client`);
  const service = ctx.kube.read(cluster, SERVICE, namespace, split.name);
  if (!service) throw notFound(SERVICE, split.name);
  const spec = (service.spec ?? {}) as Json;
  const ports = (spec.ports ?? []) as Json[];
  const port = ports.find((p) => split.port === "" || split.port === String(p.name ?? "") || split.port === String(p.port));
  if (!port || (split.port === "" && ports.length > 1)) throw unavailable(id);
  const selector = spec.selector as Record<string, string> | undefined;
  const ready = selector
    ? ctx.kube.list(cluster, POD, namespace).filter((pod) => {
        const labels = ((pod.metadata as Json).labels ?? {}) as Record<string, string>;
        const conditions = ((pod.status as Json | undefined)?.conditions ?? []) as Json[];
        return Object.entries(selector).every(([k, v]) => labels[k] === v) && conditions.some((c) => c.type === "Ready" && c.status === "True");
      })
    : [];
  if (ready.length === 0) throw unavailable(id);
  const labels = ((service.metadata as Json).labels ?? {}) as Json;
  const site = labels.release ? ctx.airflow.get(`${cluster.key}/${namespace}/${String(labels.release)}`) : undefined;
  const isUi = labels.component === "api-server" || labels.component === "webserver";
  const podIp = String(((ready[0]!.status as Json).podIP as string | undefined) ?? "10.244.0.10");
  if (!site || !isUi) {
    throw new KubeError(503, "ServiceUnavailable", `error trying to reach service: dial tcp ${podIp}:${String(port.targetPort ?? port.port)}: connect: connection refused`);
  }

  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!DROPPED.has(name) && value !== undefined) headers[name] = value;
  headers.host = `${podIp}:${String(port.targetPort ?? port.port)}`;
  headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";
  const path = `/${rest.join("/")}${url.search}`;
  await new Promise<void>((resolve) => {
    const upstream = http.request({ host: "127.0.0.1", port: site.port, method: req.method, path, headers }, (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!DROPPED.has(name) && value !== undefined) out[name] = value;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on("end", resolve);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) {
        const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `error trying to reach service: ${err.message}`, reason: "ServiceUnavailable", code: 503 };
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify(status));
      } else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
