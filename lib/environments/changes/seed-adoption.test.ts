import { describe, expect, it } from "vitest";
import { deriveNames } from "@/lib/environments/naming";
import { environmentHelmValues } from "@/lib/helm/airflow-values";
import { asPlanned, seedAdoption } from "./seed-adoption";

const spec = {
  executor: "CeleryExecutor" as const,
  airflowVersion: "3.2.2",
  chartVersion: "1.22.0",
  size: "small" as const,
  dagSource: null,
  team: { name: "Analytics", entraGroupId: "6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02" },
  names: deriveNames("sales-etl", "0a1b2c"),
};
const settings = { helmRepositoryUrl: "https://airflow.apache.org", airflowExposure: "internal" as const, airflowAccess: null };

describe("an environment without the identity and task logs", () => {
  it("is planned with both, named as they will be, and with no log disks", () => {
    const values = environmentHelmValues(asPlanned(spec), settings);
    expect(values).toMatchObject({
      labels: { "azure.workload.identity/use": "true" },
      config: { logging: { remote_logging: "True" }, azure_remote_logging: { remote_wasb_log_container: "airflow-logs" } },
      triggerer: { persistence: { enabled: false } },
      workers: { celery: { persistence: { enabled: false } } },
    });
    expect(JSON.stringify(values.env)).toContain("https://stsalesetl0a1b2c.blob.core.windows.net/");
    expect(seedAdoption(spec)?.azure.map((a) => a.property)).toEqual(["id-airflow-sales-etl", "stsalesetl0a1b2c"]);
  });

  it("is left as it is once it has them", () => {
    const built = { ...spec, workloadIdentity: { clientId: "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" } };
    expect(seedAdoption(built)).toBeNull();
    expect(asPlanned(built)).toBe(built);
  });
});
