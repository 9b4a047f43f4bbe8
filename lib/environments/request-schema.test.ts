import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "./catalog";
import { expiryBounds, fieldErrorsOf, makeRequestSchema } from "./request-schema";

const now = new Date("2026-11-24T12:00:00Z");
const schema = makeRequestSchema(DEFAULT_CATALOG, now);
const valid = {
  name: "sales-etl",
  team: "analytics",
  purpose: "Nightly sales pipelines",
  region: "westeurope",
  size: "small",
  executor: "CeleryExecutor",
  airflowVersion: "3.0.6",
};

function errorsFor(input: Record<string, unknown>) {
  const result = schema.safeParse(input);
  return result.success ? {} : fieldErrorsOf(result.error);
}

describe("request schema", () => {
  it("accepts a complete request and defaults the executor to Kubernetes", () => {
    const { executor: _omit, ...rest } = valid;
    const result = schema.parse(rest);
    expect(result.executor).toBe("KubernetesExecutor");
    expect(result.dagBranch).toBeUndefined();
  });

  it.each([
    ["ab", /at least 3/],
    ["a".repeat(25), /at most 24/],
    ["Sales", /lowercase/],
    ["1sales", /lowercase/],
    ["sales-", /lowercase/],
    ["sales_etl", /lowercase/],
    ["sales.etl", /lowercase/],
    ["sales--etl", /two hyphens/],
    ["", /at least 3/],
  ])("refuses the name %j", (name, message) => {
    expect(errorsFor({ ...valid, name }).name?.join(" ")).toMatch(message);
  });

  it("accepts the longest allowed name", () => {
    const name = "a".repeat(23) + "9";
    expect(errorsFor({ ...valid, name })).toEqual({});
  });

  it("requires a purpose of at most 1,000 characters", () => {
    expect(errorsFor({ ...valid, purpose: "   " }).purpose).toBeDefined();
    expect(errorsFor({ ...valid, purpose: "x".repeat(1001) }).purpose).toBeDefined();
    expect(errorsFor({ ...valid, purpose: "x".repeat(1000) })).toEqual({});
  });

  it("only offers configured regions, sizes, executors and versions", () => {
    expect(errorsFor({ ...valid, region: "mars-north" }).region).toBeDefined();
    expect(errorsFor({ ...valid, size: "huge" }).size).toBeDefined();
    expect(errorsFor({ ...valid, executor: "Kubernetes" }).executor).toBeDefined();
    expect(errorsFor({ ...valid, airflowVersion: "1.10.15" }).airflowVersion).toBeDefined();
    expect(errorsFor({ ...valid, team: "" }).team).toBeDefined();
  });

  it("wires an https git repository with a default branch", () => {
    const result = schema.parse({ ...valid, dagRepoUrl: "https://github.com/org/dags.git", dagSubPath: "airflow/dags" });
    expect(result.dagBranch).toBe("main");
    expect(result.dagSubPath).toBe("airflow/dags");
  });

  it.each([
    [{ dagRepoUrl: "git@github.com:org/dags.git" }, "dagRepoUrl"],
    [{ dagRepoUrl: "http://github.com/org/dags.git" }, "dagRepoUrl"],
    [{ dagRepoUrl: "https://user:pw@github.com/org/dags.git" }, "dagRepoUrl"],
    [{ dagRepoUrl: "https://github.com/org/dags.git?private_token=abc" }, "dagRepoUrl"],
    [{ dagRepoUrl: "https://github.com/org/dags.git#main" }, "dagRepoUrl"],
    [{ dagRepoUrl: "https://github.com/org/dags.git", dagBranch: "feature..x" }, "dagBranch"],
    [{ dagRepoUrl: "https://github.com/org/dags.git", dagBranch: "has space" }, "dagBranch"],
    [{ dagRepoUrl: "https://github.com/org/dags.git", dagSubPath: "../etc" }, "dagSubPath"],
    [{ dagRepoUrl: "https://github.com/org/dags.git", dagSubPath: "/abs" }, "dagSubPath"],
    [{ dagBranch: "main" }, "dagRepoUrl"],
  ])("refuses the DAG source %j", (extra, field) => {
    expect(errorsFor({ ...valid, ...extra })[field as "dagRepoUrl"]).toBeDefined();
  });

  it("takes an expiry after today and within a year", () => {
    expect(errorsFor({ ...valid, expiresOn: "2026-11-24" }).expiresOn).toBeDefined();
    expect(errorsFor({ ...valid, expiresOn: "2027-02-30" }).expiresOn?.join(" ")).toMatch(/real date/);
    expect(errorsFor({ ...valid, expiresOn: "2028-01-01" }).expiresOn).toBeDefined();
    expect(errorsFor({ ...valid, expiresOn: "24/12/2026" }).expiresOn).toBeDefined();
    expect(errorsFor({ ...valid, expiresOn: "2026-12-24" })).toEqual({});
    expect(errorsFor({ ...valid, expiresOn: "" })).toEqual({});
  });

  it("gives the date picker the same bounds as the rule", () => {
    const { min, max } = expiryBounds(now);
    expect(min).toBe("2026-11-25");
    expect(errorsFor({ ...valid, expiresOn: min })).toEqual({});
    expect(errorsFor({ ...valid, expiresOn: max })).toEqual({});
    const dayAfter = new Date(`${max}T00:00:00Z`);
    dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
    expect(errorsFor({ ...valid, expiresOn: dayAfter.toISOString().slice(0, 10) }).expiresOn).toBeDefined();
  });
});
