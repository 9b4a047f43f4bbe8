import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject, type V1Secret } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowSecrets, airflowValues, helmRelease, helmRepository, provisionCluster, provisionDatabase } from "./cluster-setup.js";
import { PLATFORM_ADMINS_GROUP_ID } from "../src/cloud/groups.js";
import { eventually, startTestEmulator, type TestEmulator } from "./support.js";

type Conditioned = KubernetesObject & { status?: { conditions?: { type: string; status: string; reason: string }[]; observedGeneration?: number } };

let env: TestEmulator;
let core: CoreV1Api;
let objects: KubernetesObjectApi;

const apply = (obj: object, manager = "airflow-portal", force = true) => objects.patch<Conditioned>(obj as Conditioned, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 0;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
};

beforeAll(async () => {
  env = await startTestEmulator();
  // Without Flux first: its kinds must not exist yet.
  // An Entra cluster whose admins are every client (the default group), so the AKS token test below is let in.
  const { kc } = await provisionCluster(env, "rg-kube", "aks-kube", false, { aadProfile: { managed: true, adminGroupObjectIDs: [PLATFORM_ADMINS_GROUP_ID] } });
  await provisionDatabase(env, "rg-kube", "aks-kube");
  core = kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
});
afterAll(() => env?.close());

describe("client-node against an emulated cluster", () => {
  /** A client of the first cluster's API server that sends `token`, as a kubeconfig built by the caller would. */
  async function clientWithToken(token: string) {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const server = (await env.control<{ clusters: { server: string }[] }>("GET", "state")).clusters[0]?.server ?? "";
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server, caData: Buffer.from(env.ca).toString("base64") }],
      users: [{ name: "u", token }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    return kc.makeApiClient(CoreV1Api);
  }

  it("refuses a client without the cluster's token", async () => {
    expect(await codeOf((await clientWithToken("wrong")).listNamespace())).toBe(401);
  });

  it("takes an Entra token for the AKS server application, as kubelogin would send, and no other audience", async () => {
    // Azure's own application id for the AKS server, written out: the emulator must match it.
    const aksToken = await env.credential.getToken("6dae42f8-4368-4678-94ff-3960e28e3630/.default");
    const names = (await (await clientWithToken(aksToken!.token)).listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toContain("default");
    const armToken = await env.credential.getToken("https://management.azure.com/.default");
    expect(await codeOf((await clientWithToken(armToken!.token)).listNamespace())).toBe(401);
  });

  it("creates namespaces and secrets, lists by label, patches and replaces them", async () => {
    await core.createNamespace({ body: { metadata: { name: "airflow", labels: { team: "data" } } } });
    expect(await codeOf(core.createNamespace({ body: { metadata: { name: "airflow" } } }))).toBe(409);
    expect(await codeOf(core.createNamespace({ body: { metadata: { name: "Not_Valid" } } }))).toBe(422);
    expect((await core.listNamespace({ labelSelector: "team=data" })).items.map((n) => n.metadata?.name)).toEqual(["airflow"]);

    const secret: V1Secret = { metadata: { name: "airflow-fernet-key", namespace: "airflow", labels: { app: "airflow" } }, stringData: { "fernet-key": "abc" } };
    const created = await core.createNamespacedSecret({ namespace: "airflow", body: secret });
    expect(created.data?.["fernet-key"]).toBe(Buffer.from("abc").toString("base64"));
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(await codeOf(core.createNamespacedSecret({ namespace: "missing", body: { metadata: { name: "x" } } }))).toBe(404);

    const merged = await core.patchNamespacedSecret({ name: "airflow-fernet-key", namespace: "airflow", body: { metadata: { labels: { rotated: "no" } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    expect(merged.metadata?.labels).toEqual({ app: "airflow", rotated: "no" });
    const patched = await core.patchNamespacedSecret({ name: "airflow-fernet-key", namespace: "airflow", body: [{ op: "remove", path: "/metadata/labels/rotated" }] });
    expect(patched.metadata?.labels).toEqual({ app: "airflow" });

    const stale = { ...patched, metadata: { ...patched.metadata, resourceVersion: "1" } };
    expect(await codeOf(core.replaceNamespacedSecret({ name: "airflow-fernet-key", namespace: "airflow", body: stale }))).toBe(409);
    const replaced = await core.replaceNamespacedSecret({ name: "airflow-fernet-key", namespace: "airflow", body: { ...patched, data: { "fernet-key": Buffer.from("xyz").toString("base64") } } });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(patched.metadata?.resourceVersion));

    const all = await core.listSecretForAllNamespaces({ labelSelector: "app in (airflow,other)" });
    expect(all.items.map((s) => s.metadata?.name)).toEqual(["airflow-fernet-key"]);
    await core.createNamespacedConfigMap({ namespace: "airflow", body: { metadata: { name: "settings" }, data: { a: "1" } } });
    expect((await core.readNamespacedServiceAccount({ name: "default", namespace: "airflow" })).metadata?.name).toBe("default");
  });

  it("refuses Flux kinds until the microsoft.flux extension is installed", async () => {
    expect(await codeOf(apply(helmRepository()))).toBe(404);
    const { SourceControlConfigurationClient } = await import("@azure/arm-kubernetesconfiguration");
    const { POLL, SUBSCRIPTION } = await import("./support.js");
    const config = new SourceControlConfigurationClient(env.credential, SUBSCRIPTION, env.clientOptions);
    await config.extensions.beginCreateAndWait("rg-kube", "Microsoft.ContainerService", "managedClusters", "aks-kube", "flux", { extensionType: "microsoft.flux" }, POLL);
  });

  it("server-side applies a HelmRepository and a HelmRelease that becomes Ready", async () => {
    const repo = await apply(helmRepository());
    expect(repo.metadata?.uid).toBeTruthy();
    // The rest of what the chart's pods read (the fernet key is the one made above).
    for (const secret of airflowSecrets().filter((s) => s.metadata.name !== "airflow-fernet-key")) await core.createNamespacedSecret({ namespace: "airflow", body: secret });
    const applied = await apply(helmRelease(airflowValues("KubernetesExecutor")));
    expect(applied.metadata?.generation).toBe(1);

    const ready = await eventually(async () => {
      const hr = await objects.read<Conditioned>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
      return hr.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True") ? hr : undefined;
    });
    expect(ready.status?.observedGeneration).toBe(1);
    expect(ready.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe("InstallSucceeded");

    // The same apply again changes nothing: same generation, same resourceVersion.
    const again = await apply(helmRelease(airflowValues("KubernetesExecutor")));
    expect(again.metadata?.generation).toBe(1);
    expect(again.metadata?.resourceVersion).toBe(ready.metadata?.resourceVersion);

    // A values change is a new generation: Flux upgrades.
    const changed = await apply(helmRelease(airflowValues("CeleryExecutor")));
    expect(changed.metadata?.generation).toBe(2);
    await eventually(async () => {
      const hr = await objects.read<Conditioned>({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
      return hr.status?.conditions?.find((c) => c.type === "Ready" && c.reason === "UpgradeSucceeded") && hr.status.observedGeneration === 2 ? hr : undefined;
    });
    const services = await core.listNamespacedService({ namespace: "airflow", labelSelector: "release=airflow" });
    expect(services.items.map((s) => s.metadata?.name)).toContain("airflow-redis");
    const list = await objects.list("helm.toolkit.fluxcd.io/v2", "HelmRelease", "airflow");
    expect(list.items).toHaveLength(1);
  });

  it("conflicts when another field manager owns a field, unless forced", async () => {
    const other = { ...helmRepository(), spec: { url: "https://example.org/charts", interval: "1h" } };
    expect(await codeOf(apply(other, "someone-else", false))).toBe(409);
    const forced = await apply(other, "someone-else", true);
    expect((forced as { spec?: { url?: string } }).spec?.url).toBe("https://example.org/charts");
  });

  it("deletes objects, and a namespace with everything in it", async () => {
    await objects.delete({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "airflow", namespace: "airflow" } });
    await eventually(async () => ((await core.listNamespacedService({ namespace: "airflow" })).items.length === 0 ? true : undefined));
    await core.deleteNamespace({ name: "airflow" });
    // Terminating first, as in Kubernetes (on a quick machine it may already be gone); then it and its content are gone.
    const phase = await core.readNamespace({ name: "airflow" }).then((ns) => ns.status?.phase, (e: unknown) => ((e as { code?: number }).code === 404 ? "gone" : Promise.reject(e)));
    expect(["Terminating", "gone"]).toContain(phase);
    // Forbidden while it terminates; on a quick machine it may already be gone (404). Either way nothing is created.
    expect([403, 404]).toContain(await codeOf(core.createNamespacedConfigMap({ namespace: "airflow", body: { metadata: { name: "late" } } })));
    await eventually(async () => ((await codeOf(core.readNamespace({ name: "airflow" }))) === 404 ? true : undefined));
    expect(await codeOf(core.readNamespacedSecret({ name: "airflow-fernet-key", namespace: "airflow" }))).toBe(404);
    expect(await codeOf(core.deleteNamespace({ name: "airflow" }))).toBe(404);
  });

  it("throttles with Retry-After, in the header and the Status, when a 429 is injected", async () => {
    await env.control("POST", "faults", { type: "http", status: 429, retryAfterSeconds: 2, match: { kind: "kube" }, count: 1 });
    const err = await core.listNamespace().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiException);
    const { code, headers, body } = err as ApiException<string>;
    expect(code).toBe(429);
    expect(headers["retry-after"]).toBe("2");
    expect(JSON.parse(body)).toMatchObject({ kind: "Status", reason: "TooManyRequests", code: 429, details: { retryAfterSeconds: 2 } });
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
  });
});
