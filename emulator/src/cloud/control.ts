import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../http.js";
import { parseLatencies, parseScale, PROFILES, scaled, type Latencies, type ProfileName } from "./config.js";
import type { CloudContext } from "./context.js";
import type { Json } from "./store.js";
import { vnetAt } from "./arm/virtual-network-views.js";
import { deletedVaults } from "./arm/deleted-vaults.js";
import { issuerOf, mintServiceAccountToken } from "./kube/service-account-tokens.js";
import { taskRunRequest } from "./airflow/task-runs.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function stateOf(resource: Json) {
  const p = (resource.properties ?? {}) as Json;
  return {
    ...(p.provisioningState ? { provisioningState: p.provisioningState } : {}),
    ...(p.state ? { state: p.state } : {}),
    ...(p.powerState ? { powerState: (p.powerState as Json).code } : {}),
  };
}

/** "microsoft.dbforpostgresql/flexibleservers/databases" from a (lower-cased) resource id. */
function typeFromId(id: string) {
  if (!id.includes("/providers/")) return "microsoft.resources/resourcegroups";
  const parts = (id.split("/providers/").pop() ?? "").split("/");
  return [parts[0], ...parts.filter((_, i) => i % 2 === 1)].join("/");
}

/** Everything the emulated cloud holds, for tests and for a person wondering what is going on. */
export function dumpState(ctx: CloudContext) {
  const s = ctx.store.state;
  const byType: Record<string, { created: number; puts: number; deletes: number }> = {};
  for (const [id, counter] of Object.entries(s.counters)) {
    const type = typeFromId(id);
    const total = (byType[type] ??= { created: 0, puts: 0, deletes: 0 });
    total.created += counter.created;
    total.puts += counter.puts;
    total.deletes += counter.deletes;
  }
  return {
    resources: Object.values(s.resources).map((r) => ({ id: r.id, type: r.type, name: r.body.name, ...stateOf(r.body) })),
    counts: s.counters,
    countsByType: byType,
    kubeCounts: s.kubeCounters,
    operations: Object.values(s.operations).map((op) => ({ id: op.id, kind: op.kind, action: op.action, resourceId: op.resourceId, status: op.status, startedAt: new Date(op.startedAt).toISOString(), endsAt: new Date(op.endsAt).toISOString() })),
    clusters: Object.values(s.clusters).map((c) => ({
      key: c.key,
      armId: c.armId,
      server: `${ctx.baseUrl}/k8s/${c.key}`,
      provisioned: c.provisioned,
      stopped: c.stopped,
      fluxInstalled: c.fluxInstalled,
      ...(c.flux ? { flux: c.flux } : {}),
      objects: Object.keys(c.objects),
    })),
    airflow: Object.values(s.airflow).map(({ signIn, ...a }) => ({ ...a, signIn: Boolean(signIn), url: `http://127.0.0.1:${a.port}/` })),
    ingressPort: ctx.ingress.port,
    deletedVaults: deletedVaults(ctx).map((r) => ({ id: r.vault.id, name: r.vault.body.name, location: r.vault.body.location, deletionDate: r.deletionDate, scheduledPurgeDate: r.scheduledPurgeDate, purgeProtection: (r.vault.body.properties as Json).enablePurgeProtection === true })),
    vaultPorts: s.vaultPorts ?? {},
    latencies: ctx.latencies,
    faults: ctx.faults.list(),
    holds: ctx.holds.list(),
  };
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  return text.trim() ? JSON.parse(text) : {};
}

/** Test knobs that come and go one by one: faults, holds. */
interface Knobs {
  list(): unknown[];
  add(input: unknown): unknown;
  clear(): void;
  remove(id: string): boolean;
}

/**
 * GET lists the knobs at `path`, POST adds one (or a list), DELETE takes them all away and DELETE
 * `path`/{id} one, answering `{[removedKey]: whether it was there}`. The status and body to send,
 * or undefined when `route` is none of these.
 */
async function knobRoutes(route: string, path: string, knobs: Knobs, removedKey: string, req: IncomingMessage): Promise<[number, unknown] | undefined> {
  if (route === `GET ${path}`) return [200, knobs.list()];
  if (route === `POST ${path}`) {
    const body = await jsonBody(req);
    const added = (Array.isArray(body) ? body : [body]).map((input) => knobs.add(input));
    return [201, Array.isArray(body) ? added : added[0]];
  }
  if (route === `DELETE ${path}`) {
    knobs.clear();
    return [200, []];
  }
  const id = new RegExp(`^DELETE ${path}/([^/]+)$`).exec(route)?.[1];
  if (!id) return undefined;
  const removed = knobs.remove(decodeURIComponent(id));
  return [removed ? 200 : 404, { [removedKey]: removed }];
}

/**
 * The emulator's own control surface under /_emulator: latencies, faults, reset, state. Loopback
 * only, no auth: it is a test and demo knob, never exposed.
 */
export async function handleControl(ctx: CloudContext, startup: Latencies, reset: () => Promise<void>, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!url.pathname.startsWith("/_emulator/") && url.pathname !== "/_emulator") return false;
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    sendJson(res, 403, { error: "the control API answers loopback callers only" });
    return true;
  }
  const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
  const reply = (status: number, body: unknown) => {
    sendJson(res, status, body);
    return true;
  };
  try {
    if (route === "GET /_emulator/state") return reply(200, dumpState(ctx));
    if (route === "GET /_emulator/latencies") return reply(200, ctx.latencies);
    if (route === "PUT /_emulator/latencies" || route === "PATCH /_emulator/latencies") {
      const body = (await jsonBody(req)) as Json;
      const { profile, scale, ...rest } = body;
      if (profile !== undefined && !(String(profile) in PROFILES)) throw new Error(`unknown profile "${String(profile)}" (known: ${Object.keys(PROFILES).join(", ")})`);
      const factor = scale === undefined ? 1 : parseScale(scale, "scale");
      if (factor !== 1 && !profile) throw new Error("scale applies to a profile: send it with one, e.g. {\"profile\": \"realistic\", \"scale\": 0.1}");
      const overrides = parseLatencies(rest, "latencies");
      Object.assign(ctx.latencies, profile ? scaled(PROFILES[profile as ProfileName], factor) : route.startsWith("PUT") ? startup : {}, overrides);
      return reply(200, ctx.latencies);
    }
    if (route === "GET /_emulator/settings") return reply(200, ctx.settings);
    if (route === "PATCH /_emulator/settings") {
      const { armPageSize } = (await jsonBody(req)) as Json;
      if (armPageSize !== undefined && (typeof armPageSize !== "number" || !Number.isInteger(armPageSize) || armPageSize < 0)) throw new Error("armPageSize must be a whole number ≥ 0 (0: no paging)");
      if (armPageSize !== undefined) ctx.settings.armPageSize = armPageSize;
      return reply(200, ctx.settings);
    }
    if (route === "GET /_emulator/faults/served") return reply(200, { seed: ctx.faults.seed, rules: ctx.faults.served() });
    if (route === "PUT /_emulator/faults/seed") {
      ctx.faults.reseed(Number(((await jsonBody(req)) as Json).seed));
      return reply(200, { seed: ctx.faults.seed });
    }
    const holds: Knobs = { list: () => ctx.holds.list(), add: (h) => ctx.holds.add(h), clear: () => ctx.holds.releaseAll(), remove: (id) => ctx.holds.release(id) };
    const knob = (await knobRoutes(route, "/_emulator/faults", ctx.faults, "removed", req)) ?? (await knobRoutes(route, "/_emulator/holds", holds, "released", req));
    if (knob) return reply(...knob);
    if (route === "POST /_emulator/networks/vantage") {
      const { virtualNetworkId } = (await jsonBody(req)) as Json;
      if (typeof virtualNetworkId !== "string" || !vnetAt(ctx, virtualNetworkId)) {
        return reply(404, { error: `no virtual network ${JSON.stringify(virtualNetworkId)}: send {"virtualNetworkId": "<ARM id of an existing VNet>"}` });
      }
      const port = await ctx.vantages.open(virtualNetworkId);
      return reply(200, { proxy: `http://127.0.0.1:${port}` });
    }
    const blobs = /^GET \/_emulator\/storage\/([^/]+)\/blobs$/.exec(route);
    if (blobs) {
      const account = decodeURIComponent(blobs[1] as string);
      if (!ctx.blob.knows(account)) return reply(404, { error: `no storage account ${account}` });
      return reply(200, { account, blobs: await ctx.blob.blobs(account) });
    }
    const saToken = /^POST \/_emulator\/clusters\/([^/]+)\/service-account-token$/.exec(route);
    if (saToken) {
      const cluster = ctx.kube.get(decodeURIComponent(saToken[1] as string));
      if (!cluster) return reply(404, { error: `no cluster ${saToken[1]}` });
      const { namespace, serviceAccount, audience, lifetimeSeconds } = (await jsonBody(req)) as Json;
      if (typeof namespace !== "string" || typeof serviceAccount !== "string") throw new Error('send {"namespace": "…", "serviceAccount": "…"} (optional "audience", "lifetimeSeconds")');
      const token = await mintServiceAccountToken(ctx, cluster, {
        namespace,
        serviceAccount,
        audience: typeof audience === "string" ? audience : undefined,
        lifetimeSeconds: typeof lifetimeSeconds === "number" ? lifetimeSeconds : undefined,
      });
      return reply(200, { token, issuer: issuerOf(ctx, cluster) });
    }
    const taskRun = /^POST \/_emulator\/clusters\/([^/]+)\/airflow\/task-runs$/.exec(route);
    if (taskRun) return reply(...(await taskRunRequest(ctx, decodeURIComponent(taskRun[1] as string), (await jsonBody(req)) as Json)));
    if (route === "POST /_emulator/reset") {
      await reset();
      return reply(200, dumpState(ctx));
    }
    sendJson(res, 404, { error: `no control route ${route}`, routes: ["GET state", "GET|PUT|PATCH latencies", "GET|PATCH settings", "GET|POST|DELETE faults", "DELETE faults/{id}", "GET faults/served", "PUT faults/seed", "GET|POST|DELETE holds", "DELETE holds/{id}", "POST reset", "POST networks/vantage", "GET storage/{account}/blobs", "POST clusters/{clusterKey}/service-account-token", "POST clusters/{clusterKey}/airflow/task-runs"] });
  } catch (err) {
    sendJson(res, 400, { error: (err as Error).message });
  }
  return true;
}
