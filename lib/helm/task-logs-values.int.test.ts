import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { airflowHelmValues } from "./airflow-values";
import { renderChart } from "./render";

const CHARTS_DIR = process.env.AIRFLOW_CHARTS_DIR || path.resolve(import.meta.dirname, "../../../shared/reference/airflow-chart/charts");
const required = Boolean(process.env.CI || process.env.AIRFLOW_CHARTS_DIR);

const clientId = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const taskLogs = { blobEndpoint: "https://stenv10a1b2c.blob.core.windows.net/", container: "airflow-logs", tenantId: "11111111-1111-4111-8111-111111111111" };

type Container = { name: string; env?: { name: string; value?: string }[] };

/** The official chart, rendered as Helm does, reads the portal's remote logging values where Airflow looks for them. */
describe.skipIf(!existsSync(CHARTS_DIR) && !required)("task logs in Blob Storage, as the chart renders them", () => {
  it.each([
    { chartVersion: "1.22.0", airflowVersion: "3.2.2", ui: "api-server" },
    { chartVersion: "1.18.0", airflowVersion: "2.11.2", ui: "webserver" },
  ])("put the wasb settings in airflow.cfg and the connection in every Airflow container (chart $chartVersion)", ({ chartVersion, airflowVersion, ui }) => {
    const values = airflowHelmValues({ executor: "KubernetesExecutor", airflowVersion, chartVersion, size: "small", dagSource: null, workloadIdentity: { clientId }, taskLogs });
    const render = renderChart({
      chart: path.join(CHARTS_DIR, chartVersion),
      values,
      releaseName: "airflow",
      namespace: "airflow",
      kubeVersion: "v1.33.0",
      apiVersions: ["v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"],
    });
    const object = (kind: string, name: string) => render.objects.find((o) => o.kind === kind && o.name === name)?.document as Record<string, never> | undefined;
    const config = (object("ConfigMap", "airflow-config") as { data?: Record<string, string> } | undefined)?.data ?? {};
    const cfg = config["airflow.cfg"] ?? "";
    expect(cfg).toMatch(/\[logging\][^[]*remote_logging = True/);
    expect(cfg).toMatch(/\[logging\][^[]*remote_base_log_folder = wasb-airflow-logs/);
    expect(cfg).toMatch(/\[logging\][^[]*remote_log_conn_id = wasb_task_logs/);
    expect(cfg).toMatch(/\[azure_remote_logging\]\s*remote_wasb_log_container = airflow-logs/);
    // Whoever writes a log (the scheduler, the triggerer, a task pod) and whoever shows it (the UI) has the connection.
    const podTemplate = parse(config["pod_template_file.yaml"] ?? "{}") as { spec?: { containers?: Container[] } };
    const containers: [string, Container[] | undefined][] = [
      ["scheduler", (object("Deployment", "airflow-scheduler") as { spec?: { template?: { spec?: { containers?: Container[] } } } })?.spec?.template?.spec?.containers],
      [ui, (object("Deployment", `airflow-${ui}`) as { spec?: { template?: { spec?: { containers?: Container[] } } } })?.spec?.template?.spec?.containers],
      ["task pod", podTemplate.spec?.containers],
    ];
    for (const [who, list] of containers) {
      const base = list?.find((c) => c.name === "base" || c.name === who || c.name === ui || c.name === "scheduler");
      const connection = base?.env?.find((e) => e.name === "AIRFLOW_CONN_WASB_TASK_LOGS")?.value;
      expect(connection, who).toBeDefined();
      expect(JSON.parse(connection!)).toMatchObject({ conn_type: "wasb", host: taskLogs.blobEndpoint, extra: { managed_identity_client_id: clientId } });
    }
  });
});
