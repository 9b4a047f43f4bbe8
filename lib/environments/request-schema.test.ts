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
  airflowVersion: "3.2.2",
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
    // Kept for the environments that run them (chart 1.18.0), not offered to new requests.
    expect(errorsFor({ ...valid, airflowVersion: "3.0.6" }).airflowVersion).toBeDefined();
    expect(errorsFor({ ...valid, airflowVersion: "2.10.5" }).airflowVersion).toBeDefined();
    expect(errorsFor({ ...valid, airflowVersion: "2.11.2" })).toEqual({});
    expect(errorsFor({ ...valid, team: "" }).team).toBeDefined();
  });

  it("wires an https git repository with a default branch", () => {
    const result = schema.parse({ ...valid, dagRepoUrl: "https://github.com/org/dags.git", dagSubPath: "airflow/dags" });
    expect(result.dagBranch).toBe("main");
    expect(result.dagSubPath).toBe("airflow/dags");
  });

  it.each<[Record<string, string>, string]>([
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
    // What git check-ref-format --branch refuses.
    ...["-main", "-", "@", ".hidden", "feature/.hidden", "a.lock", "a.lock/b", "a/", "/a", "a//b", "a.", "a@{1}", "a\u0000b", "a\tb", "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b"].map(
      (dagBranch): [Record<string, string>, string] => [{ dagRepoUrl: "https://github.com/org/dags.git", dagBranch }, "dagBranch"],
    ),
    // Hosts inside the cluster's or Azure's own networks, however the address is spelt.
    ...[
      "https://127.0.0.1/org/dags.git", "https://2130706433/org/dags.git", "https://0x7f.1/org/dags.git", "https://10.1.2.3/dags.git",
      "https://172.16.0.1/dags.git", "https://192.168.1.1/dags.git", "https://169.254.169.254/metadata", "https://100.64.0.1/dags.git",
      "https://0.0.0.0/dags.git", "https://[::1]/dags.git", "https://[fe80::1]/dags.git", "https://[fd00::1]/dags.git",
      "https://[::ffff:127.0.0.1]/dags.git", "https://localhost/dags.git", "https://localhost:8443/dags.git",
      "https://localhost./dags.git", "https://localhost%2e/dags.git", "https://a.localhost./dags.git", "https://0177.0.0.1/dags.git",
      "https://127.1/dags.git", "https://metadata.google.internal/x", "https://[::ffff:7f00:1]/dags.git",
    ].map((dagRepoUrl): [Record<string, string>, string] => [{ dagRepoUrl }, "dagRepoUrl"]),
  ])("refuses the DAG source %j", (extra, field) => {
    expect(errorsFor({ ...valid, ...extra })[field as "dagRepoUrl"]).toBeDefined();
  });

  it.each(["main", "feature/x-1", "release/2.10", "users/ana/fix_bug", "v1.2.3"])("takes the branch %s", (dagBranch) => {
    expect(errorsFor({ ...valid, dagRepoUrl: "https://github.com/org/dags.git", dagBranch })).toEqual({});
  });

  it("takes public hosts and addresses, and with PORTAL_DAG_HOSTS only those hosts", () => {
    expect(errorsFor({ ...valid, dagRepoUrl: "https://8.8.8.8/org/dags.git" })).toEqual({});
    expect(errorsFor({ ...valid, dagRepoUrl: "https://172.32.0.1/org/dags.git" })).toEqual({});
    const allowList = { ...DEFAULT_CATALOG, dagHosts: ["github.com", ".git.contoso.example"] };
    const errors = (dagRepoUrl: string) => {
      const result = makeRequestSchema(allowList, now).safeParse({ ...valid, dagRepoUrl });
      return result.success ? {} : fieldErrorsOf(result.error);
    };
    expect(errors("https://github.com/org/dags.git")).toEqual({});
    expect(errors("https://dev.git.contoso.example/org/dags.git")).toEqual({});
    expect(errors("https://gitlab.com/org/dags.git").dagRepoUrl?.join(" ")).toMatch(/github\.com/);
    expect(errors("https://evilgithub.com/org/dags.git").dagRepoUrl).toBeDefined();
  });

  it.each(["\u0000", "\u202E", "\u2066", "\u200B", "\uFEFF"])("refuses a purpose hiding the character U+%s with a field message", (ch) => {
    const purpose = `Nightly ${ch}sales`;
    expect(errorsFor({ ...valid, purpose }).purpose?.join(" ")).toMatch(/invisible or direction-changing/);
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
