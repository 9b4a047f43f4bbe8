import type { AirflowSite, Json } from "../store.js";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Airflow writes heartbeats as ISO timestamps with microseconds and an explicit offset. */
const heartbeat = (ageSeconds: number) => new Date(Date.now() - ageSeconds * 1000).toISOString().replace("Z", "000+00:00");

/**
 * The health document of the site's Airflow version: /api/v2/monitor/health (3.x) or /health (2.x),
 * both answered with 200 whatever the health, as Airflow does. `unhealthy` names a component.
 */
export function healthBody(site: AirflowSite, unhealthy: string | undefined): Json {
  const component = (name: string, beatKey: string, enabled = true) => {
    if (!enabled) return { status: null, [beatKey]: null };
    const bad = unhealthy === name;
    return { status: bad ? "unhealthy" : "healthy", [beatKey]: heartbeat(bad ? 600 : 3) };
  };
  const major = Number(site.airflowVersion.split(".")[0]);
  return {
    metadatabase: { status: unhealthy === "metadatabase" ? "unhealthy" : "healthy" },
    scheduler: component("scheduler", "latest_scheduler_heartbeat"),
    triggerer: component("triggerer", "latest_triggerer_heartbeat"),
    // Airflow 2's chart runs the DAG processor inside the scheduler unless told otherwise.
    dag_processor: component("dag_processor", "latest_dag_processor_heartbeat", major >= 3),
  };
}

/** `environment` is what a person knows the deployment as; every release is named alike, so it is not the release. */
export function uiPage(site: AirflowSite, healthy: boolean, environment: string): string {
  const major = Number(site.airflowVersion.split(".")[0]);
  const healthPath = major >= 3 ? "/api/v2/monitor/health" : "/health";
  const rows: [string, string][] = [
    ["Environment", environment],
    ["Release", site.release],
    ["Namespace", site.namespace],
    ["Cluster", site.clusterName],
    ["Executor", site.executor],
    ["Airflow version", site.airflowVersion],
    ["Chart version", site.chartVersion],
    ["Health", healthy ? "healthy" : "unhealthy"],
  ];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Airflow — ${escape(environment)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}h1{color:#017cee}table{border-collapse:collapse}td,th{padding:.4rem .8rem;border-bottom:1px solid #e5e7eb;text-align:left}.note{color:#6b7280}</style>
</head>
<body>
<h1>Apache Airflow</h1>
<p class="note">Stand-in Airflow ${major >= 3 ? "API server" : "webserver"} of release <strong>${escape(site.release)}</strong> (emulated cloud).</p>
<table>${rows.map(([k, v]) => `<tr><th scope="row">${escape(k)}</th><td>${escape(v)}</td></tr>`).join("")}</table>
<p><a href="${healthPath}">${healthPath}</a></p>
</body>
</html>
`;
}
