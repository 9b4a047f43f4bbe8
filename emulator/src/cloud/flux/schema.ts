import { existsSync, readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";

/** Returns the schema errors of a values object, Helm-style, or an empty list when it is valid. */
export type ValuesValidator = (values: unknown) => string[];

/**
 * Helm validates a chart's values against its values.schema.json before it installs; this does the
 * same for the Airflow chart when given its schema. Without one, values are accepted as they are.
 */
export function loadValuesValidator(schemaPath: string | undefined, log: (message: string) => void): ValuesValidator | undefined {
  if (!schemaPath) {
    log("no Airflow chart schema configured (AIRFLOW_CHART_SCHEMA): HelmRelease values are not validated");
    return undefined;
  }
  if (!existsSync(schemaPath)) {
    log(`Airflow chart schema not found at ${schemaPath}: HelmRelease values are not validated`);
    return undefined;
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // The chart's schema names Kubernetes' integer formats; their range is not what Helm checks.
  ajv.addFormat("int32", { type: "number", validate: () => true });
  ajv.addFormat("int64", { type: "number", validate: () => true });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
  log(`HelmRelease values are validated against ${schemaPath}`);
  return (values) => {
    if (validate(values)) return [];
    return (validate.errors ?? []).map((e) => {
      const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "(root)";
      const extra = e.keyword === "additionalProperties" ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : "";
      return `- ${at}: ${e.message ?? "is invalid"}${extra}`;
    });
  };
}
