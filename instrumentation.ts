/**
 * Runs once when a portal server starts: a missing or malformed setting stops it here, with a
 * message naming the variable, rather than on the first request; then the chart renderer warms up.
 * First of all, the request-target guard (lib/security/request-target.ts) goes on the HTTP server.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Before any request is routed: absolute-form request targets become paths, redirects are never cached.
    const { installRequestTargetGuard } = await import("@/lib/security/request-target");
    installRequestTargetGuard(await import("node:http"));
    const { config } = await import("@/lib/config");
    let settings: ReturnType<typeof config>;
    try {
      settings = config();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
    // The first chart render in a process is the slow one: pay it now, not on someone's request.
    const { chartVersionFor } = await import("@/lib/environments/catalog");
    const { warmUpChartRenderer } = await import("@/lib/helm/airflow-release");
    const chartVersions = settings.catalog.airflowVersions.map(chartVersionFor);
    setTimeout(() => void warmUpChartRenderer(settings.release, chartVersions), 0);
  }
}
