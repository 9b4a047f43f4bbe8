import type { Json } from "../store.js";
import { shortHash } from "../util.js";

/** What the kubelet looks up while it starts a pod, and what it cannot know from the objects alone. */
export interface PodEnvironment {
  read(kind: "Secret" | "ConfigMap" | "PersistentVolumeClaim", name: string): Json | undefined;
  nodeCount: number;
  /** Whether an init container waiting for something outside the pod (a database, a job) may finish. */
  initDone(pod: Json, container: Json): boolean;
  /** How a container that runs to completion (a Job's) ends. */
  exit(pod: Json, container: Json): { exitCode: number; message?: string };
}

/** A pod's status as the kubelet reports it, and the warning events it records on the way. */
export interface PodVerdict {
  status: Json;
  /** Set when the scheduler can place the pod (its claims are bound); the node is the caller's choice. */
  schedulable: boolean;
  events: { reason: string; message: string }[];
}

type Problem = string | undefined;

/** A pod's conditions, in the order the kubelet writes them. */
const CONDITIONS = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];

const decode = (data: unknown) => (data && typeof data === "object" ? (data as Json) : {});

/** The kubelet's words for a Secret or ConfigMap (or one key of it) a container's environment cannot be built from. */
function refProblem(env: PodEnvironment, ns: string, kind: "Secret" | "ConfigMap", ref: Json, key?: string): Problem {
  if (ref.optional === true) return undefined;
  const name = String(ref.name ?? "");
  const obj = env.read(kind, name);
  if (!obj) return `${kind === "Secret" ? "secret" : "configmap"} "${name}" not found`;
  if (key !== undefined && !(key in decode(obj.data)) && !(key in decode(obj.binaryData))) {
    return `couldn't find key ${key} in ${kind} ${ns}/${name}`;
  }
  return undefined;
}

/** Why the kubelet cannot make this container's environment (CreateContainerConfigError), if it cannot. */
export function containerConfigProblem(env: PodEnvironment, ns: string, container: Json): Problem {
  for (const from of (container.envFrom ?? []) as Json[]) {
    const problem = from.secretRef
      ? refProblem(env, ns, "Secret", from.secretRef as Json)
      : from.configMapRef
        ? refProblem(env, ns, "ConfigMap", from.configMapRef as Json)
        : undefined;
    if (problem) return problem;
  }
  for (const variable of (container.env ?? []) as Json[]) {
    const source = (variable.valueFrom ?? {}) as Json;
    const secret = source.secretKeyRef as Json | undefined;
    const configMap = source.configMapKeyRef as Json | undefined;
    const problem = secret
      ? refProblem(env, ns, "Secret", secret, String(secret.key))
      : configMap
        ? refProblem(env, ns, "ConfigMap", configMap, String(configMap.key))
        : undefined;
    if (problem) return problem;
  }
  return undefined;
}

/** MountVolume.SetUp's words for a Secret or ConfigMap volume the kubelet cannot mount, if any. */
function volumeProblem(env: PodEnvironment, volumes: Json[]): Problem {
  const check = (volume: string, kind: "Secret" | "ConfigMap", name: string, source: Json): Problem => {
    if (source.optional === true) return undefined;
    const obj = env.read(kind, name);
    const lower = kind === "Secret" ? "secret" : "configmap";
    const why = `MountVolume.SetUp failed for volume "${volume}" : `;
    if (!obj) return `${why}${lower} "${name}" not found`;
    for (const item of (source.items ?? []) as Json[]) {
      const key = String(item.key);
      if (!(key in decode(obj.data)) && !(key in decode(obj.binaryData))) {
        const missing = kind === "Secret" ? "references non-existent secret key" : "configmap references non-existent config key";
        return `${why}${missing}: ${key}`;
      }
    }
    return undefined;
  };
  for (const v of volumes) {
    const name = String(v.name);
    const secret = v.secret as Json | undefined;
    const configMap = v.configMap as Json | undefined;
    const problem = secret
      ? check(name, "Secret", String(secret.secretName), secret)
      : configMap
        ? check(name, "ConfigMap", String(configMap.name), configMap)
        : undefined;
    if (problem) return problem;
    for (const s of (((v.projected as Json | undefined)?.sources ?? []) as Json[])) {
      const p = s.secret as Json | undefined;
      const c = s.configMap as Json | undefined;
      const found = p ? check(name, "Secret", String(p.name), p) : c && check(name, "ConfigMap", String(c.name), c);
      if (found) return found;
    }
  }
  return undefined;
}

/** Why the scheduler cannot place the pod, in its words: a claim it mounts is missing or not bound. */
function schedulingProblem(env: PodEnvironment, volumes: Json[]): Problem {
  const nodes = env.nodeCount;
  const tail = `preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`;
  for (const v of volumes) {
    const claim = (v.persistentVolumeClaim as Json | undefined)?.claimName;
    if (claim === undefined) continue;
    const pvc = env.read("PersistentVolumeClaim", String(claim));
    if (!pvc) return `0/${nodes} nodes are available: persistentvolumeclaim "${String(claim)}" not found. ${tail}`;
    if ((pvc.status as Json | undefined)?.phase !== "Bound") {
      return `0/${nodes} nodes are available: pod has unbound immediate PersistentVolumeClaims. ${tail}`;
    }
  }
  return undefined;
}

const names = (list: Json[]) => `[${list.map((c) => String(c.name)).join(" ")}]`;

function imageId(image: string) {
  const repo = image.split(":")[0] ?? image;
  return `${repo.includes("/") ? "" : "docker.io/library/"}${repo}@sha256:${shortHash(image, 64)}`;
}

function qosClass(containers: Json[]) {
  const resources = containers.map((c) => (c.resources ?? {}) as Json);
  const any = resources.some((r) => Object.keys(decode(r.requests)).length + Object.keys(decode(r.limits)).length > 0);
  if (!any) return "BestEffort";
  const guaranteed = resources.every((r) => {
    const limits = decode(r.limits);
    const requests = { ...limits, ...decode(r.requests) };
    return ["cpu", "memory"].every((k) => limits[k] !== undefined && String(limits[k]) === String(requests[k]));
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

/**
 * The kubelet's view of one pod, decided from the objects it needs: claims bound (else the pod is
 * not scheduled), Secret and ConfigMap volumes mountable (else ContainerCreating), init containers
 * in order, each container's environment buildable (else CreateContainerConfigError). Containers of
 * a run-to-completion pod (restartPolicy Never or OnFailure) end as `env.exit` says.
 */
export function evaluatePod(pod: Json, env: PodEnvironment, now: string): PodVerdict {
  const metadata = pod.metadata as Json;
  const ns = String(metadata.namespace);
  const spec = (pod.spec ?? {}) as Json;
  const volumes = (spec.volumes ?? []) as Json[];
  const inits = (spec.initContainers ?? []) as Json[];
  const containers = (spec.containers ?? []) as Json[];
  const qos = qosClass([...inits, ...containers]);
  const condition = (type: string, ok: boolean, extra: Json = {}) => ({
    type,
    status: ok ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: now,
    ...extra,
  });

  const unschedulable = schedulingProblem(env, volumes);
  if (unschedulable) {
    const scheduled = condition("PodScheduled", false, { reason: "Unschedulable", message: unschedulable });
    return { status: { phase: "Pending", conditions: [scheduled], qosClass: qos }, schedulable: false, events: [] };
  }

  const hash = parseInt(shortHash(String(metadata.uid ?? metadata.name), 6), 16);
  const podIP = `10.244.${hash % 3}.${10 + (hash % 240)}`;
  const hostIP = `10.224.0.${4 + (hash % 3)}`;
  const placed = { hostIP, hostIPs: [{ ip: hostIP }], podIP, podIPs: [{ ip: podIP }], startTime: now, qosClass: qos };
  const events: PodVerdict["events"] = [];
  const waiting = (c: Json, reason: string, message?: string) => ({
    name: c.name,
    image: c.image,
    imageID: "",
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
  });
  const running = (c: Json, ready: boolean) => ({
    name: c.name,
    image: c.image,
    imageID: imageId(String(c.image)),
    ready,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: now } },
  });
  const terminated = (c: Json, exitCode: number, message?: string) => ({
    name: c.name,
    image: c.image,
    imageID: imageId(String(c.image)),
    ready: false,
    restartCount: 0,
    started: false,
    state: {
      terminated: {
        exitCode,
        reason: exitCode === 0 ? "Completed" : "Error",
        ...(message ? { message } : {}),
        startedAt: now,
        finishedAt: now,
      },
    },
  });
  const pending = (initStatuses: Json[], containerStatuses: Json[], readyToStart: boolean) => {
    const unready = { reason: "ContainersNotReady", message: `containers with unready status: ${names(containers)}` };
    const incomplete = inits.filter((_, i) => !(initStatuses[i]?.state as Json | undefined)?.terminated);
    return {
      phase: "Pending",
      conditions: [
        condition("PodReadyToStartContainers", readyToStart),
        condition("Initialized", incomplete.length === 0, incomplete.length === 0 ? {} : {
          reason: "ContainersNotInitialized",
          message: `containers with incomplete status: ${names(incomplete)}`,
        }),
        condition("Ready", false, unready),
        condition("ContainersReady", false, unready),
        condition("PodScheduled", true),
      ],
      ...placed,
      ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
      containerStatuses,
    };
  };

  const mount = volumeProblem(env, volumes);
  if (mount) {
    events.push({ reason: "FailedMount", message: mount });
    const initStatuses = inits.map((c) => waiting(c, "PodInitializing"));
    const statuses = containers.map((c) => waiting(c, inits.length ? "PodInitializing" : "ContainerCreating"));
    return { status: pending(initStatuses, statuses, false), schedulable: true, events };
  }

  // Init containers run one after another: the first that cannot finish holds the rest, and the pod.
  const initStatuses: Json[] = [];
  for (const [i, c] of inits.entries()) {
    const problem = containerConfigProblem(env, ns, c);
    if (!problem && env.initDone(pod, c)) {
      initStatuses.push(terminated(c, 0));
      continue;
    }
    if (problem) events.push({ reason: "Failed", message: `Error: ${problem}` });
    initStatuses.push(problem ? waiting(c, "CreateContainerConfigError", problem) : running(c, false));
    for (const rest of inits.slice(i + 1)) initStatuses.push(waiting(rest, "PodInitializing"));
    const held = containers.map((x) => waiting(x, "PodInitializing"));
    return { status: pending(initStatuses, held, true), schedulable: true, events };
  }

  const runToCompletion = spec.restartPolicy === "Never" || spec.restartPolicy === "OnFailure";
  const statuses = containers.map((c) => {
    const problem = containerConfigProblem(env, ns, c);
    if (problem) {
      events.push({ reason: "Failed", message: `Error: ${problem}` });
      return waiting(c, "CreateContainerConfigError", problem);
    }
    if (!runToCompletion) return running(c, true);
    const { exitCode, message } = env.exit(pod, c);
    return terminated(c, exitCode, message);
  });
  const state = (s: Json) => s.state as Json;
  if (statuses.some((s) => state(s).waiting)) {
    return { status: pending(initStatuses, statuses, true), schedulable: true, events };
  }
  if (runToCompletion) {
    const failed = statuses.some((s) => ((state(s).terminated as Json).exitCode as number) !== 0);
    const done = { reason: "PodCompleted" };
    return {
      status: {
        phase: failed ? "Failed" : "Succeeded",
        conditions: [
          condition("PodReadyToStartContainers", false),
          condition("Initialized", true, done),
          condition("Ready", false, done),
          condition("ContainersReady", false, done),
          condition("PodScheduled", true),
        ],
        ...placed,
        ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
        containerStatuses: statuses,
      },
      schedulable: true,
      events,
    };
  }
  return {
    status: {
      phase: "Running",
      conditions: CONDITIONS.map((t) => condition(t, true)),
      ...placed,
      ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
      containerStatuses: statuses,
    },
    schedulable: true,
    events,
  };
}

const TIMES = new Set(["lastTransitionTime", "lastProbeTime", "startedAt", "finishedAt", "startTime", "lastUpdateTime"]);

/** A status without its timestamps: two statuses that differ only in time are the same state. */
export function statusEssence(status: unknown): string {
  return JSON.stringify(status ?? null, (key, value: unknown) => (TIMES.has(key) ? undefined : value));
}
