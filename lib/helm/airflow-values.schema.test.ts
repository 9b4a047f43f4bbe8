import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { AIRFLOW_VERSIONS, EXECUTORS, SIZES } from "@/lib/environments/catalog";
import { airflowHelmValues } from "./airflow-values";

/**
 * Helm refuses values that break the chart's values.schema.json before it installs anything, so
 * every combination the request form allows is checked against the official chart's schema:
 * AIRFLOW_CHART_SCHEMA, else the reference copy beside the repository.
 */
const schemaPath =
  process.env.AIRFLOW_CHART_SCHEMA || path.resolve(import.meta.dirname, "../../../shared/reference/airflow-chart/values.schema.json");
const required = Boolean(process.env.CI || process.env.AIRFLOW_CHART_SCHEMA);
const available = existsSync(schemaPath);

let compiled: ReturnType<Ajv["compile"]> | undefined;

/** Compiling the chart's schema takes about a second: once per run. */
function validator() {
  if (compiled) return compiled;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // Kubernetes' integer formats, named by the schema; Helm does not check their range either.
  for (const format of ["int32", "int64", "date-time"]) ajv.addFormat(format, () => true);
  compiled = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
  return compiled;
}

describe.skipIf(!available && !required)(`Airflow Helm values against the chart's schema (${schemaPath})`, () => {
  it("exists where it was looked for", () => {
    expect(available, `No values.schema.json at ${schemaPath}: set AIRFLOW_CHART_SCHEMA to the apache-airflow chart's`).toBe(true);
  });

  const dagSources = [null, { repoUrl: "https://github.com/org/dags.git", branch: "main", subPath: "airflow/dags" }];
  const cases = EXECUTORS.flatMap((executor) =>
    AIRFLOW_VERSIONS.flatMap(({ version }) => SIZES.flatMap((size) => dagSources.map((dagSource) => ({ executor, airflowVersion: version, size, dagSource })))),
  );

  it.each(cases)("are valid for $executor, Airflow $airflowVersion, $size, DAGs from git: $dagSource.repoUrl", (input) => {
    const validate = validator();
    const valid = validate(airflowHelmValues(input));
    expect(validate.errors ?? [], "schema errors").toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(AIRFLOW_VERSIONS.map(({ version }) => version))("are valid with Entra sign-in behind the ingress on Airflow %s", (airflowVersion) => {
    const validate = validator();
    const signIn = { authorityHost: "https://login.microsoftonline.com", tenantId: "11111111-1111-4111-8111-111111111111", roleMapping: { "0b7a6c3e-2f1d-4e5a-9c8b-7d6e5f4a3b21": "Op" as const } };
    const valid = validate(airflowHelmValues({ executor: "KubernetesExecutor", airflowVersion, size: "small", dagSource: null, signIn, exposure: "ingress" }));
    expect(validate.errors ?? [], "schema errors").toEqual([]);
    expect(valid).toBe(true);
  });

  it("would catch a value the chart refuses", () => {
    const validate = validator();
    expect(validate({ ...airflowHelmValues(cases[0]!), pgbouncer: { enabled: "yes" } })).toBe(false);
  });
});
