import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JWTPayload } from "jose";
import { readBody } from "../http.js";
import { AIRFLOW_APP } from "./airflow-app.js";
import { PLATFORM_ADMINS_GROUP_ID } from "./groups.js";
import type { Json, Store } from "./store.js";
import type { TokenService } from "./tokens.js";
import { isPlainObject } from "./util.js";

/** Microsoft Graph's own application id: v2 tokens for Graph carry it as `aud`, v1 tokens the URL. */
const GRAPH_AUDIENCES = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];
const CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const METADATA = "https://graph.microsoft.com/v1.0/$metadata";

/** Entra's limits for an app that signs in work accounts only (signInAudience AzureADMyOrg). */
export const MAX_REDIRECT_URIS = 256;
export const MAX_REDIRECT_URI_LENGTH = 256;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1"]);

export interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  redirectUris: string[];
}

export interface GraphState {
  applications: Record<string, GraphApplication>;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Json[],
  ) {
    super(message);
  }
}

/** Why Entra would refuse this list of web redirect URIs, or undefined when it takes it. */
export function redirectUriProblem(uris: unknown): string | undefined {
  if (!Array.isArray(uris) || uris.some((u) => typeof u !== "string")) return "web.redirectUris must be an array of strings";
  if (uris.length > MAX_REDIRECT_URIS) return `at most ${MAX_REDIRECT_URIS} redirect URIs per application (got ${uris.length})`;
  const seen = new Set<string>();
  for (const uri of uris as string[]) {
    if (uri.length > MAX_REDIRECT_URI_LENGTH) return `'${uri.slice(0, 40)}…' is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return `'${uri}' is not an absolute URI`;
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) return `'${uri}' must use https (http only for localhost or 127.0.0.1)`;
    if (uri.includes("#")) return `'${uri}' has a fragment`;
    if (uri.includes("*")) return `'${uri}' has a wildcard`;
    if (/[!$'(),;]/.test(uri)) return `'${uri}' has a character redirect URIs may not contain (! $ ' ( ) , ;)`;
    if (url.username || url.password) return `'${uri}' has credentials`;
    if (seen.has(uri)) return `'${uri}' is listed twice`;
    seen.add(uri);
  }
  return undefined;
}

/**
 * The Microsoft Graph application endpoints the portal uses, for the app registrations the emulator
 * seeds (the Airflow one): read one by object id or by `appId`, list with `$filter=appId eq '…'`,
 * and PATCH its `web.redirectUris`. Callers need a token for Graph from the emulator's token
 * endpoint; writing needs ownership of the application.
 */
export class GraphApplications {
  constructor(
    private readonly store: Store,
    private readonly tokens: TokenService,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The emulator's own URL: a client pointed at it as its Graph endpoint asks for `<endpoint>/.default`, as for a national cloud's Graph. */
    private readonly baseUrl?: string,
  ) {}

  private get state(): GraphState {
    const state = (this.store.state.graph ??= { applications: {} });
    if (!state.applications[AIRFLOW_APP.id]) {
      state.applications[AIRFLOW_APP.id] = { id: AIRFLOW_APP.id, appId: AIRFLOW_APP.appId, displayName: AIRFLOW_APP.displayName, createdDateTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"), redirectUris: [] };
      this.store.changed();
    }
    return state;
  }

  /** The web redirect URIs registered on the application with this client id (empty when unknown). */
  redirectUris(appId: string): string[] {
    return this.findByAppId(appId)?.redirectUris ?? [];
  }

  private findByAppId(appId: string) {
    return Object.values(this.state.applications).find((a) => a.appId.toLowerCase() === appId.toLowerCase());
  }

  /**
   * Who may change an application: with EMULATOR_AIRFLOW_APP_OWNERS (client ids or service
   * principal object ids, comma-separated, `*` for anyone) those callers; otherwise any caller
   * whose token lists the platform admins group, as if that group's principals were its owners.
   */
  isOwner(claims: JWTPayload): boolean {
    const listed = this.env.EMULATOR_AIRFLOW_APP_OWNERS?.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (listed?.length) {
      const who = [claims.appid, claims.azp, claims.oid, claims.sub].filter((v): v is string => typeof v === "string").map((v) => v.toLowerCase());
      return listed.includes("*") || who.some((w) => listed.includes(w));
    }
    return Array.isArray(claims.groups) && claims.groups.includes(PLATFORM_ADMINS_GROUP_ID);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith("/v1.0/")) return false;
    const clientRequestId = String(req.headers["client-request-id"] ?? randomUUID());
    const requestId = randomUUID();
    const headers = { "request-id": requestId, "client-request-id": clientRequestId };
    try {
      const auth = await this.tokens.verify(req.headers.authorization, this.baseUrl ? [...GRAPH_AUDIENCES, this.baseUrl] : GRAPH_AUDIENCES);
      if (!auth.ok) throw unauthorized(auth.code);
      const result = await this.route(req, url, auth.claims);
      if (result === undefined) {
        res.writeHead(204, headers).end();
      } else {
        res.writeHead(200, { ...headers, "content-type": CONTENT_TYPE, "odata-version": "4.0" }).end(JSON.stringify(result));
      }
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      const date = new Date().toISOString().replace(/\.\d+Z$/, "");
      const body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), innerError: { date, "request-id": requestId, "client-request-id": clientRequestId } } };
      const extra: Record<string, string> =
        err.status === 401 ? { "www-authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` } : {};
      res.writeHead(err.status, { ...headers, ...extra, "content-type": CONTENT_TYPE }).end(JSON.stringify(body));
    }
    return true;
  }

  private async route(req: IncomingMessage, url: URL, claims: JWTPayload): Promise<Json | undefined> {
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, "");
    const byAppId = /^\/v1\.0\/applications\(appId='([^']*)'\)$/i.exec(path);
    const byId = /^\/v1\.0\/applications\/([^/]+)$/i.exec(path);
    if (/^\/v1\.0\/applications$/i.test(path)) {
      if (req.method !== "GET") throw notAllowed();
      return this.list(url);
    }
    if (!byAppId && !byId) throw new GraphError(400, "BadRequest", `Resource not found for the segment '${path.split("/").slice(2).join("/") || path}'.`);
    const key = (byAppId?.[1] ?? byId?.[1]) as string;
    const app = byAppId ? this.findByAppId(key) : this.state.applications[key.toLowerCase()];
    if (!app) throw new GraphError(404, "Request_ResourceNotFound", `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
    if (req.method === "GET") return { "@odata.context": `${METADATA}#applications/$entity`, ...select(toGraph(app), url) };
    if (req.method === "PATCH") {
      if (!this.isOwner(claims)) throw new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      this.patch(app, await readBody(req, 1024 * 1024));
      return undefined;
    }
    throw notAllowed();
  }

  private list(url: URL): Json {
    const filter = url.searchParams.get("$filter");
    let apps = Object.values(this.state.applications);
    if (filter) {
      const appId = /^appId eq '([^']*)'$/i.exec(filter.trim())?.[1];
      if (appId === undefined) throw new GraphError(400, "Request_UnsupportedQuery", `Unsupported query: the emulator filters applications by appId only ('appId eq '<guid>'').`);
      apps = apps.filter((a) => a.appId.toLowerCase() === appId.toLowerCase());
    }
    return { "@odata.context": `${METADATA}#applications`, value: apps.map((a) => select(toGraph(a), url)) };
  }

  private patch(app: GraphApplication, text: string) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
    }
    if (!isPlainObject(body)) throw new GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
    for (const [key, value] of Object.entries(body)) {
      if (key === "displayName") {
        if (typeof value !== "string" || !value.trim()) throw invalidValue("displayName", "displayName must be a non-empty string");
      } else if (key === "web") {
        if (!isPlainObject(value)) throw invalidValue("web", "web must be an object");
        for (const field of Object.keys(value)) if (!["redirectUris", "homePageUrl", "logoutUrl", "implicitGrantSettings", "redirectUriSettings"].includes(field)) throw new GraphError(400, "BadRequest", `Property '${field}' does not exist on type 'microsoft.graph.webApplication'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
        if ("redirectUris" in value) {
          const problem = redirectUriProblem(value.redirectUris);
          if (problem) throw invalidValue("web", problem, "web.redirectUris");
        }
      } else if (!(key in toGraph(app))) {
        throw new GraphError(400, "BadRequest", `Property '${key}' does not exist on type 'microsoft.graph.application'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
      } else {
        throw new GraphError(400, "Request_BadRequest", `The emulator does not change the property '${key}' of an application (only displayName and web).`);
      }
    }
    const web = (body as Json).web as Json | undefined;
    if (typeof (body as Json).displayName === "string") app.displayName = (body as Json).displayName as string;
    if (web && Array.isArray(web.redirectUris)) app.redirectUris = [...(web.redirectUris as string[])];
    this.store.changed();
  }
}

function toGraph(app: GraphApplication): Json {
  return {
    id: app.id,
    appId: app.appId,
    displayName: app.displayName,
    createdDateTime: app.createdDateTime,
    deletedDateTime: null,
    signInAudience: "AzureADMyOrg",
    // Group object ids in the ID token's `groups` claim: what the Airflow sign-in maps to roles.
    groupMembershipClaims: "SecurityGroup",
    identifierUris: [],
    appRoles: [],
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: [...app.redirectUris],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      redirectUriSettings: app.redirectUris.map((uri) => ({ uri, index: null })),
    },
    spa: { redirectUris: [] },
    publicClient: { redirectUris: [] },
  };
}

/** `$select=a,b`: only those properties (and `id`, as Graph always adds it). */
function select(entity: Json, url: URL): Json {
  const wanted = url.searchParams.get("$select");
  if (!wanted) return entity;
  const fields = wanted.split(",").map((f) => f.trim()).filter(Boolean);
  for (const f of fields) if (!(f in entity)) throw new GraphError(400, "BadRequest", `Could not find a property named '${f}' on type 'microsoft.graph.application'.`);
  return Object.fromEntries(Object.entries(entity).filter(([k]) => k === "id" || fields.includes(k)));
}

function invalidValue(property: string, reason: string, target = property) {
  return new GraphError(400, "Request_BadRequest", `Invalid value specified for property '${property}' of resource 'Application'.`, [{ code: "InvalidValue", target, message: reason }]);
}

const notAllowed = () => new GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri.");

function unauthorized(code: string) {
  const message =
    code === "AuthenticationFailed" ? "Access token is empty."
    : code === "InvalidAuthenticationTokenAudience" ? "Access token validation failure. Invalid audience."
    : code === "ExpiredAuthenticationToken" ? "Lifetime validation failed, the token is expired."
    : "Access token validation failure.";
  return new GraphError(401, "InvalidAuthenticationToken", message);
}
