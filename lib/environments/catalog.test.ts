import { describe, expect, it } from "vitest";
import {
  chartVersionFor,
  DEFAULT_CATALOG,
  diskMonthlyUsd,
  estimateMonthlyCost,
  postgresUserConnections,
  releaseDisks,
} from "./catalog";

describe("the catalog", () => {
  it("offers Airflow 3.2.2 and 2.11.2 on chart 1.22.0, and still knows the chart of versions it no longer offers", () => {
    expect(DEFAULT_CATALOG.airflowVersions).toEqual(["3.2.2", "2.11.2"]);
    expect(DEFAULT_CATALOG.airflowVersions.map(chartVersionFor)).toEqual(["1.22.0", "1.22.0"]);
    expect(chartVersionFor("3.0.6")).toBe("1.18.0");
    expect(chartVersionFor("2.10.5")).toBe("1.18.0");
    expect(() => chartVersionFor("1.10.15")).toThrow(/No chart version is known for Airflow 1.10.15/);
  });

  it("states each size's database connection limit as Azure sets it, less the 15 the server keeps", () => {
    expect(postgresUserConnections("small")).toBe(414);
    expect(postgresUserConnections("medium")).toBe(844);
    expect(postgresUserConnections("large")).toBe(1703);
  });

  it("lists the disks each executor gets: the triggerer's always, the scheduler's with Local, one a Celery worker and Redis with Celery", () => {
    const kinds = (executor: "KubernetesExecutor" | "CeleryExecutor" | "LocalExecutor") =>
      releaseDisks({ executor, size: "large" }).map((d) => [d.component, d.count, d.sizeGiB]);
    expect(kinds("KubernetesExecutor")).toEqual([["triggerer", 1, 64]]);
    expect(kinds("LocalExecutor")).toEqual([["triggerer", 1, 64], ["scheduler", 1, 64]]);
    expect(kinds("CeleryExecutor")).toEqual([["triggerer", 1, 64], ["workers", 4, 64], ["redis", 1, 8]]);
  });

  it("lists no log disk when task logs are in Blob Storage: only Redis keeps one", () => {
    const kinds = (executor: "KubernetesExecutor" | "CeleryExecutor" | "LocalExecutor") =>
      releaseDisks({ executor, size: "large", taskLogs: true }).map((d) => [d.component, d.count, d.sizeGiB]);
    expect(kinds("KubernetesExecutor")).toEqual([]);
    expect(kinds("LocalExecutor")).toEqual([]);
    expect(kinds("CeleryExecutor")).toEqual([["redis", 1, 8]]);
    const before = estimateMonthlyCost({ executor: "CeleryExecutor", size: "large" });
    const since = estimateMonthlyCost({ executor: "CeleryExecutor", size: "large", taskLogs: { blobEndpoint: "https://x/" } });
    expect(before.totalUsd - since.totalUsd).toBe(Math.round(5 * diskMonthlyUsd(64) + diskMonthlyUsd(8)) - Math.round(diskMonthlyUsd(8)));
  });

  it("prices a disk as the Standard SSD tier its size rounds up to", () => {
    expect(diskMonthlyUsd(4)).toBeCloseTo(0.3);
    expect(diskMonthlyUsd(10)).toBeCloseTo(1.2);
    expect(diskMonthlyUsd(16)).toBeCloseTo(1.2);
    expect(diskMonthlyUsd(64)).toBeCloseTo(4.8);
  });

  it("counts every disk in the estimate, each Celery worker's too", () => {
    const kubernetes = estimateMonthlyCost({ executor: "KubernetesExecutor", size: "large" });
    const celery = estimateMonthlyCost({ executor: "CeleryExecutor", size: "large" });
    expect(kubernetes.disks.map((d) => d.monthlyUsd)).toEqual([diskMonthlyUsd(64)]);
    expect(celery.disks.find((d) => d.component === "workers")?.monthlyUsd).toBeCloseTo(4 * diskMonthlyUsd(64));
    expect(celery.disksUsd).toBe(Math.round(5 * diskMonthlyUsd(64) + diskMonthlyUsd(8)));
    expect(celery.totalUsd - kubernetes.totalUsd).toBe(celery.disksUsd - kubernetes.disksUsd);
    expect(celery.totalUsd).toBe(celery.nodesUsd + celery.postgresUsd + celery.storageUsd + celery.disksUsd);
  });
});
