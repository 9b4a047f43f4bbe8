import Ajv, { type ValidateFunction } from "ajv";
import { chartFiles, fetchChartPackage } from "./chart-source";

export { readTar } from "./chart-source";

/**
 * The chart's own `values.schema.json`, read from the chart archive in the Helm repository, so the
 * portal refuses values Helm would refuse before Flux ever sees them.
 */
const cache = new Map<string, ValidateFunction | null>();

/**
 * A validator for `chart` at `version` from the repository at `repoUrl`; null when the repository
 * does not list that version (Flux then reports it in its own words) or the chart has no schema.
 */
export async function chartValuesValidator(repoUrl: string, chart: string, version: string, signal?: AbortSignal): Promise<ValidateFunction | null> {
  const key = `${repoUrl}|${chart}|${version}`;
  if (cache.has(key)) return cache.get(key)!;
  const pkg = await fetchChartPackage(repoUrl, chart, version, signal);
  if (!pkg) return null;
  const schema = chartFiles(pkg).get(`${chart}/values.schema.json`);
  let validator: ValidateFunction | null = null;
  if (schema) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // Kubernetes' integer formats, named by the chart's schema; Helm does not check them either.
    for (const format of ["int32", "int64", "date-time"]) ajv.addFormat(format, () => true);
    validator = ajv.compile(JSON.parse(schema.toString("utf8")) as object);
  }
  cache.set(key, validator);
  return validator;
}

/** Helm's way of naming a schema error: the field's path and what is wrong with it. */
export function describeSchemaErrors(validator: ValidateFunction): string {
  return (validator.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "(root)"}: ${e.message ?? "invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`)
    .join("; ");
}
