import { randomUUID } from "node:crypto";
import type { Latencies, LatencyKind } from "../config.js";
import type { Faults } from "../faults.js";
import type { Holds } from "../holds.js";
import type { OperationRecord, Store } from "../store.js";

export type Completer = (op: OperationRecord) => void;

export interface StartOptions {
  kind: LatencyKind;
  action: OperationRecord["action"];
  resourceId: string;
  resourceType: string;
  location: string;
  /** The name faults are matched on (the resource's own name). */
  name: string;
  /** How long it takes, when not `kind`'s latency (faults and holds still match `kind`). */
  latency?: LatencyKind;
}

/**
 * Long-running operations as ARM runs them: the initial response carries an absolute
 * Azure-AsyncOperation (status) and Location (result) URL; the status answers InProgress until the
 * operation's latency has passed, then Succeeded or Failed. Operations are persisted with their end
 * time, so after a restart they finish on schedule instead of hanging or starting over.
 */
export class Lro {
  private readonly completers = new Map<string, Completer>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Operations a hold keeps InProgress (control API): no timer, and their end time does not count. */
  private readonly held = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly baseUrl: string,
    private readonly latencies: () => Latencies,
    private readonly faults: Faults,
    private readonly holds?: Holds,
  ) {}

  /** What happens to the resource when an operation on a resource of `type` ends. */
  register(resourceType: string, completer: Completer) {
    this.completers.set(resourceType.toLowerCase(), completer);
  }

  start(options: StartOptions): OperationRecord {
    const now = Date.now();
    const fault = this.faults.take("operationFailed", { kind: options.kind, name: options.name });
    const op: OperationRecord = {
      id: randomUUID(),
      kind: options.kind,
      action: options.action,
      resourceId: options.resourceId,
      resourceType: options.resourceType,
      provider: options.resourceType.split("/")[0] ?? "Microsoft.Resources",
      location: options.location,
      startedAt: now,
      endsAt: now + this.latencies()[options.latency ?? options.kind],
      status: "InProgress",
      ...(options.latency ? { latencyKind: options.latency } : {}),
      failWith: fault ? { code: fault.code ?? "InternalServerError", message: fault.message ?? `The operation failed with code ${fault.code ?? "InternalServerError"}.` } : undefined,
    };
    this.store.state.operations[op.id] = op;
    this.store.changed();
    if (this.holds?.holdOperation({ kind: options.kind, name: options.name }, op.id, () => this.unhold(op))) this.held.add(op.id);
    else this.schedule(op);
    return op;
  }

  /** Headers of the initial 201/202 response. `locationOnly` is how ARM answers a resource group delete. */
  headers(op: OperationRecord, apiVersion: string, locationOnly = false): Record<string, string> {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(op.resourceId)?.[1] ?? "";
    const base = `${this.baseUrl}/subscriptions/${sub}/providers/${op.provider}/locations/${op.location}`;
    const query = `?api-version=${encodeURIComponent(apiVersion)}`;
    const location = `${base}/operationResults/${op.id}${query}`;
    return locationOnly ? { location } : { "azure-asyncoperation": `${base}/operationStatuses/${op.id}${query}`, location };
  }

  get(id: string): OperationRecord | undefined {
    const op = this.store.state.operations[id];
    // A poll may beat the timer by a few milliseconds; the end time is what counts.
    if (op && op.status === "InProgress" && !this.held.has(op.id) && Date.now() >= op.endsAt) this.complete(op);
    return op;
  }

  /** The operation status document Azure-AsyncOperation points to. */
  statusBody(op: OperationRecord) {
    return {
      id: `/subscriptions/${/^\/subscriptions\/([^/]+)/i.exec(op.resourceId)?.[1]}/providers/${op.provider}/locations/${op.location}/operationStatuses/${op.id}`,
      name: op.id,
      status: op.status,
      startTime: new Date(op.startedAt).toISOString(),
      ...(op.endedAt ? { endTime: new Date(op.endedAt).toISOString() } : {}),
      ...(op.status === "InProgress" ? {} : { percentComplete: 100 }),
      ...(op.status === "Failed" && op.failWith ? { error: { code: op.failWith.code, message: op.failWith.message } } : {}),
      ...(op.status === "Canceled" ? { error: { code: "Canceled", message: "The operation was canceled because the resource was deleted." } } : {}),
    };
  }

  /** Operations still running on `resourceId` or anything under it. */
  inFlight(resourceId: string): OperationRecord[] {
    const prefix = resourceId.toLowerCase();
    return Object.values(this.store.state.operations).filter(
      (op) => op.status === "InProgress" && (op.resourceId.toLowerCase() === prefix || op.resourceId.toLowerCase().startsWith(`${prefix}/`)),
    );
  }

  /** Cancels what is running on a resource that is going away. */
  cancel(resourceId: string, except?: string) {
    for (const op of this.inFlight(resourceId)) {
      if (op.id === except) continue;
      op.status = "Canceled";
      op.endedAt = Date.now();
      clearTimeout(this.timers.get(op.id));
      this.timers.delete(op.id);
      this.held.delete(op.id);
      this.holds?.forget(op.id);
    }
    this.store.changed();
  }

  /** Picks up operations that were running when the emulator stopped. */
  resume() {
    for (const op of Object.values(this.store.state.operations)) {
      if (op.status === "InProgress") this.schedule(op);
    }
    this.prune();
  }

  close() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.held.clear();
  }

  /** A released hold: the operation runs its normal latency from now, as if it had just started. */
  private unhold(op: OperationRecord) {
    if (!this.held.delete(op.id) || op.status !== "InProgress") return;
    op.endsAt = Date.now() + (this.latencies()[(op.latencyKind ?? op.kind) as LatencyKind] ?? 0);
    this.store.changed();
    this.schedule(op);
  }

  private schedule(op: OperationRecord) {
    const timer = setTimeout(() => this.complete(op), Math.max(0, op.endsAt - Date.now()));
    this.timers.set(op.id, timer);
  }

  private complete(op: OperationRecord) {
    if (op.status !== "InProgress") return;
    clearTimeout(this.timers.get(op.id));
    this.timers.delete(op.id);
    op.status = op.failWith ? "Failed" : "Succeeded";
    op.endedAt = Date.now();
    this.store.changed();
    this.completers.get(op.resourceType.toLowerCase())?.(op);
  }

  /** Keeps finished operations for a day (clients may poll late), so the state file does not grow forever. */
  private prune() {
    const cutoff = Date.now() - 24 * 3600_000;
    for (const [id, op] of Object.entries(this.store.state.operations)) {
      if (op.status !== "InProgress" && (op.endedAt ?? 0) < cutoff) delete this.store.state.operations[id];
    }
  }
}
