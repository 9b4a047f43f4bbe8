/**
 * Every vault's data plane: one HTTPS listener per vault on 127.0.0.1 (the emulator's certificate),
 * its port chosen when the vault is made and kept in the state — through a restart, a soft delete
 * and a recovery — so `vaultUri` (`https://127.0.0.1:<port>/`) stays put. The SDKs take a vault's
 * address from the scheme and host of object ids (`<vaultUri>secrets/<name>/<version>`), so a vault
 * needs a host:port of its own rather than a path. A soft-deleted vault's listener is closed (its
 * host name would not answer); a purge forgets its port and its data.
 */
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { listenOnLoopback, readBody } from "../../http.js";
import { vaultNamed } from "../arm/key-vaults.js";
import type { CloudContext } from "../context.js";
import type { Json } from "../store.js";
import { isPlainObject } from "../util.js";
import { authenticate, authorize, badParameter, KeyVaultError } from "./auth.js";
import { keyRoutes } from "./keys.js";
import type { VaultRequest } from "./objects.js";
import { secretRoutes } from "./secrets.js";
import { VaultDataStore } from "./vault-data.js";

const routes = [...secretRoutes, ...keyRoutes];

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const common = { "x-ms-keyvault-service-version": "1.9.0.0", "x-ms-keyvault-region": "emulator", ...headers };
  if (body === undefined) {
    res.writeHead(status, common);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...common });
  res.end(JSON.stringify(body));
}

export class KeyVaultService {
  private readonly servers = new Map<string, https.Server>();
  readonly data: VaultDataStore;

  constructor(
    private readonly ctx: CloudContext,
    dataDir: string,
    private readonly tls: { cert: string; key: string },
  ) {
    this.data = new VaultDataStore(dataDir);
  }

  private get ports() {
    return (this.ctx.store.state.vaultPorts ??= {});
  }

  /** The vault's `vaultUri`. */
  endpointOf(name: string) {
    const port = this.ports[name.toLowerCase()];
    return port ? `https://127.0.0.1:${port}/` : "";
  }

  /** Starts answering for the vault, on the port it had if it had one. */
  async open(name: string) {
    const key = name.toLowerCase();
    if (this.servers.has(key)) return;
    const server = https.createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      this.serve(key, req, res).catch((err: unknown) => {
        this.ctx.log(`keyvault ${key}: ${req.method} ${req.url}: ${String(err)}`);
        if (!res.headersSent) send(res, 500, { error: { code: "InternalServerError", message: "The service encountered an internal error." } });
        else res.destroy();
      });
    });
    const kept = this.ports[key];
    try {
      await listenOnLoopback(server, kept ?? 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || !kept) throw err;
      this.ctx.log(`keyvault ${key}: port ${kept} is taken, moving to a new one (the vault's URI changes)`);
      await listenOnLoopback(server, 0);
    }
    this.servers.set(key, server);
    this.ports[key] = (server.address() as AddressInfo).port;
    this.ctx.store.changed();
  }

  /** Stops answering for the vault; its port and data are kept (soft delete). */
  async close(name: string) {
    const key = name.toLowerCase();
    const server = this.servers.get(key);
    this.servers.delete(key);
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The vault is purged: nothing of it is left. */
  async purge(name: string) {
    await this.close(name);
    delete this.ports[name.toLowerCase()];
    this.ctx.store.changed();
    this.data.remove(name);
  }

  /** Listens for every vault the state has. */
  async start() {
    for (const vault of Object.values(this.ctx.store.state.resources).filter((r) => r.type === "Microsoft.KeyVault/vaults")) await this.open(String(vault.body.name));
  }

  async closeAll() {
    await Promise.all([...this.servers.keys()].map((k) => this.close(k)));
  }

  /** Reset: every vault, live or deleted, and its data go. */
  async reset() {
    await this.closeAll();
    this.data.reset();
  }

  private async serve(key: string, req: IncomingMessage, res: ServerResponse) {
    const vault = vaultNamed(this.ctx, key);
    if (!vault) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    try {
      const claims = await authenticate(this.ctx, vault, req);
      if (!url.searchParams.get("api-version")) throw badParameter("The 'api-version' query parameter is missing.");
      const method = req.method ?? "GET";
      const path = url.pathname.replace(/\/{2,}/g, "/");
      let params: string[] = [];
      const route = routes.find((r) => {
        const m = r.method === method ? r.pattern.exec(path) : null;
        if (m) params = m.slice(1).map((p) => (p === undefined ? "" : decodeURIComponent(p)));
        return m !== null;
      });
      if (!route) throw new KeyVaultError(404, "NotFound", `The request URI ${method} ${url.pathname} is not served by this vault.`);
      authorize(this.ctx, vault, claims, route.permission, `/${route.collection}/${params[0] ?? ""}`);
      const name = String(vault.body.name);
      const vr: VaultRequest = {
        ctx: this.ctx,
        vault,
        uri: this.endpointOf(name),
        params,
        query: url.searchParams,
        body: async () => {
          const text = await readBody(req);
          if (!text.trim()) return {};
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            throw badParameter("The request body is not valid JSON.");
          }
          if (!isPlainObject(parsed)) throw badParameter("The request body must be a JSON object.");
          return parsed as Json;
        },
        data: this.data.get(name),
        save: () => this.data.save(name),
        now: () => Math.floor(this.ctx.clock.now() / 1000),
      };
      const [status, body] = await route.handle(vr);
      send(res, status, body);
    } catch (err) {
      if (!(err instanceof KeyVaultError)) throw err;
      send(res, err.status, { error: { code: err.code, message: err.message, ...(err.inner ? { innererror: { code: err.inner } } : {}) } }, err.headers);
    }
  }
}
