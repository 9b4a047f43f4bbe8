import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Faults } from "../faults.js";
import type { AirflowSite, Store } from "../store.js";
import { healthBody, uiPage } from "./pages.js";

/**
 * One small plain-HTTP listener on 127.0.0.1 per Airflow release, standing in for the Airflow UI
 * behind the release's LoadBalancer Service. Its port is chosen once, persisted, and reused after a
 * restart, so the address the portal stored keeps working.
 */
export class AirflowSites {
  private readonly servers = new Map<string, http.Server>();
  /** Called when a persisted port could not be reused and the site moved. */
  readonly onPortChanged: Array<(site: AirflowSite) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly faults: Faults,
    private readonly log: (message: string) => void,
  ) {}

  get(key: string): AirflowSite | undefined {
    return this.store.state.airflow[key];
  }

  list(): AirflowSite[] {
    return Object.values(this.store.state.airflow);
  }

  /** Records the site and opens its listener; resolves to its port. */
  async ensure(site: Omit<AirflowSite, "port">, open = true): Promise<number> {
    const existing = this.store.state.airflow[site.key];
    const record: AirflowSite = { ...site, port: existing?.port ?? 0 };
    this.store.state.airflow[site.key] = record;
    this.store.changed();
    if (open) await this.open(record);
    return record.port;
  }

  async open(site: AirflowSite) {
    if (this.servers.has(site.key)) return;
    const server = http.createServer((req, res) => this.serve(site.key, req, res));
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    try {
      await listen(site.port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || site.port === 0) throw err;
      this.log(`Airflow stand-in ${site.key}: port ${site.port} is taken, moving to a new one`);
      await listen(0);
    }
    const port = (server.address() as AddressInfo).port;
    this.servers.set(site.key, server);
    if (port !== site.port) {
      const moved = site.port !== 0;
      site.port = port;
      this.store.changed();
      if (moved) for (const hook of this.onPortChanged) hook(site);
    }
  }

  async closeSite(key: string) {
    const server = this.servers.get(key);
    this.servers.delete(key);
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Uninstall: the listener goes and so does the port reservation. */
  async remove(key: string) {
    await this.closeSite(key);
    delete this.store.state.airflow[key];
    this.store.changed();
  }

  async closeAll() {
    await Promise.all([...this.servers.keys()].map((k) => this.closeSite(k)));
  }

  /** The `environment` tag of the cluster's resource group, else the cluster's name. */
  private environmentOf(site: AirflowSite): string {
    const groupId = this.store.state.clusters[site.clusterKey]?.armId.split(/\/providers\//i)[0];
    const tags = (groupId ? this.store.getResource(groupId)?.body.tags : undefined) ?? {};
    const tag = Object.entries(tags).find(([k]) => k.toLowerCase() === "environment")?.[1];
    return typeof tag === "string" && tag.trim() ? tag : site.clusterName;
  }

  private serve(key: string, req: http.IncomingMessage, res: http.ServerResponse) {
    const site = this.store.state.airflow[key];
    if (!site) {
      res.writeHead(503).end();
      return;
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const fault = this.faults.peek("airflowUnhealthy", { kind: "airflow", name: site.helmRelease }) ?? this.faults.peek("airflowUnhealthy", { kind: "airflow", name: site.release });
    const unhealthy = fault ? (fault.component ?? "scheduler") : undefined;
    const major = Number(site.airflowVersion.split(".")[0]);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if ((major >= 3 && path === "/api/v2/monitor/health") || (major < 3 && (path === "/health" || path === "/api/v1/health"))) {
      return json(200, healthBody(site, unhealthy));
    }
    if ((major >= 3 && path === "/api/v2/version") || (major < 3 && path === "/api/v1/version")) {
      return json(200, { version: site.airflowVersion, git_version: null });
    }
    if (path === "/" || path === "/home") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(uiPage(site, !unhealthy, this.environmentOf(site)));
      return;
    }
    json(404, { detail: "Not Found" });
  }
}
