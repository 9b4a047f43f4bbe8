import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_CATALOG } from "@/lib/environments/catalog";
import { makeChangeRequestSchema } from "./change-request";
import type { ReleaseObject } from "@/lib/environments/release-objects";
import { poolNameFor } from "@/lib/provisioning/steps/scale";
import { diffValues } from "./values-diff";
import { claimsLeftBehind, diffObjects } from "./what-if";

const o = (kind: string, name: string, digest: string, extra: Partial<ReleaseObject> = {}): ReleaseObject => ({ kind, name, category: "workloads", digest, ...extra });

describe("the what-if's comparisons", () => {
  it("diffs Helm values leaf by leaf, lists whole, in path order", () => {
    const before = { executor: "CeleryExecutor", redis: { enabled: true, persistence: { size: "4Gi" } }, env: [{ name: "A", value: "1" }] };
    const after = { executor: "KubernetesExecutor", redis: { enabled: false }, env: [{ name: "A", value: "1" }], workers: { replicas: 0 } };
    expect(diffValues(before, after)).toEqual([
      { path: "executor", before: '"CeleryExecutor"', after: '"KubernetesExecutor"' },
      { path: "redis.enabled", before: "true", after: "false" },
      { path: "redis.persistence.size", before: '"4Gi"' },
      { path: "workers.replicas", after: "0" },
    ]);
    expect(diffValues(before, structuredClone(before))).toEqual([]);
  });

  it("compares rendered objects by kind and name, and by digest; hooks are left out", () => {
    const before = [o("StatefulSet", "airflow-redis", "a"), o("Deployment", "airflow-scheduler", "b"), o("Service", "airflow-api-server", "c"), o("Job", "airflow-create-user", "x", { hook: { events: ["post-install"], weight: 1 } })];
    const after = [o("Deployment", "airflow-scheduler", "B"), o("Service", "airflow-api-server", "c"), o("Role", "airflow-pod-launcher", "d")];
    expect(diffObjects(before, after)).toEqual({
      added: [{ kind: "Role", name: "airflow-pod-launcher" }],
      removed: [{ kind: "StatefulSet", name: "airflow-redis" }],
      changed: [{ kind: "Deployment", name: "airflow-scheduler" }],
    });
  });

  it("finds the claims the chart stops making, including a StatefulSet scaled down", () => {
    const before = [o("StatefulSet", "airflow-worker", "a", { claims: ["logs-airflow-worker-0", "logs-airflow-worker-1"] }), o("StatefulSet", "airflow-redis", "b", { claims: ["redis-db-airflow-redis-0"] })];
    const after = [o("StatefulSet", "airflow-worker", "c", { claims: ["logs-airflow-worker-0"] })];
    expect(claimsLeftBehind(before, after)).toEqual(["logs-airflow-worker-1", "redis-db-airflow-redis-0"]);
  });

  it("names a node pool after its VM size within AKS's rules", () => {
    expect(poolNameFor("Standard_D8ds_v5")).toBe("d8dsv5");
    expect(poolNameFor("Standard_D16ds_v5")).toBe("d16dsv5");
    expect(poolNameFor("Standard_E64ids_v5_extra")).toMatch(/^[a-z][a-z0-9]{0,11}$/);
  });
});

describe("the upgrade path", () => {
  it("allows upgrades to offered versions, refuses downgrades, and sends Airflow 2 before 2.11 through 2.11", async () => {
    const { upgradeRefusal, compareVersions } = await import("./upgrade-path");
    expect(compareVersions("2.10.5", "2.11.2")).toBe(-1);
    expect(compareVersions("3.2.2", "3.0.6")).toBe(1);
    expect(upgradeRefusal("2.11.2", "3.2.2")).toBeNull();
    expect(upgradeRefusal("3.2.2", "3.2.2")).toBeNull();
    expect(upgradeRefusal("3.0.6", "3.2.2")).toBeNull();
    expect(upgradeRefusal("3.2.2", "2.11.2")).toMatch(/cannot go back to 2\.11\.2: its database migrations only go forward/);
    expect(upgradeRefusal("2.10.5", "3.2.2")).toMatch(/must be upgraded to 2\.11\.2 first/);
    expect(upgradeRefusal("2.10.5", "2.11.2")).toBeNull();
    expect(upgradeRefusal("2.11.2", "3.0.6")).toMatch(/not offered/);
  });
});

describe("values the portal did not set", () => {
  it("are nulled in a merge patch, maps followed key by key, lists and scalars left to server-side apply", async () => {
    const { nullsForExtra } = await import("@/lib/provisioning/steps/helm");
    const wanted = { executor: "KubernetesExecutor", redis: { enabled: false }, env: [{ name: "A" }] };
    expect(nullsForExtra(wanted, structuredClone(wanted))).toBeNull();
    expect(
      nullsForExtra(wanted, { executor: "CeleryExecutor", redis: { enabled: false, persistence: {} }, env: [{ name: "B" }], labels: { "edited-by": "hand" } }),
    ).toEqual({ redis: { persistence: null }, labels: null });
  });
});

describe("what a change's form may set", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const catalog = { ...DEFAULT_CATALOG, dagHosts: ["github.com"] };
  const parse = (fields: Record<string, unknown>) => makeChangeRequestSchema(catalog, now).safeParse({ id: "8a0c8f3e-8d7f-4c39-9d64-2f4b1f1c2a10", executor: "KubernetesExecutor", size: "small", reason: "Why", ...fields });

  it("keeps what is not sent, removes what is sent empty, and checks what is sent as a request does", () => {
    const kept = parse({});
    expect(kept.success && [kept.data.dagRepoUrl, kept.data.expiresOn]).toEqual([undefined, undefined]);
    const removed = parse({ dagRepoUrl: "", dagBranch: " ", dagSubPath: "", expiresOn: "" });
    expect(removed.success && [removed.data.dagRepoUrl, removed.data.dagBranch, removed.data.expiresOn]).toEqual([null, null, null]);
    const set = parse({ dagRepoUrl: "https://github.com/acme/dags.git", dagBranch: "release", dagSubPath: "airflow/dags", expiresOn: "2027-03-01" });
    expect(set.success && set.data).toMatchObject({ dagRepoUrl: "https://github.com/acme/dags.git", dagBranch: "release", dagSubPath: "airflow/dags", expiresOn: "2027-03-01" });
  });

  it("refuses a repository the platform does not allow, a branch without a repository, and a past or far expiry", () => {
    const errors = (fields: Record<string, unknown>) => {
      const parsed = parse(fields);
      return parsed.success ? {} : z.flattenError(parsed.error).fieldErrors;
    };
    expect(errors({ dagRepoUrl: "https://gitlab.example/acme/dags.git" }).dagRepoUrl?.[0]).toMatch(/github\.com/);
    expect(errors({ dagRepoUrl: "https://localhost/dags.git" }).dagRepoUrl?.[0]).toMatch(/public host name/);
    expect(errors({ dagRepoUrl: "", dagBranch: "main" }).dagRepoUrl?.[0]).toMatch(/repository the branch and path belong to/);
    expect(errors({ expiresOn: "2026-12-07" }).expiresOn?.[0]).toMatch(/after today/);
    expect(errors({ expiresOn: "2028-01-01" }).expiresOn?.[0]).toMatch(/within 365 days/);
  });
});
