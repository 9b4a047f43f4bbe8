import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { AIRFLOW_VERSIONS, EXECUTORS, SIZES } from "@/lib/environments/catalog";
import { airflowHelmValues } from "./airflow-values";

/**
 * Helm refuses values that break the chart's values.schema.json before it installs anything, so
 * every combination the request form allows, and every Airflow version environments still run, is
 * checked against the schema of the chart version it is deployed with: the official chart packages
 * in AIRFLOW_CHARTS_DIR (else the reference copy beside the repository).
 */
const chartsDir = process.env.AIRFLOW_CHARTS_DIR || path.resolve(import.meta.dirname, "../../../shared/reference/airflow-chart/charts");
const schemaPath = (chartVersion: string) => path.join(chartsDir, chartVersion, "values.schema.json");
const required = Boolean(process.env.CI || process.env.AIRFLOW_CHARTS_DIR || process.env.AIRFLOW_CHART_SCHEMA);
const available = AIRFLOW_VERSIONS.every((v) => existsSync(schemaPath(v.chartVersion)));

const compiled = new Map<string, ReturnType<Ajv["compile"]>>();

/** Compiling a chart's schema takes about a second: once per chart version and run. */
function validator(chartVersion: string) {
  let validate = compiled.get(chartVersion);
  if (validate) return validate;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // Kubernetes' integer formats, named by the schema; Helm does not check their range either.
  for (const format of ["int32", "int64", "date-time", "uri", "email"]) ajv.addFormat(format, () => true);
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath(chartVersion), "utf8")) as object);
  compiled.set(chartVersion, validate);
  return validate;
}

describe.skipIf(!available && !required)(`Airflow Helm values against each chart version's schema (${chartsDir})`, () => {
  it("exist where they were looked for", () => {
    expect(available, `No values.schema.json under ${chartsDir}/<version>: set AIRFLOW_CHARTS_DIR to the unpacked apache-airflow chart packages`).toBe(true);
  });

  // Seconds each on a busy machine: compiled once here rather than inside the first case's time limit.
  beforeAll(() => {
    if (available) for (const chartVersion of new Set(AIRFLOW_VERSIONS.map((v) => v.chartVersion))) validator(chartVersion);
  }, 120_000);

  const dagSources = [null, { repoUrl: "https://github.com/org/dags.git", branch: "main", subPath: "airflow/dags" }];
  const cases = EXECUTORS.flatMap((executor) =>
    AIRFLOW_VERSIONS.flatMap(({ version, chartVersion }) =>
      SIZES.flatMap((size) => dagSources.map((dagSource) => ({ executor, airflowVersion: version, chartVersion, size, dagSource }))),
    ),
  );

  it.each(cases)("are valid for $executor, Airflow $airflowVersion (chart $chartVersion), $size, DAGs from git: $dagSource.repoUrl", (input) => {
    const validate = validator(input.chartVersion);
    const valid = validate(airflowHelmValues(input));
    expect(validate.errors ?? [], "schema errors").toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(AIRFLOW_VERSIONS.map(({ version, chartVersion }) => ({ airflowVersion: version, chartVersion })))("are valid with Entra sign-in behind the ingress on Airflow $airflowVersion", ({ airflowVersion, chartVersion }) => {
    const validate = validator(chartVersion);
    const signIn = { authorityHost: "https://login.microsoftonline.com", tenantId: "11111111-1111-4111-8111-111111111111", roleMapping: { "0b7a6c3e-2f1d-4e5a-9c8b-7d6e5f4a3b21": "Op" as const } };
    const valid = validate(airflowHelmValues({ executor: "KubernetesExecutor", airflowVersion, size: "small", dagSource: null, signIn, exposure: "ingress" }));
    expect(validate.errors ?? [], "schema errors").toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(EXECUTORS.flatMap((executor) => AIRFLOW_VERSIONS.map(({ version, chartVersion }) => ({ executor, airflowVersion: version, chartVersion }))))(
    "are valid with workload identity and task logs in Blob Storage for $executor on Airflow $airflowVersion (chart $chartVersion)",
    (input) => {
      const validate = validator(input.chartVersion);
      const valid = validate(
        airflowHelmValues({
          ...input,
          size: "small",
          dagSource: null,
          workloadIdentity: { clientId: "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" },
          taskLogs: { blobEndpoint: "https://stsalesetl0a1b2c.blob.core.windows.net/", container: "airflow-logs", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
        }),
      );
      expect(validate.errors ?? [], "schema errors").toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it("would catch a value the chart refuses", () => {
    const validate = validator(cases[0]!.chartVersion);
    expect(validate({ ...airflowHelmValues(cases[0]!), pgbouncer: { enabled: "yes" } })).toBe(false);
  });
});
