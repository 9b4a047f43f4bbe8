import { existsSync } from "node:fs";
import path from "node:path";
import { AIRFLOW_VERSIONS, EXECUTORS } from "@/lib/environments/catalog";
import { airflowHelmValues } from "@/lib/helm/airflow-values";
import { renderChart } from "@/lib/helm/render";

/**
 * One render of the official Airflow chart, as the portal does it before a request is recorded:
 * the first in a fresh process (parsing every template, loading the chart), then renders with new
 * values (a new release name each time, so no cached render is reused), then a repeated render
 * served from the cache. Charts from AIRFLOW_CHARTS_DIR, else the reference copy beside the repository.
 */
export interface ChartRenderResult {
  chartVersion: string;
  objects: number;
  firstMs: number;
  p50Ms: number;
  p95Ms: number;
  cachedMs: number;
  renders: number;
}

const KUBE = { kubeVersion: "v1.33.0", apiVersions: ["v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"] };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function chartsDir(root: string): string | undefined {
  const dir = process.env.AIRFLOW_CHARTS_DIR || path.resolve(root, "../shared/reference/airflow-chart/charts");
  return existsSync(dir) ? dir : undefined;
}

/** The offered Airflow versions this chart deploys; else the offered Airflow 3 ones (every chart here serves 3.x). */
function airflowVersionsFor(chartVersion: string): string[] {
  const mapped = AIRFLOW_VERSIONS.filter((v) => v.chartVersion === chartVersion).map((v) => v.version);
  return mapped.length > 0 ? mapped : AIRFLOW_VERSIONS.map((v) => v.version).filter((v) => v.startsWith("3."));
}

export function measureChartRenders(dir: string, chartVersions: string[], renders = 30): ChartRenderResult[] {
  return chartVersions
    .filter((v) => existsSync(path.join(dir, v)))
    .map((chartVersion) => {
      const chart = path.join(dir, chartVersion);
      const inputs = EXECUTORS.flatMap((executor) => airflowVersionsFor(chartVersion).map((airflowVersion) => ({ executor, airflowVersion })));
      const render = (i: number) => {
        const input = inputs[i % inputs.length]!;
        const values = airflowHelmValues({ ...input, size: "small", dagSource: null });
        const started = performance.now();
        const result = renderChart({ chart, values, releaseName: `bench-${chartVersion}-${i}`, namespace: "airflow", ...KUBE });
        return { ms: performance.now() - started, objects: result.objects.length + result.hooks.length };
      };
      const first = render(0);
      const times = Array.from({ length: renders }, (_, i) => render(i + 1).ms).sort((a, b) => a - b);
      const cached = render(1).ms;
      return {
        chartVersion,
        objects: first.objects,
        firstMs: Math.round(first.ms),
        p50Ms: Math.round(percentile(times, 50)),
        p95Ms: Math.round(percentile(times, 95)),
        cachedMs: Math.round(cached * 10) / 10,
        renders,
      };
    });
}
