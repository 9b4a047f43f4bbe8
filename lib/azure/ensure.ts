import { setTimeout as sleep } from "node:timers/promises";
import { toCloudError } from "./errors";

/** States in which Azure is still working on a resource: wait rather than write to it again. */
const IN_PROGRESS = new Set(["Creating", "Updating", "Accepted", "InProgress", "Provisioning", "Deleting", "Starting", "Stopping", "Dropping", "Upgrading", "Scaling", "Migrating", "Restarting", "ResolvingDNS"]);
const DONE = new Set(["Succeeded", "Ready"]);

export type StateOf<T> = (resource: T) => string | undefined;

async function getOrNull<T>(get: () => Promise<T>): Promise<T | null> {
  try {
    return await get();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

/**
 * Brings an ARM resource into existence exactly once: an existing, finished resource is taken as
 * it is; one that Azure is still creating (a previous worker's PUT) is waited for instead of
 * written again, which Azure would refuse while its operation runs; only a missing or failed
 * one is PUT. `put` waits for its long-running operation.
 */
export async function ensureArmResource<T>(options: {
  get: () => Promise<T>;
  put: () => Promise<T>;
  state: StateOf<T>;
  pollMs: number;
  signal?: AbortSignal;
  onWait?: (state: string) => Promise<void> | void;
}): Promise<{ resource: T; created: boolean }> {
  let existing = await getOrNull(options.get);
  let announced = false;
  while (existing && IN_PROGRESS.has(options.state(existing) ?? "")) {
    if (!announced) await options.onWait?.(options.state(existing)!);
    announced = true;
    await sleep(options.pollMs, undefined, { signal: options.signal });
    existing = await getOrNull(options.get);
  }
  if (existing && DONE.has(options.state(existing) ?? "Succeeded")) return { resource: existing, created: false };
  try {
    return { resource: await options.put(), created: true };
  } catch (error) {
    throw toCloudError(error);
  }
}

/**
 * Reads a resource once Azure has finished working on it: while its state is in progress (another
 * worker's update, stop or start still running), waits and reads again. A step that compares the
 * resource with what it wants must not judge it mid-operation: a resumed step would otherwise send
 * the same change again, which Azure refuses while the first runs.
 */
export async function readSettled<T>(options: { get: () => Promise<T>; state: StateOf<T>; pollMs: number; signal?: AbortSignal; onWait?: (state: string) => Promise<void> | void }): Promise<T> {
  let resource = await options.get();
  let announced = false;
  while (IN_PROGRESS.has(options.state(resource) ?? "")) {
    if (!announced) await options.onWait?.(options.state(resource)!);
    announced = true;
    await sleep(options.pollMs, undefined, { signal: options.signal });
    resource = await options.get();
  }
  return resource;
}
