import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowValues, helmRelease, helmRepository, provisionCluster } from "./cluster-setup.js";
import { needs, prerequisite, startTestEmulator, type TestEmulator } from "./support.js";

const run = promisify(execFile);

function runs(candidate: string) {
  try {
    execFileSync(candidate, ["version", "--client"], { stdio: "ignore", timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/** KUBECTL when set (and then only it), else kubectl on PATH. */
const explicit = process.env.KUBECTL || undefined;
const tool = prerequisite([explicit || "kubectl"].find(runs), {
  explicit: Boolean(explicit),
  problem: explicit ? `KUBECTL=${explicit} does not run ('${explicit} version --client' failed)` : "No kubectl on PATH and KUBECTL is not set",
  fix: "Install kubectl (apt-get install -y kubernetes-client) or set KUBECTL to its path",
});
if (!tool.ok) console.warn(`\n!!! ${tool.reason}\n`);
const kubectl = tool.ok ? tool.value : undefined;

if (!tool.ok) {
  describe("kubectl", () => {
    it("is there to drive an emulated cluster", (ctx) => needs(tool, ctx));
  });
}

describe.skipIf(!kubectl)(`kubectl (${kubectl ?? "missing"}) against an emulated cluster`, () => {
  let env: TestEmulator;
  let dir: string;
  let kube: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    env = await startTestEmulator();
    const { kubeconfigYaml } = await provisionCluster(env, "rg-kubectl", "aks-kubectl");
    dir = mkdtempSync(path.join(os.tmpdir(), "kubectl-test-"));
    writeFileSync(path.join(dir, "kubeconfig"), kubeconfigYaml);
    kube = async (...args) => {
      try {
        const { stdout } = await run(kubectl as string, ["--kubeconfig", path.join(dir, "kubeconfig"), "--cache-dir", path.join(dir, "cache"), ...args], { timeout: 30_000 });
        return stdout;
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`kubectl ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
      }
    };
  });
  afterAll(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists namespaces", async () => {
    const out = await kube("get", "namespaces");
    expect(out).toMatch(/^NAME\s+STATUS\s+AGE/m);
    expect(out).toMatch(/^default\s+Active/m);
    expect(out).toMatch(/^kube-system\s+Active/m);
  });

  it("creates namespaces, secrets and config maps the imperative way", async () => {
    await kube("create", "namespace", "scratch");
    await kube("create", "secret", "generic", "db", "-n", "scratch", "--from-literal=password=s3cret");
    await kube("create", "configmap", "settings", "-n", "scratch", "--from-literal=mode=demo");
    const secret = JSON.parse(await kube("get", "secret", "db", "-n", "scratch", "-o", "json")) as { data: Record<string, string> };
    expect(Buffer.from(secret.data.password ?? "", "base64").toString()).toBe("s3cret");
    expect(await kube("get", "configmap", "settings", "-n", "scratch", "-o", "jsonpath={.data.mode}")).toBe("demo");
    await kube("delete", "namespace", "scratch", "--wait=false");
  });

  it("applies a HelmRelease manifest and reads it back as JSON", async () => {
    const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "airflow" } };
    const manifest = [namespace, helmRepository(), helmRelease(airflowValues("LocalExecutor"))].map((o) => dump(o)).join("---\n");
    writeFileSync(path.join(dir, "release.yaml"), manifest);
    const applied = await kube("apply", "-f", path.join(dir, "release.yaml"));
    expect(applied).toMatch(/helmrelease\.helm\.toolkit\.fluxcd\.io\/airflow (created|configured)/);
    // A second apply goes through kubectl's patch path.
    await kube("apply", "-f", path.join(dir, "release.yaml"));

    const list = JSON.parse(await kube("get", "helmreleases.helm.toolkit.fluxcd.io", "-A", "-o", "json")) as { items: { metadata: { name: string; namespace: string }; spec: { values: { executor: string } } }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ metadata: { name: "airflow", namespace: "airflow" }, spec: { values: { executor: "LocalExecutor" } } });
    expect(await kube("get", "hr", "-n", "airflow")).toMatch(/^airflow\s/m);
  });

  it("deletes what it applied", async () => {
    // The release first, the namespace last: deleting the namespace first lets its controller remove
    // the objects in it while kubectl is still on its way to them (NotFound), in a cluster as here.
    const manifest = [helmRelease(airflowValues("LocalExecutor")), helmRepository(), { apiVersion: "v1", kind: "Namespace", metadata: { name: "airflow" } }].map((o) => dump(o)).join("---\n");
    writeFileSync(path.join(dir, "release-reversed.yaml"), manifest);
    const out = await kube("delete", "-f", path.join(dir, "release-reversed.yaml"));
    expect(out).toMatch(/deleted/);
    expect(JSON.parse(await kube("get", "helmreleases.helm.toolkit.fluxcd.io", "-A", "-o", "json")).items).toEqual([]);
    expect(await kube("get", "namespaces", "-o", "name")).not.toMatch(/namespace\/airflow$/m);
  });
});
