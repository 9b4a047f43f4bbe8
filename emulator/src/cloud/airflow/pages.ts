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

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}h1{color:#017cee}table{border-collapse:collapse}td,th{padding:.4rem .8rem;border-bottom:1px solid #e5e7eb;text-align:left}.note{color:#6b7280}.alert{color:#b91c1c;background:#fef2f2;border:1px solid #fecaca;padding:.75rem;border-radius:.25rem}.btn{display:inline-block;padding:.6rem 1.2rem;background:#017cee;color:#fff;border-radius:.25rem;text-decoration:none;font-weight:600}`;

const shell = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;

/** FAB's login_oauth.html: one "Sign In with <provider>" button per provider, and the flashed message. */
export function loginPage(environment: string, providers: { name: string; href: string }[], flash?: string): string {
  return shell(
    `Sign In — Airflow — ${environment}`,
    `<h1>Sign In</h1>
<p class="note">Airflow of <strong>${escape(environment)}</strong> (emulated cloud).</p>
${flash ? `<p class="alert" role="alert">${escape(flash)}</p>` : ""}
${providers.map((p) => `<p><a class="btn" id="btn-signin-${escape(p.name)}" href="${escape(p.href)}">Sign In with ${escape(p.name)}</a></p>`).join("\n")}`,
  );
}

/** What a person sees when Airflow's sign-in cannot work: the config or the pod's environment is wrong. */
export function signInProblemPage(environment: string, problem: string): string {
  return shell(`Error — Airflow — ${environment}`, `<h1>Airflow cannot sign you in</h1>\n<p class="alert" role="alert">${escape(problem)}</p>`);
}

/** `environment` is what a person knows the deployment as; every release is named alike, so it is not the release. */
export function uiPage(site: AirflowSite, healthy: boolean, environment: string, user?: { name: string; email: string; roles: string[]; logoutPath: string }): string {
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
${user ? userSection(user) : ""}<table>${rows.map(([k, v]) => `<tr><th scope="row">${escape(k)}</th><td>${escape(v)}</td></tr>`).join("")}</table>
<p><a href="${healthPath}">${healthPath}</a></p>
</body>
</html>
`;
}

/**
 * The signed-in user and their Airflow role: FAB also gives everyone the registration role (Public),
 * which grants nothing, so it is shown only when it is all the user has.
 */
function userSection(user: { name: string; email: string; roles: string[]; logoutPath: string }): string {
  const granting = user.roles.filter((r) => r !== "Public");
  const shown = granting.length ? granting : ["Public"];
  return `<section aria-label="Signed-in user">
<p>Signed in as <strong>${escape(user.name)}</strong> (${escape(user.email)}) · <a href="${escape(user.logoutPath)}">Sign out</a></p>
<p>Airflow role: <strong data-testid="airflow-role">${escape(shown.join(", "))}</strong></p>
${granting.length ? "" : `<p class="alert" role="alert">Your user has no roles and/or permissions!</p>`}
</section>
`;
}
