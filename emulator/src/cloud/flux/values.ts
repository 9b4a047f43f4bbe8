import { load } from "js-yaml";
import type { KubeClusters } from "../kube/clusters.js";
import { typeOf } from "../kube/discovery.js";
import type { ClusterState, Json } from "../store.js";
import { isPlainObject } from "../util.js";

/** Helm's map merge: maps merge key by key, anything else in `over` wins. */
function mergeMaps(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeMaps(out[k] as Json, v) : v;
  return out;
}

/** Helm's --set typing for a targetPath value: booleans, null and integers are typed, the rest stay strings. */
function typed(raw: string): unknown {
  if (/^['"].*['"]$/.test(raw)) return raw.slice(1, -1);
  if (raw === "true" || raw === "false") return raw === "true";
  if (raw === "null") return null;
  if (/^-?(0|[1-9]\d{0,15})$/.test(raw)) return Number(raw);
  return raw;
}

function setPath(values: Json, path: string, value: unknown) {
  const keys = path.split(".");
  let node = values;
  for (const key of keys.slice(0, -1)) node = (isPlainObject(node[key]) ? node[key] : (node[key] = {})) as Json;
  node[keys[keys.length - 1] as string] = value;
}

/** A `null` in the values removes that key from the chart's defaults (Helm's coalescing rule), so it is not a value at all. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
}

/**
 * helm-controller's values composition: each `valuesFrom` reference in order (a Secret's or
 * ConfigMap's key, `values.yaml` by default, merged as YAML or set at its `targetPath`), then
 * `spec.values` on top. A missing, non-optional reference is an error in helm-controller's words
 * (its Ready=False reason is `ValuesError`).
 */
export function composeValues(kube: KubeClusters, cluster: ClusterState, hr: Json): { values: Json } | { error: string } {
  const spec = (hr.spec ?? {}) as Json;
  const namespace = (hr.metadata as Json).namespace as string;
  let result: Json = {};
  for (const ref of (spec.valuesFrom as Json[] | undefined) ?? []) {
    const kind = String(ref.kind);
    const name = String(ref.name);
    const key = (ref.valuesKey as string | undefined) ?? "values.yaml";
    const optional = ref.optional === true;
    const why = (reason: string) => `could not resolve${optional ? " optional" : ""} ${kind} chart values reference '${namespace}/${name}' with key '${key}': ${reason}`;
    const source = kube.read(cluster, typeOf(kind), namespace, name);
    if (!source) {
      if (optional) continue;
      return { error: why(`${kind === "Secret" ? "secrets" : "configmaps"} "${name}" not found`) };
    }
    const data = ((source.data ?? {}) as Json)[key] as string | undefined;
    if (data === undefined) {
      if (optional) continue;
      return { error: why("key not found") };
    }
    const text = kind === "Secret" ? Buffer.from(data, "base64").toString("utf8") : data;
    if (ref.targetPath) {
      result = mergeMaps(result, (spec.values ?? {}) as Json);
      setPath(result, String(ref.targetPath), typed(text));
      continue;
    }
    let parsed: unknown;
    try {
      parsed = load(text) ?? {};
    } catch (err) {
      return { error: why(`failed to read values data: ${(err as Error).message}`) };
    }
    if (!isPlainObject(parsed)) return { error: why("failed to read values data: error unmarshaling JSON: cannot unmarshal into Go value of type map[string]interface {}") };
    result = mergeMaps(result, parsed);
  }
  return { values: mergeMaps(result, (spec.values ?? {}) as Json) };
}

/** Whether a change to this Secret or ConfigMap concerns the release's valuesFrom. */
export function referencesValues(hr: Json, kind: string, namespace: string, name: string) {
  if ((hr.metadata as Json).namespace !== namespace) return false;
  return (((hr.spec as Json | undefined)?.valuesFrom as Json[] | undefined) ?? []).some((ref) => ref.kind === kind && ref.name === name);
}
