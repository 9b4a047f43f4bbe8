/**
 * The blob data plane of every storage account: Azurite's blob server, in process on a loopback
 * port of its own, behind the emulator's HTTPS blob endpoint (`https://127.0.0.1:<blobPort>/<account>/…`,
 * path style, the emulator's certificate). Each request is authorized by the emulator first
 * (`blob-auth.ts`), then signed with the account's key and handed to Azurite, whose answer goes back
 * as it is. Blob data lives under `<dataDir>/blob`, beside the cloud's state, so it outlasts a restart.
 */
import { mkdirSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import type BlobConfigurationType from "azurite/dist/src/blob/BlobConfiguration";
import type BlobServerType from "azurite/dist/src/blob/BlobServer";
import { listenOnLoopback } from "../../http.js";
import type { CloudContext } from "../context.js";
import { authorizeBlob, sendBlobError } from "./blob-auth.js";
import { accountKey, sharedKeyAuthorization } from "./shared-key.js";

const require = createRequire(import.meta.url);
const { default: BlobServer } = require("azurite/dist/src/blob/BlobServer") as { default: typeof BlobServerType };
const { default: BlobConfiguration } = require("azurite/dist/src/blob/BlobConfiguration") as { default: typeof BlobConfigurationType };

/** Accounts of every emulator in this process: Azurite reads them from one environment variable. */
const registered = new Map<string, Buffer>();

function publishAccounts() {
  process.env.AZURITE_ACCOUNTS = [...registered].map(([name, key]) => `${name}:${key.toString("base64")}`).join(";");
}

export interface StoredBlob {
  container: string;
  name: string;
  content: string;
}

/** An answer from Azurite, read whole (for the emulator's own calls). */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class BlobService {
  private azurite?: BlobServerType;
  private azuritePort = 0;
  private server?: https.Server;
  port = 0;
  private readonly accounts = new Set<string>();

  constructor(
    private readonly ctx: CloudContext,
    private readonly dataDir: string,
    private readonly tls: { cert: string; key: string },
  ) {}

  /** The account's blob endpoint, as `primaryEndpoints.blob` names it. */
  endpointOf(account: string) {
    return `https://127.0.0.1:${this.port}/${account}/`;
  }

  async start() {
    const folder = path.join(this.dataDir, "blob");
    mkdirSync(folder, { recursive: true });
    const server = https.createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        this.ctx.log(`blob: ${req.method} ${req.url}: ${String(err)}`);
        if (!res.headersSent) sendBlobError(res, { status: 500, code: "InternalError", message: "Server encountered an internal error. Please try again after some time." });
        else res.destroy();
      });
    });
    const persisted = this.ctx.store.state.blobPort;
    try {
      await listenOnLoopback(server, persisted ?? 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || !persisted) throw err;
      this.ctx.log(`blob: port ${persisted} is taken, moving to a new one`);
      await listenOnLoopback(server, 0);
    }
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.remember();
    // Azurite's port is any free one, taken once the endpoint's own (remembered) port is had.
    await this.startAzurite(folder);
    for (const account of Object.values(this.ctx.store.state.resources).filter((r) => r.type === "Microsoft.Storage/storageAccounts")) this.addAccount(String(account.body.name));
  }

  private async startAzurite(folder: string) {
    const config = new BlobConfiguration(
      "127.0.0.1",
      0,
      undefined,
      path.join(folder, "__azurite_db_blob__.json"),
      path.join(folder, "__azurite_db_blob_extent__.json"),
      [{ locationId: "Default", locationPath: path.join(folder, "extents"), maxConcurrency: 10 }],
      false,
      undefined,
      false,
      undefined,
      false,
      // The SDKs send newer service versions than Azurite lists; the emulator takes them all.
      true,
      "",
      "",
      "",
      undefined,
      true,
      false,
    );
    this.azurite = new BlobServer(config);
    await this.azurite.start();
    this.azuritePort = Number(new URL(this.azurite.getHttpServerAddress()).port);
  }

  /** Keeps the port in the state (also after a reset emptied it). */
  remember() {
    if (this.port && this.ctx.store.state.blobPort !== this.port) {
      this.ctx.store.state.blobPort = this.port;
      this.ctx.store.changed();
    }
  }

  addAccount(name: string) {
    this.accounts.add(name);
    registered.set(name, accountKey(name));
    publishAccounts();
    this.azurite?.accountDataStore.refresh();
  }

  /** The account's data goes with it: every container, then the account itself. */
  removeAccount(name: string) {
    void this.wipe(name).finally(() => {
      this.accounts.delete(name);
      registered.delete(name);
      publishAccounts();
      this.azurite?.accountDataStore.refresh();
    });
  }

  private async wipe(account: string) {
    for (const container of await this.containers(account).catch(() => [])) await this.deleteContainer(account, container).catch(() => undefined);
  }

  /** Reset: every account's data goes. */
  async reset() {
    await Promise.all([...this.accounts].map((a) => this.wipe(a)));
    for (const a of this.accounts) registered.delete(a);
    this.accounts.clear();
    publishAccounts();
    this.remember();
  }

  async ensureContainer(account: string, container: string) {
    const answer = await this.call(account, "PUT", `/${account}/${container}`, "restype=container");
    if (answer.status !== 201 && answer.status !== 409) throw new Error(`creating container ${account}/${container}: ${answer.status} ${answer.body.toString("utf8")}`);
  }

  async deleteContainer(account: string, container: string) {
    const answer = await this.call(account, "DELETE", `/${account}/${container}`, "restype=container");
    if (answer.status !== 202 && answer.status !== 404) throw new Error(`deleting container ${account}/${container}: ${answer.status}`);
  }

  async containers(account: string): Promise<string[]> {
    const answer = await this.call(account, "GET", `/${account}/`, "comp=list");
    return [...answer.body.toString("utf8").matchAll(/<Container><Name>([^<]+)<\/Name>/g)].map((m) => m[1] as string);
  }

  /** Every blob of the account with its content (control API: tests and debugging). */
  async blobs(account: string): Promise<StoredBlob[]> {
    const out: StoredBlob[] = [];
    for (const container of await this.containers(account)) {
      const list = await this.call(account, "GET", `/${account}/${container}`, "restype=container&comp=list");
      for (const m of list.body.toString("utf8").matchAll(/<Blob><Name>([^<]+)<\/Name>/g)) {
        const name = decodeXml(m[1] as string);
        const blob = await this.call(account, "GET", `/${account}/${container}/${name.split("/").map(encodeURIComponent).join("/")}`, "");
        out.push({ container, name, content: blob.body.toString("utf8") });
      }
    }
    return out;
  }

  knows(account: string) {
    return this.accounts.has(account);
  }

  /** A request of the emulator's own to Azurite, signed with the account's key. */
  private call(account: string, method: string, rawPath: string, rawQuery: string): Promise<Answer> {
    const headers: http.OutgoingHttpHeaders = { "x-ms-date": new Date().toUTCString(), "x-ms-version": "2025-05-05", "content-length": "0" };
    headers.authorization = sharedKeyAuthorization(account, accountKey(account), method, rawPath, rawQuery, headers as http.IncomingHttpHeaders);
    return new Promise<Answer>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: this.azuritePort, method, path: `${rawPath}${rawQuery ? `?${rawQuery}` : ""}`, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const rawPath = q < 0 ? raw : raw.slice(0, q);
    const rawQuery = q < 0 ? "" : raw.slice(q + 1);
    const [account = "", container] = rawPath.split("/").slice(1).map((s) => decodeURIComponent(s));
    const decision = await authorizeBlob(this.ctx, req, account, container || undefined, new URLSearchParams(rawQuery));
    if (!decision.ok || !this.accounts.has(account)) {
      // No such account: its host name would not resolve, so nothing answers.
      if (!decision.ok && decision.error) return sendBlobError(res, decision.error);
      req.socket.destroy();
      return;
    }
    const headers: http.IncomingHttpHeaders = { ...req.headers, host: `127.0.0.1:${this.azuritePort}` };
    if (!decision.sharedKey) {
      delete headers.authorization;
      headers.authorization = sharedKeyAuthorization(account, accountKey(account), req.method ?? "GET", rawPath, rawQuery, headers);
    }
    await new Promise<void>((resolve, reject) => {
      const upstream = http.request({ host: "127.0.0.1", port: this.azuritePort, method: req.method, path: raw, headers, agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on("end", resolve);
        answer.on("error", reject);
      });
      upstream.on("error", reject);
      req.pipe(upstream);
    });
  }

  async close() {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.azurite?.close();
    this.azurite = undefined;
  }
}

const decodeXml = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
