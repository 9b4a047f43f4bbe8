import { dump } from "js-yaml";
import type { EnvironmentDetail } from "@/lib/environments/types";

/**
 * The values given to the official Airflow chart, as YAML. Once deployed, the values stored as
 * applied; before that, `planned`: what the worker will apply under today's settings, labelled
 * so. They name secrets; they never hold one.
 */
export function HelmValues({ env, planned }: { env: EnvironmentDetail; planned?: Record<string, unknown> }) {
  const applied = env.deployed;
  const values = applied ? applied.helmValues : (planned ?? {});
  const chartVersion = applied?.chartVersion ?? env.chartVersion;
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700">
        {applied ? "As applied" : "Will be applied"} to the official <code>apache-airflow/airflow</code> chart {chartVersion}.
        Secrets are referenced by name: their values are generated in the cluster and never leave it.
      </p>
      <pre
        tabIndex={0}
        aria-label={`Helm values of ${env.name}${applied ? " as applied" : ", will be applied"}`}
        className="overflow-x-auto rounded-lg border border-slate-200 bg-slate-900 p-4 text-xs text-slate-100"
      >
        <code>{dump(values, { lineWidth: 120, noRefs: true })}</code>
      </pre>
    </div>
  );
}
