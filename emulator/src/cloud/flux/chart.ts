import type { Json } from "../store.js";

/** What the emulated Airflow chart needs to know about a release, read from its values. */
export interface ReleaseFacts {
  release: string;
  namespace: string;
  chartVersion: string;
  airflowVersion: string;
  airflowMajor: number;
  executor: string;
}

const CHART_DEFAULT_AIRFLOW = "3.0.5";
const CHART_DEFAULT_VERSION = "1.18.0";

const get = (values: Json, path: string): unknown => path.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Json)[key] : undefined), values);

/**
 * Flux's naming: spec.releaseName, else <targetNamespace>-<name> when a target namespace is set, else
 * the name. `resolve` turns the requested version (a constraint) into the repository's version.
 */
export function releaseFacts(hr: Json, resolve?: (constraint: string) => string | undefined): ReleaseFacts {
  const metadata = hr.metadata as Json;
  const spec = hr.spec as Json;
  const values = (spec.values ?? {}) as Json;
  const target = spec.targetNamespace as string | undefined;
  const release = (spec.releaseName as string | undefined) ?? (target ? `${target}-${metadata.name as string}` : (metadata.name as string));
  const requested = String(((spec.chart as Json | undefined)?.spec as Json | undefined)?.version ?? "");
  const tag = String(get(values, "images.airflow.tag") ?? get(values, "defaultAirflowTag") ?? "");
  const airflowVersion = String(get(values, "airflowVersion") ?? (/^\d+\.\d+\.\d+/.exec(tag)?.[0] ?? CHART_DEFAULT_AIRFLOW));
  return {
    release,
    namespace: target ?? (metadata.namespace as string),
    chartVersion: resolve?.(requested) ?? (/^\d+\.\d+\.\d+$/.test(requested) ? requested : CHART_DEFAULT_VERSION),
    airflowVersion,
    airflowMajor: Number(airflowVersion.split(".")[0]) || 3,
    executor: String(values.executor ?? "CeleryExecutor"),
  };
}

interface ServicePlan {
  component: string;
  suffix: string;
  ports: Json[];
  type?: string;
  headless?: boolean;
  /** The Airflow UI: reachable from outside through the stand-in's listener. */
  ui?: boolean;
}

/** The Services the official chart renders for these values (the ones anyone looks for). */
export function plannedServices(hr: Json, facts: ReleaseFacts): ServicePlan[] {
  const values = ((hr.spec as Json).values ?? {}) as Json;
  const enabled = (path: string, byDefault: boolean) => (get(values, path) ?? byDefault) !== false;
  const celery = facts.executor.includes("CeleryExecutor") || facts.executor.includes("CeleryKubernetesExecutor");
  const ui = facts.airflowMajor >= 3 ? "apiServer" : "webserver";
  const plans: ServicePlan[] = [
    {
      component: facts.airflowMajor >= 3 ? "api-server" : "webserver",
      suffix: facts.airflowMajor >= 3 ? "api-server" : "webserver",
      ports: [{ name: facts.airflowMajor >= 3 ? "api-server" : "airflow-ui", port: 8080, targetPort: 8080, protocol: "TCP" }],
      // As the chart does: ClusterIP unless the values ask for a LoadBalancer (which the portal does).
      type: String(get(values, `${ui}.service.type`) ?? "ClusterIP"),
      ui: true,
    },
  ];
  if (enabled("statsd.enabled", true)) plans.push({ component: "statsd", suffix: "statsd", ports: [{ name: "statsd-ingest", port: 9125, protocol: "UDP" }, { name: "statsd-scrape", port: 9102, protocol: "TCP" }] });
  if (enabled("pgbouncer.enabled", false)) plans.push({ component: "pgbouncer", suffix: "pgbouncer", ports: [{ name: "pgbouncer", port: 6543 }, { name: "pgbouncer-metrics", port: 9127 }] });
  if (enabled("postgresql.enabled", true)) plans.push({ component: "postgresql", suffix: "postgresql", ports: [{ name: "tcp-postgresql", port: 5432 }] });
  if (celery && enabled("redis.enabled", true)) plans.push({ component: "redis", suffix: "redis", ports: [{ name: "redis-db", port: 6379 }] });
  if (celery) plans.push({ component: "worker", suffix: "worker", headless: true, ports: [{ name: "worker-logs", port: 8793 }] });
  if (enabled("triggerer.enabled", true)) plans.push({ component: "triggerer", suffix: "triggerer", headless: true, ports: [{ name: "triggerer-logs", port: 8794 }] });
  return plans;
}

/** Service objects for a plan; `uiPort` is the stand-in Airflow's port on 127.0.0.1. */
export function renderService(plan: ServicePlan, facts: ReleaseFacts, hr: Json, uiPort: number | undefined): Json {
  const metadata = hr.metadata as Json;
  const loadBalancer = plan.ui && plan.type === "LoadBalancer" && uiPort !== undefined;
  const ports = plan.ports.map((p) => ({ protocol: "TCP", targetPort: p.port, ...p, ...(loadBalancer ? { port: uiPort, nodePort: 30000 + (uiPort % 2000) } : {}) }));
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: `${facts.release}-${plan.suffix}`,
      namespace: facts.namespace,
      labels: {
        tier: "airflow",
        component: plan.component,
        release: facts.release,
        chart: `airflow-${facts.chartVersion}`,
        heritage: "Helm",
        "app.kubernetes.io/managed-by": "Helm",
        "helm.toolkit.fluxcd.io/name": metadata.name,
        "helm.toolkit.fluxcd.io/namespace": metadata.namespace,
      },
      annotations: { "meta.helm.sh/release-name": facts.release, "meta.helm.sh/release-namespace": facts.namespace },
    },
    spec: {
      type: plan.ui ? plan.type : "ClusterIP",
      ...(plan.headless ? { clusterIP: "None" } : {}),
      selector: { tier: "airflow", component: plan.component, release: facts.release },
      ports,
    },
    status: { loadBalancer: loadBalancer ? { ingress: [{ ip: "127.0.0.1", ipMode: "VIP" }] } : {} },
  };
}
