import http from "node:http";
import type { AddressInfo } from "node:net";
import { listenOnLoopback } from "../../http.js";
import type { Faults } from "../faults.js";
import type { KubeClusters } from "../kube/clusters.js";
import type { AirflowSite, Json, Store } from "../store.js";
import { matchLogRoute, unauthenticated, type LogRequest } from "./task-logs-api.js";
import { healthBody, loginPage, signInProblemPage, uiPage } from "./pages.js";
import { azureAddress, parseFabConfig, podEnvironment, randomToken, redeemCode, rolesFor } from "./sign-in.js";
import type { FabOAuthConfig, SignedInUser } from "./sign-in.js";

/** One browser's state at one site: a sign-in under way, the signed-in user, a message for the next page. */
interface SiteSession {
  pending?: { state: string; nonce: string; redirectUri: string; next: string };
  user?: SignedInUser;
  flash?: string;
}

/** Flask's session cookie. Browsers share cookies across ports, so one cookie holds every site's session. */
const SESSION_COOKIE = "session";

/**
 * One small plain-HTTP listener on 127.0.0.1 per Airflow release, standing in for the Airflow UI
 * behind the release's LoadBalancer Service. Its port is chosen once, persisted, and reused after a
 * restart, so the address the portal stored keeps working.
 */
export class AirflowSites {
  private readonly servers = new Map<string, http.Server>();
  /** Cookie value → site key → session. In memory: a restart signs everyone out, as a new secret key would. */
  private readonly sessions = new Map<string, Map<string, SiteSession>>();
  /** Reads a task instance's log for the log route (set by the cloud, which holds what reading needs). */
  taskLog?: (site: AirflowSite, request: LogRequest) => Promise<[number, Json]>;
  /** Called when a persisted port could not be reused and the site moved. */
  readonly onPortChanged: Array<(site: AirflowSite) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly faults: Faults,
    private readonly log: (message: string) => void,
    private readonly kube?: KubeClusters,
    /** The emulator's CA: the stand-in calls the emulator's Entra tenant over https. */
    private readonly caCert = "",
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
    const { signIn, ...rest } = site;
    const record: AirflowSite = { ...rest, ...(signIn ? { signIn } : {}), port: existing?.port ?? 0, ...(existing?.taskInstances ? { taskInstances: existing.taskInstances } : {}) };
    this.store.state.airflow[site.key] = record;
    this.store.changed();
    if (open) await this.open(record);
    return record.port;
  }

  async open(site: AirflowSite) {
    if (this.servers.has(site.key)) return;
    const server = http.createServer((req, res) => this.serve(site.key, req, res));
    const listen = (port: number) => listenOnLoopback(server, port);
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
    this.respond(key, req, res).catch((err: unknown) => {
      this.log(`Airflow stand-in ${key}: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal Server Error");
    });
  }

  private async respond(key: string, req: http.IncomingMessage, res: http.ServerResponse) {
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
    const logRequest = matchLogRoute(path, major);
    if (logRequest && this.taskLog) {
      // The API takes the same sign-in as the pages: FAB's session, when sign-in is on.
      if (site.signIn && !this.sessionOf(req, site.key).session.user) return json(401, unauthenticated(site, major));
      return json(...(await this.taskLog(site, logRequest)));
    }
    if (site.signIn) {
      if (await this.signIn(site, req, res, path, major)) return;
    }
    if (path === "/" || path === "/home") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(uiPage(site, !unhealthy, this.environmentOf(site)));
      return;
    }
    json(404, { detail: "Not Found" });
  }

  /**
   * FAB's OAuth sign-in (AUTH_OAUTH), as the generated webserver_config.py sets it up: the login
   * page, the redirect to the provider, the callback that redeems the code with the client secret
   * from the pod's environment, and roles from AUTH_ROLES_MAPPING. Airflow 3 serves FAB under
   * `/auth`. False for paths it leaves to the rest of the site.
   */
  private async signIn(site: AirflowSite, req: http.IncomingMessage, res: http.ServerResponse, path: string, major: number): Promise<boolean> {
    const prefix = major >= 3 ? "/auth" : "";
    const url = new URL(req.url ?? "/", "http://localhost");
    const environment = this.environmentOf(site);
    const { session, cookie } = this.sessionOf(req, site.key);
    const headers: Record<string, string> = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...(cookie ? { "set-cookie": cookie } : {}) };
    const redirect = (location: string) => {
      res.writeHead(302, { ...headers, location }).end();
      return true;
    };
    const html = (status: number, body: string) => {
      res.writeHead(status, headers).end(body);
      return true;
    };
    const parsed = parseFabConfig(site.signIn!.config);
    const env = this.kube ? podEnvironment(this.kube, site, site.signIn!) : "the cluster cannot be read";
    const loginPath = `${prefix}/login/`;

    if (path === "/" || path === "/home") {
      if (!session.user) return redirect(`${loginPath}?next=${encodeURIComponent(path)}`);
      return html(200, uiPage(site, true, environment, { ...session.user, logoutPath: `${prefix}/logout/` }));
    }
    if (path === `${prefix}/logout` || path === `${prefix}/logout/`) {
      delete session.user;
      return redirect(loginPath);
    }
    const isLogin = path === loginPath || path === `${prefix}/login`;
    const sub = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : "";
    const providerLogin = /^\/login\/([^/]+)\/?$/.exec(sub);
    const callback = /^\/oauth-authorized\/([^/]+)\/?$/.exec(sub);
    if (!isLogin && !providerLogin && !callback) return false;
    if (typeof parsed === "string") return html(500, signInProblemPage(environment, `webserver_config.py: ${parsed}`));
    if (typeof env === "string") return html(500, signInProblemPage(environment, env));
    const config: FabOAuthConfig = parsed;
    const credential = (c: FabOAuthConfig["clientId"]) => ("env" in c ? env[c.env] : c.value);
    const clientId = credential(config.clientId);
    const clientSecret = credential(config.clientSecret);
    const missing = [config.clientId, config.clientSecret].find((c) => "env" in c && env[c.env] === undefined) as { env: string } | undefined;
    if (missing || clientId === undefined || clientSecret === undefined) return html(500, signInProblemPage(environment, `KeyError: '${missing?.env ?? "client_id"}' (the environment variable is not set in the pod)`));
    const next = safeNext(url.searchParams.get("next"));

    if (isLogin) {
      if (session.user) return redirect(next);
      const flash = session.flash;
      delete session.flash;
      return html(200, loginPage(environment, [{ name: config.provider, href: `${prefix}/login/${config.provider}?next=${encodeURIComponent(next)}` }], flash));
    }
    if (providerLogin) {
      if (providerLogin[1] !== config.provider) {
        session.flash = "Provider not supported.";
        return redirect(loginPath);
      }
      const pending = { state: randomToken(), nonce: randomToken(), redirectUri: `${externalBase(req)}${prefix}/oauth-authorized/${config.provider}`, next };
      session.pending = pending;
      const authorize = new URL(config.authorizeUrl);
      for (const [k, v] of Object.entries({ response_type: "code", client_id: clientId, redirect_uri: pending.redirectUri, scope: config.scope, state: pending.state, nonce: pending.nonce })) authorize.searchParams.set(k, v);
      return redirect(authorize.href);
    }
    // The provider's callback.
    const pending = session.pending;
    delete session.pending;
    const denied = (why: string) => {
      session.flash = `The request to sign in was denied. ${why}`;
      return redirect(loginPath);
    };
    if (url.searchParams.get("error")) return denied(`${url.searchParams.get("error")}: ${url.searchParams.get("error_description") ?? ""}`.trim());
    const code = url.searchParams.get("code");
    if (!pending || !code || url.searchParams.get("state") !== pending.state) return denied("mismatching_state: CSRF Warning! State not equal in request and response.");
    const result = await redeemCode(config, { id: clientId, secret: clientSecret }, this.caCert, { code, redirectUri: pending.redirectUri, nonce: pending.nonce }).catch(
      (err: unknown) => ({ ok: false as const, error: String(err) }),
    );
    if (!result.ok) return denied(result.error);
    const claims = result.claims;
    // FAB logs why the user info failed and tells the person only "Invalid login".
    const address = azureAddress(config, claims, major);
    if (!address.ok) {
      this.log(`Airflow stand-in ${site.key}: Error returning OAuth user info: ${address.error}`);
      session.flash = "Invalid login. Please try again.";
      return redirect(loginPath);
    }
    session.user = {
      name: String(claims.name ?? claims.preferred_username ?? claims.oid ?? ""),
      // FAB's auth_user_oauth registers a user without an address as <username>@email.notfound.
      email: address.email || `${String(claims.oid)}@email.notfound`,
      roles: rolesFor(config, claims),
    };
    return redirect(pending.next);
  }

  private sessionOf(req: http.IncomingMessage, siteKey: string): { session: SiteSession; cookie?: string } {
    const existing = /(?:^|;\s*)session=([\w-]+)/.exec(req.headers.cookie ?? "")?.[1];
    let id = existing && this.sessions.has(existing) ? existing : undefined;
    let cookie: string | undefined;
    if (!id) {
      id = randomToken();
      this.sessions.set(id, new Map());
      cookie = `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;
    }
    const sites = this.sessions.get(id)!;
    let session = sites.get(siteKey);
    if (!session) sites.set(siteKey, (session = {}));
    return { session, cookie };
  }
}

/** Where FAB sends a person after sign-in: a path on this site, never another origin. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") ? next : "/";
}

/**
 * The site's external origin, as FAB builds its callback URL behind a proxy (Werkzeug's ProxyFix):
 * X-Forwarded-Proto and X-Forwarded-Host (and X-Forwarded-Port when the host has none) from the
 * ingress in front, else the request's Host over plain http.
 */
export function externalBase(req: http.IncomingMessage): string {
  const first = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h)?.split(",")[0]?.trim() ?? "";
  const forwardedHost = first(req.headers["x-forwarded-host"]);
  const proto = first(req.headers["x-forwarded-proto"]) || "http";
  let host = forwardedHost || req.headers.host || "127.0.0.1";
  const port = first(req.headers["x-forwarded-port"]);
  const defaultPort = proto === "https" ? "443" : "80";
  if (forwardedHost && port && port !== defaultPort && !/:\d+$/.test(host)) host = `${host}:${port}`;
  return `${proto}://${host}`;
}
