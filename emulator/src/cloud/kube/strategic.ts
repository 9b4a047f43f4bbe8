import type { Json } from "../store.js";
import { deepClone, isPlainObject } from "../util.js";
import { badRequest } from "./status.js";

/**
 * The `patchStrategy:"merge"` / `patchMergeKey` tags of the Kubernetes Go types for the built-in
 * kinds served here, by field path (list indices left out). A list not named here is replaced
 * whole, as for any field without a strategy; "" marks a list of scalars merged as a set.
 */
const POD_SPEC: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  "containers.ports": "containerPort",
  "initContainers.ports": "containerPort",
  "containers.env": "name",
  "initContainers.env": "name",
  "containers.volumeMounts": "mountPath",
  "initContainers.volumeMounts": "mountPath",
  "containers.volumeDevices": "devicePath",
  "containers.resizePolicy": "resourceName",
  volumes: "name",
  imagePullSecrets: "name",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  schedulingGates: "name",
  resourceClaims: "name",
};
const METADATA: Record<string, string> = { finalizers: "", ownerReferences: "uid" };

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

function mergeKeyOf(kind: string, path: string[]): string | undefined {
  const metaAt = path.lastIndexOf("metadata");
  if (metaAt >= 0 && metaAt === path.length - 2) return METADATA[path[path.length - 1] as string];
  const dotted = path.join(".");
  const podPath = kind === "Pod" ? (dotted.startsWith("spec.") ? dotted.slice(5) : undefined) : WORKLOADS.has(kind) && dotted.startsWith("spec.template.spec.") ? dotted.slice(19) : undefined;
  if (podPath !== undefined) return POD_SPEC[podPath];
  if (kind === "Service" && dotted === "spec.ports") return "port";
  if (kind === "ServiceAccount" && (dotted === "secrets" || dotted === "imagePullSecrets")) return "name";
  if (WORKLOADS.has(kind) && dotted === "status.conditions") return "type";
  if (kind === "Node" && (dotted === "status.conditions" || dotted === "status.addresses")) return dotted === "status.conditions" ? "type" : "address";
  if (kind === "Pod" && dotted === "status.conditions") return "type";
  return undefined;
}

const SET_ORDER = "$setElementOrder/";
const DELETE_FROM = "$deleteFromPrimitiveList/";

const sameKey = (a: unknown, b: unknown, key: string) => isPlainObject(a) && isPlainObject(b) && JSON.stringify(a[key]) === JSON.stringify(b[key]);

/** Orders `list` as `order` says (by merge key, or by value for scalars); elements it does not name keep their place after those it does. */
function reorder(list: unknown[], order: unknown[], key: string): unknown[] {
  const matches = (item: unknown, o: unknown) => (key ? sameKey(item, o, key) : JSON.stringify(item) === JSON.stringify(o));
  const named = order.flatMap((o) => list.filter((item) => matches(item, o)));
  return [...named, ...list.filter((item) => !named.includes(item))];
}

function mergeList(kind: string, path: string[], existing: unknown, patch: unknown[], key: string): unknown[] {
  if (patch.some((el) => isPlainObject(el) && el.$patch === "replace")) return patch.filter((el) => !(isPlainObject(el) && el.$patch === "replace")).map((el) => apply(kind, path, undefined, el));
  const out = Array.isArray(existing) ? [...existing] : [];
  if (key === "") {
    for (const value of patch) if (!out.some((v) => JSON.stringify(v) === JSON.stringify(value))) out.push(value);
    return out;
  }
  for (const el of patch) {
    if (!isPlainObject(el)) throw badRequest(`unable to find api field in struct for the list element ${JSON.stringify(el)} of ${path.join(".")}`);
    if (el[key] === undefined) throw badRequest(`map: ${JSON.stringify(el)} does not contain declared merge key: ${key}`);
    const at = out.findIndex((item) => sameKey(item, el, key));
    if (el.$patch === "delete") {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    const merged = apply(kind, path, at >= 0 ? out[at] : undefined, el);
    if (at >= 0) out[at] = merged;
    else out.push(merged);
  }
  return out;
}

/** Applies one level of a strategic merge patch; undefined means "remove this value". */
function apply(kind: string, path: string[], target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  if (patch.$patch === "delete") return undefined;
  if (patch.$patch === "replace") {
    const { $patch: _ignored, ...rest } = patch;
    return apply(kind, path, undefined, rest);
  }
  const out: Json = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    const at = [...path, k];
    if (v === null) delete out[k];
    else if (Array.isArray(v)) {
      const key = mergeKeyOf(kind, at);
      out[k] = key === undefined ? v.map((el) => apply(kind, at, undefined, el)) : mergeList(kind, at, out[k], v, key);
    } else if (isPlainObject(v)) {
      const merged = apply(kind, at, out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_FROM) && Array.isArray(v)) {
      const field = k.slice(DELETE_FROM.length);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x)));
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(SET_ORDER) && Array.isArray(v)) {
      const field = k.slice(SET_ORDER.length);
      if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], v, mergeKeyOf(kind, [...path, field]) ?? "");
    }
  }
  if (patch.$retainKeys !== undefined) {
    // Keys not listed are cleared: how a patch switches a union (a volume's source, a strategy's type).
    if (!Array.isArray(patch.$retainKeys)) throw badRequest("$retainKeys must be a list of strings");
    const retained = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!retained.has(k)) delete out[k];
  }
  return out;
}

/** Strategic merge patch (application/strategic-merge-patch+json) of a built-in kind's object. */
export function strategicMergePatch(kind: string, target: Json, patch: unknown): Json {
  if (!isPlainObject(patch)) throw badRequest("a strategic merge patch must be a JSON object");
  const out = apply(kind, [], target, patch);
  if (!isPlainObject(out)) throw badRequest("a strategic merge patch cannot delete the whole object");
  return out;
}
