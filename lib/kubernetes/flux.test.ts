import { describe, expect, it } from "vitest";
import { helmRelease, releaseState, type Condition, type FluxObject } from "./flux";

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

describe("the HelmRelease the portal applies", () => {
  const spec = helmRelease({ name: "airflow", namespace: "airflow", chartVersion: "1.22.0", values: { executor: "LocalExecutor" } }).spec!;

  it("tries a failed first install again, three times, and keeps the last failure to read", () => {
    expect(spec.install).toEqual({ createNamespace: false, remediation: { retries: 3, remediateLastFailure: false } });
  });

  it("never rolls back or uninstalls after a failed upgrade: the migrations only go forward", () => {
    expect(spec.upgrade).toEqual({ remediation: { retries: 0, remediateLastFailure: false } });
    expect(JSON.stringify(spec.upgrade)).not.toMatch(/strategy|rollback|uninstall/);
  });

  it("gives Helm 20 minutes for each attempt, and leaves the namespace to the portal", () => {
    expect(spec.timeout).toBe("20m");
    expect(spec.install).toMatchObject({ createNamespace: false });
  });
});

describe("a HelmRelease that failed", () => {
  const failed = (extra: Condition[]) => {
    const hr = release(1, { status: "False", reason: "InstallFailed", message: "Helm install failed for release airflow/airflow with chart airflow@1.22.0: context deadline exceeded" });
    hr.status!.conditions!.push(...extra);
    return hr;
  };

  it("is still waiting while Flux has remediation retries left", () => {
    const state = releaseState(failed([{ type: "Reconciling", status: "True", reason: "ProgressingWithRetry", message: "" }]));
    expect(state).toEqual({ phase: "waiting", message: expect.stringMatching(/^Flux will try again: Helm install failed .*context deadline exceeded$/) });
  });

  it("fails with Helm's words once the retries are used up (Stalled)", () => {
    const stalled = failed([{ type: "Stalled", status: "True", reason: "RetriesExceeded", message: "Failed to install after 4 attempt(s)" }]);
    expect(releaseState(stalled)).toMatchObject({ phase: "failed", reason: "InstallFailed", message: expect.stringMatching(/context deadline exceeded/) });
  });
});
