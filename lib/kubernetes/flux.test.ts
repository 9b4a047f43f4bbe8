import { describe, expect, it } from "vitest";
import { releaseState, type Condition, type FluxObject } from "./flux";

const release = (generation: number, ready?: Partial<Condition>, observedGeneration = generation): FluxObject => ({
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "airflow", namespace: "airflow", generation },
  status: { observedGeneration, conditions: ready ? [{ type: "Ready", status: "Unknown", observedGeneration, ...ready }] : [] },
});

describe("a HelmRelease's state", () => {
  it("is ready only when Ready=True for the current generation", () => {
    expect(releaseState(release(2, { status: "True", reason: "InstallSucceeded" }))).toEqual({ phase: "ready" });
    expect(releaseState(release(2, { status: "True" }, 1)).phase).toBe("waiting");
    expect(releaseState(release(1)).phase).toBe("waiting");
  });

  it("fails with Helm's words on InstallFailed", () => {
    expect(releaseState(release(1, { status: "False", reason: "InstallFailed", message: "pre-install hook failed" }))).toEqual({ phase: "failed", reason: "InstallFailed", message: "pre-install hook failed" });
  });

  it("waits while the source is fetched, fails when the chart reference can never resolve", () => {
    expect(releaseState(release(1, { status: "False", reason: "SourceNotReady", message: "no artifact available for HelmRepository source 'apache-airflow'" })).phase).toBe("waiting");
    const missing = "HelmChart 'airflow/airflow-airflow' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'airflow' chart with version matching '9.9.9' found";
    expect(releaseState(release(1, { status: "False", reason: "SourceNotReady", message: missing }))).toMatchObject({ phase: "failed", reason: "SourceNotReady" });
    expect(releaseState(release(1, { status: "Unknown", reason: "Progressing" })).phase).toBe("waiting");
  });
});
