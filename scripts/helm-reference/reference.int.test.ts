/**
 * The Go reference renderer against the official Airflow charts kept in shared/. The expectations were read
 * off the charts' templates (names, hook annotations, `required` messages), not off the program's output.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildHelmReference } from "./build";
import { renderWithReference, type ReferenceAnswer, type ReferenceRequest, type ReferenceSuccess } from "./render";

const ROOT = path.resolve(import.meta.dirname, "../..");
const chartDir = (version: string) => path.resolve(ROOT, "../shared/reference/airflow-chart/charts", version);
const VERSIONS = ["1.22.0", "1.18.0"] as const;

const chartsPresent = VERSIONS.every((v) => existsSync(path.join(chartDir(v), "Chart.yaml")));
// Built while the file is collected, so a machine without Go skips these tests with the command to run.
const built = chartsPresent ? buildHelmReference() : { skipped: "the Airflow charts are not in ../shared/reference" };
if ("skipped" in built) console.warn(`[helm-reference] tests skipped: ${built.skipped}`);
const binary = "binary" in built ? built.binary : "";

const BASE_VALUES = { postgresql: { enabled: false }, executor: "KubernetesExecutor" };
const API_VERSIONS = ["v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"];

function request(version: string, values: Record<string, unknown> = BASE_VALUES): ReferenceRequest {
  return {
    chart: chartDir(version),
    values,
    releaseName: "env1",
    namespace: "airflow",
    kubeVersion: "v1.33.0",
    apiVersions: API_VERSIONS,
    deterministicRandom: true,
  };
}

function expectOk(answer: ReferenceAnswer): ReferenceSuccess {
  if (!answer.ok) throw new Error(`render failed: ${answer.error}`);
  return answer;
}

describe.skipIf(!binary)("Helm reference renderer", () => {
  describe.each(VERSIONS)("airflow chart %s", (version) => {
    it("renders the api-server Deployment and the migrate-database Job as a post-install hook", async () => {
      const answer = expectOk(await renderWithReference(binary, request(version)));

      const apiServer = answer.objects.find((o) => o.kind === "Deployment" && o.name === "env1-api-server");
      expect(apiServer?.template).toBe("airflow/templates/api-server/api-server-deployment.yaml");
      expect(apiServer?.apiVersion).toBe("apps/v1");
      expect(apiServer?.document).toMatchObject({ metadata: { labels: { release: "env1", component: "api-server" } } });

      const migrate = answer.hooks.find((h) => h.name === "env1-run-airflow-migrations");
      expect(migrate).toMatchObject({
        template: "airflow/templates/jobs/migrate-database-job.yaml",
        kind: "Job",
        events: ["post-install", "post-upgrade"],
        weight: 1,
        deletePolicies: ["before-hook-creation", "hook-succeeded"],
      });
      expect(answer.objects.some((o) => o.name === "env1-run-airflow-migrations")).toBe(false);

      // postgresql.enabled=false removes the bundled subchart entirely.
      expect(Object.keys(answer.templates).some((t) => t.startsWith("airflow/charts/postgresql/"))).toBe(false);
      expect(answer.notes).toContain("Your release is named env1.");
      expect(Object.keys(answer.templates)).toContain("airflow/templates/NOTES.txt");
    });

    it("renders the migrate-database Job as a plain object when useHelmHooks is false", async () => {
      const values = { ...BASE_VALUES, migrateDatabaseJob: { useHelmHooks: false } };
      const answer = expectOk(await renderWithReference(binary, request(version, values)));
      const job = answer.objects.find((o) => o.name === "env1-run-airflow-migrations");
      expect(job?.kind).toBe("Job");
      expect(answer.hooks.some((h) => h.name === "env1-run-airflow-migrations")).toBe(false);
    });

    it("fails with Helm's error text when a required value is missing", async () => {
      // templates/priorityclasses/priority-classes.yaml line 36: value: {{ $e.value | required "…" }}
      const values = { ...BASE_VALUES, priorityClasses: [{ name: "high" }] };
      const answer = await renderWithReference(binary, request(version, values));
      expect(answer).toMatchObject({
        ok: false,
        error:
          "execution error at (airflow/templates/priorityclasses/priority-classes.yaml:36:21): " +
          "value is required for priority classes",
      });
    });
  });

  it("gives identical answers twice with deterministicRandom, and fixed generated secrets", async () => {
    const first = expectOk(await renderWithReference(binary, request("1.22.0")));
    const second = expectOk(await renderWithReference(binary, request("1.22.0")));
    expect(second).toEqual(first);
    // fernetkey-secret.yaml: randAlphaNum 32 | b64enc, then b64enc again for the Secret's data.
    const fernet = first.hooks.find((h) => h.name === "env1-fernet-key");
    const key = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef").toString("base64");
    expect(fernet?.document).toMatchObject({ data: { "fernet-key": Buffer.from(key).toString("base64") } });
  });

  it("keeps the bundled postgresql subchart when it is enabled", async () => {
    const answer = expectOk(await renderWithReference(binary, request("1.22.0", { executor: "KubernetesExecutor" })));
    const statefulSet = answer.objects.find((o) => o.kind === "StatefulSet" && o.name === "env1-postgresql");
    expect(statefulSet?.template).toBe("airflow/charts/postgresql/templates/primary/statefulset.yaml");
  });

  it("renders a packaged .tgz the same as its folder", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "helm-reference-test-"));
    try {
      // helm package puts the chart under a top folder named after it; the loader strips that folder.
      const tgz = path.join(tmp, "airflow-1.18.0.tgz");
      execFileSync("tar", ["-czf", tgz, "--transform", "s,^\\.,airflow,", "-C", chartDir("1.18.0"), "."]);
      const fromFolder = expectOk(await renderWithReference(binary, request("1.18.0")));
      const fromTgz = expectOk(await renderWithReference(binary, { ...request("1.18.0"), chart: tgz }));
      expect(fromTgz.objects).toEqual(fromFolder.objects);
      expect(fromTgz.hooks).toEqual(fromFolder.hooks);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("reports a chart that cannot be loaded as a failed answer", async () => {
    const answer = await renderWithReference(binary, { ...request("1.22.0"), chart: path.join(ROOT, "no-such-chart") });
    expect(answer).toMatchObject({ ok: false, error: expect.stringContaining("no such file or directory") });
  });

  it("rejects a malformed request with the program's stderr", async () => {
    await expect(renderWithReference(binary, { ...request("1.22.0"), kubeVersion: "" })).rejects.toThrow(
      /exited with code 2\n.*kubeVersion is required/,
    );
  });
});
