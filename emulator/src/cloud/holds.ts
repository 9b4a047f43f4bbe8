import { randomUUID } from "node:crypto";

/**
 * Where a hold stops an ARM write: `put` keeps a matching PUT unanswered (received whole, then
 * parked); `get` does the same to a GET of the resource (what an SDK sends once the operation
 * has ended, to read the result); `operation` lets the PUT answer but keeps its long-running
 * operation InProgress.
 */
export type HoldPhase = "put" | "get" | "operation";
const PHASES: HoldPhase[] = ["put", "get", "operation"];

export interface HoldTarget {
  /** The route's kind for requests (managedCluster, postgresServer, …), the operation's kind for operations. */
  kind: string;
  /** The resource's own name (a request's last path segment). */
  name?: string;
}

export interface HoldView {
  id: string;
  kind: string | string[];
  name?: string;
  phase: HoldPhase;
  /** How many requests or operations it is holding now. */
  held: number;
  /** How many it has held since it was added. */
  total: number;
}

interface Parked {
  /** Lets the request proceed (true) or gives it up (false: the emulator is closing). */
  release(proceed: boolean): void;
}

interface Hold {
  id: string;
  kind: string | string[];
  name?: string;
  phase: HoldPhase;
  total: number;
  parked: Map<string, Parked>;
}

function globMatches(pattern: string, value: string) {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i").test(value);
}

/**
 * Holds on ARM requests and operations, so a test can stop a client in the middle of a cloud
 * call (its PUT accepted but unanswered, or answered with an operation that does not end) and
 * let it go when it chooses. In memory, like faults: a test knob, not part of the cloud.
 */
export class Holds {
  private readonly holds = new Map<string, Hold>();

  add(input: unknown): HoldView {
    if (typeof input !== "object" || input === null) throw new Error("a hold is a JSON object");
    const { kind, name, phase } = input as Record<string, unknown>;
    const kinds = Array.isArray(kind) ? kind : [kind];
    if (kinds.length === 0 || !kinds.every((k) => typeof k === "string" && k)) throw new Error('a hold needs a kind, e.g. "managedCluster" or ["managedCluster", "postgresServer"]');
    if (name !== undefined && typeof name !== "string") throw new Error("name is a glob string, e.g. \"aks-airflow-*\"");
    if (!PHASES.includes(phase as HoldPhase)) throw new Error(`phase must be one of ${PHASES.join(", ")}`);
    const hold: Hold = { id: randomUUID(), kind: kind as string | string[], ...(name ? { name } : {}), phase: phase as HoldPhase, total: 0, parked: new Map() };
    this.holds.set(hold.id, hold);
    return this.view(hold);
  }

  list(): HoldView[] {
    return [...this.holds.values()].map((h) => this.view(h));
  }

  /** The hold that stops `target` in `phase`, if any. */
  find(phase: HoldPhase, target: HoldTarget): Hold | undefined {
    for (const hold of this.holds.values()) {
      if (hold.phase !== phase) continue;
      if (!(Array.isArray(hold.kind) ? hold.kind : [hold.kind]).includes(target.kind)) continue;
      if (hold.name && !(target.name && globMatches(hold.name, target.name))) continue;
      return hold;
    }
    return undefined;
  }

  /**
   * Parks a request until its hold is released: true then (go on), false when the emulator is
   * closing (give up). Resolves true at once when no hold matches (any more).
   */
  wait(phase: "put" | "get", target: HoldTarget): Promise<boolean> {
    const hold = this.find(phase, target);
    if (!hold) return Promise.resolve(true);
    return new Promise((resolve) => this.park(hold, randomUUID(), { release: resolve }));
  }

  /** Keeps operation `operationId` running until the hold is released, then calls `onRelease`; false when no hold matches. */
  holdOperation(target: HoldTarget, operationId: string, onRelease: () => void): boolean {
    const hold = this.find("operation", target);
    if (!hold) return false;
    this.park(hold, operationId, { release: (proceed) => proceed && onRelease() });
    return true;
  }

  /** An operation that ended otherwise (its resource was deleted): no longer held. */
  forget(operationId: string) {
    for (const hold of this.holds.values()) hold.parked.delete(operationId);
  }

  /** Removes a hold; what it held proceeds (requests are answered, operations run their latency from now). */
  release(id: string): boolean {
    const hold = this.holds.get(id);
    if (!hold) return false;
    this.holds.delete(id);
    for (const parked of hold.parked.values()) parked.release(true);
    return true;
  }

  releaseAll() {
    for (const id of [...this.holds.keys()]) this.release(id);
  }

  /**
   * On reset: held requests proceed (against the emptied cloud, like requests arriving just
   * after it); held operations are dropped with the cloud they belonged to.
   */
  clear() {
    const holds = [...this.holds.values()];
    this.holds.clear();
    for (const hold of holds) if (hold.phase !== "operation") for (const parked of hold.parked.values()) parked.release(true);
  }

  /** On close: held requests are given up, so the server can close. */
  close() {
    const holds = [...this.holds.values()];
    this.holds.clear();
    for (const hold of holds) if (hold.phase !== "operation") for (const parked of hold.parked.values()) parked.release(false);
  }

  private park(hold: Hold, key: string, parked: Parked) {
    hold.total++;
    hold.parked.set(key, {
      release: (proceed) => {
        hold.parked.delete(key);
        parked.release(proceed);
      },
    });
  }

  private view(hold: Hold): HoldView {
    return { id: hold.id, kind: hold.kind, ...(hold.name ? { name: hold.name } : {}), phase: hold.phase, held: hold.parked.size, total: hold.total };
  }
}
