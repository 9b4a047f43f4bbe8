/**
 * `npm run worker`: one provisioning worker. Run as many as you like, on any machine that reaches
 * the portal's PostgreSQL and Azure; they share the work through the database.
 */
import { engineConfig } from "@/lib/config";
import { AIRFLOW_VERSIONS } from "@/lib/environments/catalog";
import { warmUpChartRenderer } from "@/lib/helm/airflow-release";
import { startWorker } from "@/lib/provisioning/worker";

async function main() {
  const config = engineConfig();
  // The first render of a chart in a process parses all its templates, seconds on a busy machine,
  // during which the event loop (and the operation's heartbeat) stands still: pay it for the chart
  // versions new environments get before taking any operation. Failures are only logged.
  const offered = AIRFLOW_VERSIONS.filter((v) => v.offered).map((v) => v.chartVersion);
  await warmUpChartRenderer({ helmRepositoryUrl: config.helmRepositoryUrl, airflowExposure: config.airflowExposure, airflowAccess: null }, offered);
  const worker = await startWorker(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: stopping`);
    worker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error("[worker]", error instanceof Error ? error.message : error);
  process.exit(1);
});
