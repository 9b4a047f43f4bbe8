import type { ServerResponse } from "node:http";
import type { ClusterState, Json } from "../store.js";
import { deepClone } from "../util.js";
import type { KubeType } from "./discovery.js";
import { groupVersion } from "./discovery.js";
import { toTable } from "./table.js";

/** One change to one object, numbered by the cluster's resourceVersion at which it happened. */
export interface ChangeEvent {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  t: KubeType;
  obj: Json;
  /** The object before a MODIFIED, so a selector watch can tell "left the selection" from "changed in it". */
  prev?: Json;
}

/** What one watch request asked for. */
export interface WatchRequest {
  cluster: ClusterState;
  t: KubeType;
  namespace?: string;
  matches: (obj: Json) => boolean;
  /** Undefined: start with the current state (ADDED for each object), as for resourceVersion "" and "0". */
  fromRv?: number;
  bookmarks: boolean;
  /** sendInitialEvents=true: the current state, then a BOOKMARK marked k8s.io/initial-events-end. */
  initialEventsEnd: boolean;
  timeoutMs: number;
  table: boolean;
  current: () => Json[];
}

interface Sink {
  req: WatchRequest;
  deliver: (e: ChangeEvent) => void;
  end: () => void;
}

/** Events kept per cluster; a watch from before the oldest gets 410 Expired and must list again. */
const DEFAULT_CAPACITY = 1000;
/** kube-apiserver's watch cache sends a bookmark about once a minute, and one shortly before a watch times out. */
const BOOKMARK_EVERY_MS = 60_000;

const sameKind = (a: KubeType, b: KubeType) => a.group === b.group && a.plural === b.plural;

/**
 * The API servers' watch cache: a bounded history of every cluster's changes, and the open watch
 * streams fed from it. Events are published before any in-process listener runs, so the history
 * is in resourceVersion order even when a listener writes in reaction.
 */
export class WatchHub {
  private readonly history = new Map<string, { since: number; events: ChangeEvent[] }>();
  private readonly sinks = new Set<Sink>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  private historyOf(cluster: ClusterState) {
    let h = this.history.get(cluster.key);
    if (!h) {
      h = { since: cluster.resourceVersion, events: [] };
      this.history.set(cluster.key, h);
    }
    return h;
  }

  publish(cluster: ClusterState, e: ChangeEvent) {
    const h = this.history.get(cluster.key) ?? { since: e.rv - 1, events: [] };
    this.history.set(cluster.key, h);
    h.events.push(e);
    while (h.events.length > this.capacity) h.since = (h.events.shift() as ChangeEvent).rv;
    for (const sink of this.sinks) if (sink.req.cluster.key === cluster.key) sink.deliver(e);
  }

  /** A removed cluster's watches end, and its history goes (a new cluster of that name starts afresh). */
  dropCluster(key: string) {
    this.history.delete(key);
    for (const sink of this.sinks) if (sink.req.cluster.key === key) sink.end();
  }

  closeAll() {
    for (const sink of this.sinks) sink.end();
    this.history.clear();
  }

  /** Serves one watch as newline-delimited JSON events, as kube-apiserver does over chunked HTTP. */
  serve(req: WatchRequest, res: ServerResponse) {
    const h = this.historyOf(req.cluster);
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked", "cache-control": "no-cache, private" });
    // Clients wait for the headers before they act: send them now, not with the first event.
    res.flushHeaders();
    let headerSent = false;
    const write = (type: string, object: Json) => {
      let out = object;
      if (req.table && type !== "ERROR" && type !== "BOOKMARK") {
        const table = toTable(req.t, [object], String((object.metadata as Json).resourceVersion));
        // Only the first event of a watch carries the column definitions, as the API server sends them.
        out = headerSent ? { ...table, columnDefinitions: [] } : table;
        headerSent = true;
      }
      res.write(`${JSON.stringify({ type, object: out })}\n`);
    };
    const bookmark = (rv: number, annotations?: Json) =>
      write("BOOKMARK", { kind: req.t.kind, apiVersion: groupVersion(req.t), metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) } });

    if (req.fromRv !== undefined && req.fromRv < h.since) {
      // The watch cache's answer to a resourceVersion it no longer holds: one ERROR event, then the end.
      write("ERROR", { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${req.fromRv} (${h.since})`, reason: "Expired", code: 410 });
      res.end();
      return;
    }

    let lastRv = req.fromRv ?? req.cluster.resourceVersion;
    if (req.fromRv === undefined) for (const obj of req.current()) write("ADDED", obj);
    else for (const e of h.events) if (e.rv > req.fromRv) this.send(req, e, write);
    if (req.initialEventsEnd) bookmark(req.cluster.resourceVersion, { "k8s.io/initial-events-end": "true" });

    const timers: NodeJS.Timeout[] = [];
    const sink: Sink = {
      req,
      deliver: (e) => {
        if (e.rv <= lastRv) return;
        lastRv = e.rv;
        this.send(req, e, write);
      },
      end: () => {
        this.sinks.delete(sink);
        for (const timer of timers) clearTimeout(timer);
        if (!res.writableEnded) res.end();
      },
    };
    this.sinks.add(sink);
    if (req.bookmarks) {
      const tick = () => bookmark(Math.max(lastRv, req.cluster.resourceVersion));
      timers.push(setInterval(tick, BOOKMARK_EVERY_MS), setTimeout(tick, Math.max(0, req.timeoutMs - 2000)));
    }
    timers.push(setTimeout(sink.end, req.timeoutMs));
    res.on("close", sink.end);
  }

  /** Applies the watch's kind, namespace and selectors; a MODIFIED that crosses the selector becomes ADDED or DELETED. */
  private send(req: WatchRequest, e: ChangeEvent, write: (type: string, obj: Json) => void) {
    if (!sameKind(e.t, req.t)) return;
    const inScope = (o: Json) => (!req.namespace || (o.metadata as Json).namespace === req.namespace) && req.matches(o);
    const now = inScope(e.obj);
    if (e.type !== "MODIFIED") {
      if (now) write(e.type, e.obj);
      return;
    }
    const before = e.prev ? inScope(e.prev) : true;
    if (now) write(before ? "MODIFIED" : "ADDED", e.obj);
    else if (before) write("DELETED", e.obj);
  }
}

/** A deep copy for the history: stored objects may be changed in place later. */
export const snapshot = (obj: Json) => deepClone(obj);
