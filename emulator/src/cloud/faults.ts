import { randomUUID } from "node:crypto";

export type FaultType = "http" | "operationFailed" | "helmInstallFailed" | "airflowUnhealthy" | "migrationFailed";

export interface FaultMatch {
  /** Operation kind(s): resourceGroup, managedCluster, postgresServer, … or "kube". */
  kind?: string | string[];
  /** Resource name; `*` matches any run of characters. */
  name?: string;
  method?: string;
}

export interface FaultRule {
  id: string;
  type: FaultType;
  match?: FaultMatch;
  /** How many more times it fires; absent = until removed. */
  count?: number;
  /** Chance in [0, 1] that a matching call is hit; absent = always. */
  probability?: number;
  /** http: the status (429, 500, 503…) and, for 429/503, Retry-After seconds. */
  status?: number;
  retryAfterSeconds?: number;
  /** operationFailed / helmInstallFailed / migrationFailed: the error reported. */
  code?: string;
  message?: string;
  /** airflowUnhealthy: which component reports unhealthy (default scheduler). */
  component?: string;
  /** How many calls it has hit so far (kept after it is used up, until the faults are cleared). */
  served?: number;
}

/**
 * A small seeded generator (mulberry32), so a run with injected faults can be played again: the
 * same seed and the same calls hit the same faults.
 */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultTarget {
  kind: string;
  name?: string;
  method?: string;
}

const TYPES: FaultType[] = ["http", "operationFailed", "helmInstallFailed", "airflowUnhealthy", "migrationFailed"];

function globMatches(pattern: string, value: string) {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(value);
}

function matches(rule: FaultRule, target: FaultTarget) {
  const m = rule.match ?? {};
  const kinds = m.kind === undefined ? undefined : Array.isArray(m.kind) ? m.kind : [m.kind];
  // Kubernetes calls are only hit when a rule asks for them: "a fifth of ARM calls" must not break kubectl.
  if (kinds ? !kinds.includes(target.kind) : target.kind === "kube") return false;
  if (m.method && m.method.toUpperCase() !== target.method?.toUpperCase()) return false;
  if (m.name && !(target.name && globMatches(m.name, target.name))) return false;
  return true;
}

/** Injected faults, in memory: they are test and demo knobs, not part of the emulated cloud. */
export class Faults {
  private rules: FaultRule[] = [];
  /** Every rule added since the last clear, used up or not, with how often it fired. */
  private added: FaultRule[] = [];
  private random: () => number;
  seed: number;

  constructor(seed = Number(process.env.EMULATOR_FAULT_SEED ?? Date.now() % 2 ** 31)) {
    this.seed = seed;
    this.random = seededRandom(seed);
  }

  /** Restarts the generator probabilistic faults draw from. */
  reseed(seed: number) {
    if (!Number.isInteger(seed)) throw new Error("a seed is an integer");
    this.seed = seed;
    this.random = seededRandom(seed);
  }

  list() {
    return this.rules;
  }

  /** Each rule added since the last clear, with `served`: proof a test's fault really fired. */
  served() {
    return this.added;
  }

  add(input: unknown): FaultRule {
    if (typeof input !== "object" || input === null) throw new Error("a fault is a JSON object");
    const rule = { ...(input as Partial<FaultRule>), id: randomUUID(), served: 0 } as FaultRule;
    if (!TYPES.includes(rule.type)) throw new Error(`fault type must be one of ${TYPES.join(", ")}`);
    if (rule.type === "http" && !(typeof rule.status === "number" && rule.status >= 400 && rule.status <= 599)) {
      throw new Error("an http fault needs a status between 400 and 599");
    }
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new Error("probability must be between 0 and 1");
    }
    if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0)) throw new Error("count must be a positive integer");
    this.rules.push(rule);
    this.added.push(rule);
    return rule;
  }

  remove(id: string) {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear() {
    this.rules = [];
    this.added = [];
  }

  /** The first rule of `type` that fires for `target`; firing uses up one of its count. */
  take(type: FaultType, target: FaultTarget): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.type !== type || !matches(rule, target)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.served = (rule.served ?? 0) + 1;
      if (rule.count !== undefined) {
        rule.count--;
        if (rule.count <= 0) this.remove(rule.id);
      }
      return rule;
    }
    return undefined;
  }

  /** Like take, without using it up: for standing conditions such as an unhealthy Airflow. */
  peek(type: FaultType, target: FaultTarget): FaultRule | undefined {
    const rule = this.rules.find((r) => r.type === type && matches(r, target));
    if (rule) rule.served = (rule.served ?? 0) + 1;
    return rule;
  }
}
