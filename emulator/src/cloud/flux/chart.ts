import type { Json } from "../store.js";

/** What the emulated Airflow chart needs to know about a release, read from its values. */
export interface ReleaseFacts {
  release: string;
  namespace: string;
  chartVersion: string;
  airflowVersion: string;
  airflowMajor: number;
  executor: string;
}

const CHART_DEFAULT_AIRFLOW = "3.0.5";
const CHART_DEFAULT_VERSION = "1.18.0";

const get = (values: Json, path: string): unknown => path.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Json)[key] : undefined), values);

/**
 * Flux's naming: spec.releaseName, else <targetNamespace>-<name> when a target namespace is set, else
 * the name. `resolve` turns the requested version (a constraint) into the repository's version.
 */
export function releaseFacts(hr: Json, resolve?: (constraint: string) => string | undefined): ReleaseFacts {
  const metadata = hr.metadata as Json;
  const spec = hr.spec as Json;
  const values = (spec.values ?? {}) as Json;
  const target = spec.targetNamespace as string | undefined;
  const release = (spec.releaseName as string | undefined) ?? (target ? `${target}-${metadata.name as string}` : (metadata.name as string));
  const requested = String(((spec.chart as Json | undefined)?.spec as Json | undefined)?.version ?? "");
  const tag = String(get(values, "images.airflow.tag") ?? get(values, "defaultAirflowTag") ?? "");
  const airflowVersion = String(get(values, "airflowVersion") ?? (/^\d+\.\d+\.\d+/.exec(tag)?.[0] ?? CHART_DEFAULT_AIRFLOW));
  return {
    release,
    namespace: target ?? (metadata.namespace as string),
    chartVersion: resolve?.(requested) ?? (/^\d+\.\d+\.\d+$/.test(requested) ? requested : CHART_DEFAULT_VERSION),
    airflowVersion,
    airflowMajor: Number(airflowVersion.split(".")[0]) || 3,
    executor: String(values.executor ?? "CeleryExecutor"),
  };
}
