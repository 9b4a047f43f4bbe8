import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { CloudContext } from "./context.js";
import { typeOf } from "./kube/discovery.js";
import type { Json } from "./store.js";
import { connected, nodeSubnetIdOf, parentVnetId } from "./arm/virtual-network-views.js";

const SERVICE = typeOf("Service");
const UI_COMPONENTS = ["api-server", "webserver"];
const LOOPBACK = new Set(["127.0.0.1", "localhost"]);
/** How long a dropped packet keeps the client waiting before its socket goes (a connect timeout, shortened). */
const DROP_MS = 1_000;

/**
 * "A machine in that VNet": one plain-HTTP forward proxy on 127.0.0.1 per virtual network. Through
 * it, `http://<private address>:<port>/…` (absolute-form request target) reaches what an internal
 * load balancer of a cluster serves — a release's stand-in Airflow behind its UI Service — only when
 * the cluster's node VNet is this VNet or peered with it, Connected on both sides; otherwise the
 * packet is dropped: after a second the client's socket is destroyed without an answer.
 * Loopback addresses (public load balancers) are reached from anywhere.
 */
export class Vantages {
  private readonly proxies = new Map<string, { server: http.Server; port: number }>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly ctx: CloudContext) {}

  /** The proxy's port for a VNet: the same one for every call while the emulator runs. */
  async open(vnetId: string): Promise<number> {
    const key = vnetId.toLowerCase();
    const found = this.proxies.get(key);
    if (found) return found.port;
    const server = http.createServer((req, res) => this.forward(vnetId, req, res));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const port = (server.address() as AddressInfo).port;
    this.proxies.set(key, { server, port });
    return port;
  }

  async close() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([...this.proxies.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.proxies.clear();
  }

  private drop(req: http.IncomingMessage) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      req.socket.destroy();
    }, DROP_MS);
    this.timers.add(timer);
  }

  /** Where `host:port` leads from `vnetId`: a loopback port, or undefined (dropped), or null (refused). */
  private resolve(vnetId: string, host: string, port: number): number | undefined | null {
    if (LOOPBACK.has(host)) return port;
    for (const cluster of Object.values(this.ctx.store.state.clusters)) {
      for (const svc of this.ctx.kube.list(cluster, SERVICE)) {
        const spec = (svc.spec ?? {}) as Json;
        const ingress = ((((svc.status ?? {}) as Json).loadBalancer as Json | undefined)?.ingress ?? []) as Json[];
        if (spec.type !== "LoadBalancer" || ingress[0]?.ip !== host) continue;
        if (!((spec.ports ?? []) as Json[]).some((p) => p.port === port)) continue;
        const resource = this.ctx.store.getResource(cluster.armId);
        const subnetId = resource ? nodeSubnetIdOf(resource) : undefined;
        if (!subnetId || cluster.stopped || !connected(this.ctx, vnetId, parentVnetId(subnetId))) return undefined;
        const metadata = svc.metadata as Json;
        const labels = (metadata.labels ?? {}) as Json;
        const site = labels.release ? this.ctx.airflow.get(`${cluster.key}/${String(metadata.namespace)}/${String(labels.release)}`) : undefined;
        return site && UI_COMPONENTS.includes(String(labels.component)) ? site.port : null;
      }
    }
    return undefined;
  }

  private forward(vnetId: string, req: http.IncomingMessage, res: http.ServerResponse) {
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("a forward proxy: send the absolute URL (http://<address>:<port>/…) as the request target\n");
      return;
    }
    if (target.protocol !== "http:") {
      res.writeHead(400, { "content-type": "text/plain" }).end("only plain http is forwarded\n");
      return;
    }
    const port = this.resolve(vnetId, target.hostname, Number(target.port || 80));
    if (port === undefined) return this.drop(req);
    if (port === null) {
      req.socket.destroy();
      return;
    }
    const headers = { ...req.headers };
    delete headers["proxy-connection"];
    delete headers["proxy-authorization"];
    const upstream = http.request({ host: "127.0.0.1", port, method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => req.socket.destroy());
    req.pipe(upstream);
  }
}
