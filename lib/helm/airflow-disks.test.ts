import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AIRFLOW_VERSIONS, DISK_STORAGE_CLASS, estimateMonthlyCost, EXECUTORS, SIZES } from "@/lib/environments/catalog";
import { AKS_API_VERSIONS, AKS_KUBE_VERSION } from "./airflow-release";
import { airflowHelmValues } from "./airflow-values";
import { renderChart, type RenderedHook, type RenderedObject } from "./render";

/**
 * Every disk the official chart creates with the portal's values is a disk the cost estimate counts,
 * of the same size and storage class, and the estimate counts no disk the chart does not create:
 * for every executor, size and Airflow version, rendered with the chart version it is deployed with.
 */
const CHARTS_DIR = process.env.AIRFLOW_CHARTS_DIR || path.resolve(import.meta.dirname, "../../../shared/reference/airflow-chart/charts");
const required = Boolean(process.env.CI || process.env.AIRFLOW_CHARTS_DIR);
const available = AIRFLOW_VERSIONS.every((v) => existsSync(path.join(CHARTS_DIR, v.chartVersion, "Chart.yaml")));

interface Claim {
  owner: string;
  sizeGiB: number;
  storageClassName: string | undefined;
}

const gib = (quantity: unknown): number => {
  const match = /^(\d+)Gi$/.exec(String(quantity));
  if (!match) throw new Error(`a disk size the estimate cannot price: ${String(quantity)}`);
  return Number(match[1]);
};

/** One entry a disk: each standalone claim, and each claim template once per StatefulSet replica. */
function renderedClaims(objects: readonly (RenderedObject | RenderedHook)[]): Claim[] {
  const claims: Claim[] = [];
  for (const object of objects) {
    const doc = object.document as {
      spec?: {
        replicas?: number;
        resources?: { requests?: { storage?: string } };
        storageClassName?: string;
        volumeClaimTemplates?: { spec?: { resources?: { requests?: { storage?: string } }; storageClassName?: string } }[];
      };
    };
    if (object.kind === "PersistentVolumeClaim") {
      claims.push({ owner: object.name, sizeGiB: gib(doc.spec?.resources?.requests?.storage), storageClassName: doc.spec?.storageClassName });
    }
    if (object.kind === "StatefulSet") {
      // A StatefulSet without `replicas` runs one pod.
      const replicas = doc.spec?.replicas ?? 1;
      for (const template of doc.spec?.volumeClaimTemplates ?? []) {
        for (let i = 0; i < replicas; i++) {
          claims.push({ owner: object.name, sizeGiB: gib(template.spec?.resources?.requests?.storage), storageClassName: template.spec?.storageClassName });
        }
      }
    }
  }
  return claims;
}

const OWNER_OF = { triggerer: "airflow-triggerer", scheduler: "airflow-scheduler", workers: "airflow-worker", redis: "airflow-redis" } as const;

const cases = AIRFLOW_VERSIONS.flatMap(({ version, chartVersion }) =>
  EXECUTORS.flatMap((executor) => SIZES.map((size) => ({ executor, size, airflowVersion: version, chartVersion }))),
);

describe.skipIf(!available && !required)(`the disks of a release, rendered from the charts in ${CHARTS_DIR}`, () => {
  it("finds the charts", () => {
    expect(available, `the official charts are expected at ${CHARTS_DIR}`).toBe(true);
  });

  it.each(cases)("are the disks the estimate counts: $executor, $size, Airflow $airflowVersion (chart $chartVersion)", ({ executor, size, airflowVersion, chartVersion }) => {
    const render = renderChart({
      chart: path.join(CHARTS_DIR, chartVersion),
      values: airflowHelmValues({ executor, size, airflowVersion, dagSource: null }),
      releaseName: "airflow",
      namespace: "airflow",
      kubeVersion: AKS_KUBE_VERSION,
      apiVersions: AKS_API_VERSIONS,
    });
    const rendered = renderedClaims([...render.objects, ...render.hooks])
      .map((c) => ({ owner: c.owner, sizeGiB: c.sizeGiB, storageClassName: c.storageClassName }))
      .sort((a, b) => a.owner.localeCompare(b.owner));
    const estimated = estimateMonthlyCost({ executor, size })
      .disks.flatMap((d) => Array.from({ length: d.count }, () => ({ owner: OWNER_OF[d.component], sizeGiB: d.sizeGiB, storageClassName: DISK_STORAGE_CLASS })))
      .sort((a, b) => a.owner.localeCompare(b.owner));
    expect(rendered).toEqual(estimated);
    expect(rendered.length).toBeGreaterThan(0);
    // The first render of a chart loads and parses all its templates: seconds on a busy machine.
  }, 60_000);

  it("would notice a disk the estimate does not count", () => {
    const values = airflowHelmValues({ executor: "KubernetesExecutor", size: "small", airflowVersion: "3.2.2", dagSource: null });
    const render = renderChart({
      chart: path.join(CHARTS_DIR, "1.22.0"),
      values: { ...values, dags: { persistence: { enabled: true, size: "5Gi" } } },
      releaseName: "airflow",
      namespace: "airflow",
      kubeVersion: AKS_KUBE_VERSION,
      apiVersions: AKS_API_VERSIONS,
    });
    const claims = renderedClaims([...render.objects, ...render.hooks]);
    expect(claims.length).toBeGreaterThan(estimateMonthlyCost({ executor: "KubernetesExecutor", size: "small" }).disks.length);
  }, 60_000);
});
