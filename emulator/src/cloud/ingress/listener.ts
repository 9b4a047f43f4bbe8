import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { KEY_VAULT_CERTIFICATE_USER, KEY_VAULT_SECRETS_USER, BUILT_IN_ROLES, allAssignments, roleGuidOf } from "../arm/role-assignments.js";
import { listenOnLoopback } from "../../http.js";
import { hasKeyVaultSecretsProvider } from "../arm/addons.js";
import { appRoutingOf } from "../arm/app-routing.js";
import type { CloudContext } from "../context.js";
import { typeOf } from "../kube/discovery.js";
import type { ClusterState, Json } from "../store.js";
import { IngressCertificates, type IngressCertificate } from "./certificates.js";
import { addressOf, hostsOf, INGRESS, isAppRouted, type AppRoutingController } from "./controller.js";

/** The add-on's annotation naming the Key Vault certificate an Ingress serves. */
export const KEY_VAULT_CERT_ANNOTATION = "kubernetes.azure.com/tls-cert-keyvault-uri";
const SERVICE = typeOf("Service");
const VAULT_READERS = [KEY_VAULT_CERTIFICATE_USER, KEY_VAULT_SECRETS_USER, BUILT_IN_ROLES["Key Vault Administrator"] as string, BUILT_IN_ROLES["Key Vault Secrets Officer"] as string, BUILT_IN_ROLES["Key Vault Certificates Officer"] as string];
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

const nginxPage = (status: number, title: string) => `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

interface Routed {
  cluster: ClusterState;
  ingress: Json;
}

/**
 * The application routing add-on's NGINX, seen from outside: one HTTPS port on 127.0.0.1 for every
 * cluster's Ingresses. The TLS server name and the Host pick the Ingress; its backend Service leads
 * to the release's stand-in Airflow, proxied over HTTP with NGINX's X-Forwarded-* headers.
 */
export class IngressListener {
  private server: https.Server | undefined;
  private readonly certificates: IngressCertificates;
  private readonly contexts = new Map<string, tls.SecureContext>();
  port = 0;

  constructor(
    private readonly ctx: CloudContext,
    private readonly controller: AppRoutingController,
    caCert: string,
    caKey: string,
  ) {
    this.certificates = new IngressCertificates(ctx.store, caCert, caKey);
  }

  async start(requested = Number(process.env.EMULATOR_INGRESS_PORT) || undefined) {
    const fake = this.certificates.fake();
    const server = https.createServer({ cert: fake.cert, key: fake.key, SNICallback: (name, cb) => cb(null, this.contextFor(name)) }, (req, res) => this.serve(req, res));
    const listen = (port: number) => listenOnLoopback(server, port);
    const persisted = this.ctx.store.state.ingressPort;
    try {
      await listen(requested ?? persisted ?? 0);
    } catch (err) {
      // A port given explicitly must be had; a remembered one may have been taken meanwhile.
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || requested !== undefined || !persisted) throw err;
      this.ctx.log(`ingress: port ${persisted} is taken, moving to a new one`);
      await listen(0);
    }
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.remember();
  }

  /** Keeps the port in the state (also after a reset emptied it). */
  remember() {
    if (this.port && this.ctx.store.state.ingressPort !== this.port) {
      this.ctx.store.state.ingressPort = this.port;
      this.ctx.store.changed();
    }
  }

  async close() {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The Ingress serving `host`: of the add-on's class, with an address, in a cluster where the add-on runs. */
  route(host: string): Routed | undefined {
    const wanted = host.toLowerCase().replace(/\.$/, "");
    const candidates: Routed[] = [];
    for (const cluster of this.ctx.kube.all()) {
      if (!this.controller.running(cluster)) continue;
      for (const ingress of this.ctx.kube.list(cluster, INGRESS)) {
        if (!isAppRouted(ingress) || !addressOf(ingress) || (ingress.metadata as Json).deletionTimestamp) continue;
        if (hostsOf(ingress).some((h) => h.toLowerCase() === wanted || (h.startsWith("*.") && wanted.endsWith(h.slice(1)) && !wanted.slice(0, -(h.length - 1)).includes(".")))) candidates.push({ cluster, ingress });
      }
    }
    // NGINX merges Ingresses by host; the oldest one wins a conflict.
    return candidates.sort((a, b) => String((a.ingress.metadata as Json).creationTimestamp).localeCompare(String((b.ingress.metadata as Json).creationTimestamp)))[0];
  }

  /**
   * The certificate for `host`: the Key Vault one when the Ingress names it and lists the host under
   * `tls`, the cluster runs the Key Vault secrets provider (NGINX reads the certificate through its
   * CSI driver) and the add-on's identity may read the vault; otherwise NGINX's default one.
   */
  certificateFor(host: string): IngressCertificate {
    const routed = this.route(host);
    const uri = routed ? ((routed.ingress.metadata as Json).annotations as Json | undefined)?.[KEY_VAULT_CERT_ANNOTATION] : undefined;
    if (!routed || typeof uri !== "string") return this.certificates.fake();
    const parsed = /^https:\/\/([a-z0-9-]+)\.vault\.azure\.net\/certificates\/[^/]+(\/[^/]+)?\/?$/i.exec(uri);
    const tlsHosts = (((routed.ingress.spec as Json).tls as Json[] | undefined) ?? []).flatMap((t) => (t.hosts as string[] | undefined) ?? []);
    if (!parsed || !tlsHosts.some((h) => h.toLowerCase() === host.toLowerCase())) return this.certificates.fake();
    const arm = this.controller.armCluster(routed.cluster);
    if (!hasKeyVaultSecretsProvider(arm)) return this.certificates.fake();
    const identity = appRoutingOf(arm).identity;
    if (!identity || !this.mayReadVault(identity.objectId, parsed[1] as string)) return this.certificates.fake();
    const zone = host.toLowerCase().split(".").slice(1).join(".");
    return this.certificates.keyVault(uri, zone);
  }

  /**
   * Whether the principal holds a Key Vault data role on the vault: on the vault itself, or on its
   * subscription or a resource group (the emulator does not know in which group the vault lives).
   */
  private mayReadVault(principalId: string, vault: string) {
    return allAssignments(this.ctx).some((r) => {
      const p = r.body.properties as Json;
      if (String(p.principalId).toLowerCase() !== principalId.toLowerCase() || !VAULT_READERS.includes(roleGuidOf(p.roleDefinitionId))) return false;
      const scope = String(p.scope).toLowerCase();
      return scope.endsWith(`/providers/microsoft.keyvault/vaults/${vault.toLowerCase()}`) || /^\/subscriptions\/[^/]+(\/resourcegroups\/[^/]+)?$/.test(scope);
    });
  }

  /** The certificate a Key Vault URI was issued as, if it was (for tests and the state dump). */
  issued(uri: string) {
    return this.certificates.peek(uri);
  }

  private contextFor(host: string): tls.SecureContext {
    const cert = this.certificateFor(host);
    const key = `${cert.notAfter}#${cert.dnsNames.join(",")}`;
    let context = this.contexts.get(key);
    if (!context) {
      context = tls.createSecureContext({ cert: cert.cert, key: cert.key });
      this.contexts.set(key, context);
    }
    return context;
  }

  /** The stand-in Airflow behind an Ingress path: its backend Service, then the release that Service belongs to. */
  private backendPort(routed: Routed, host: string, path: string): number | undefined {
    const spec = routed.ingress.spec as Json;
    const rules = ((spec.rules as Json[] | undefined) ?? []).filter((r) => typeof r.host !== "string" || r.host.toLowerCase() === host || (r.host.startsWith("*.") && host.endsWith(r.host.slice(1))));
    const paths = rules.flatMap((r) => ((r.http as Json | undefined)?.paths as Json[] | undefined) ?? []);
    const matches = paths.filter((p) => {
      const prefix = String(p.path ?? "/");
      if (p.pathType === "Exact") return path === prefix;
      if (p.pathType === "Prefix") return prefix === "/" || path === prefix.replace(/\/$/, "") || path.startsWith(`${prefix.replace(/\/$/, "")}/`);
      return path.startsWith(prefix);
    });
    const best = matches.sort((a, b) => String(b.path ?? "").length - String(a.path ?? "").length)[0];
    const backend = (best?.backend ?? spec.defaultBackend) as Json | undefined;
    const serviceName = (backend?.service as Json | undefined)?.name;
    if (typeof serviceName !== "string") return undefined;
    const namespace = String((routed.ingress.metadata as Json).namespace);
    const service = this.ctx.kube.read(routed.cluster, SERVICE, namespace, serviceName);
    const labels = ((service?.metadata as Json | undefined)?.labels ?? {}) as Json;
    if (!service || (labels.component !== "api-server" && labels.component !== "webserver")) return undefined;
    return this.ctx.airflow.get(`${routed.cluster.key}/${namespace}/${String(labels.release)}`)?.port;
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const hostHeader = req.headers.host ?? "";
    const host = hostHeader.replace(/:\d+$/, "").toLowerCase();
    const routed = this.route(host);
    const page = (status: number, title: string) => {
      res.writeHead(status, { "content-type": "text/html", server: "nginx" });
      res.end(nginxPage(status, title));
    };
    if (!routed) return page(404, "Not Found");
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const port = this.backendPort(routed, host, path);
    if (!port) return page(503, "Service Temporarily Unavailable");
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const client = req.socket.remoteAddress ?? "127.0.0.1";
    Object.assign(headers, {
      host: hostHeader,
      "x-forwarded-proto": "https",
      "x-forwarded-host": hostHeader,
      "x-forwarded-port": String(this.port),
      "x-forwarded-for": req.headers["x-forwarded-for"] ? `${String(req.headers["x-forwarded-for"])}, ${client}` : client,
      "x-real-ip": client,
      "x-forwarded-scheme": "https",
      "x-scheme": "https",
    });
    const upstream = http.request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers }, (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      res.writeHead(answer.statusCode ?? 502, { ...out, server: "nginx" });
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) page(502, "Bad Gateway");
      else res.destroy();
    });
    req.pipe(upstream);
  }
}
