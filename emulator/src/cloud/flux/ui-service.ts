import type { RenderedObject } from "@/lib/helm/render";
import type { AirflowSite, ClusterState, Json } from "../store.js";
import type { KubeClusters } from "../kube/clusters.js";
import { typeOf } from "../kube/discovery.js";
import { Verbs } from "../kube/verbs.js";
import type { ReleaseFacts } from "./chart.js";
import type { Built } from "./helm-client.js";

const SERVICE = typeOf("Service");
/** The chart's components that serve the UI: the API server (Airflow 3), the webserver (Airflow 2). */
const UI_COMPONENTS = ["api-server", "webserver"];

const componentOf = (svc: Json) => ((svc.spec as Json | undefined)?.selector as Json | undefined)?.component;

/** The release's UI Service among what it renders: the Service in front of the API server or webserver. */
export function findUiService(built: Built[]): Built | undefined {
  const services = built.filter((b) => b.t === SERVICE);
  for (const component of UI_COMPONENTS) {
    const found = services.find((b) => componentOf(b.doc) === component);
    if (found) return found;
  }
  return undefined;
}

/**
 * A LoadBalancer UI Service is answered by the release's stand-in Airflow, which listens on its own
 * port of 127.0.0.1: the Service's first port becomes that port, so `http://<address>:<port>/`
 * from its status and spec reaches the stand-in, as the load balancer's address reaches Airflow.
 */
export function pointAtStandIn(ui: Built | undefined, port: number) {
  if (!ui || (ui.doc.spec as Json | undefined)?.type !== "LoadBalancer") return;
  const ports = ((ui.doc.spec as Json).ports ?? []) as Json[];
  if (ports[0]) ports[0] = { ...ports[0], port };
}

/** After the stand-in had to move to another port: the live UI Service follows it. */
export function followStandIn(kube: KubeClusters, cluster: ClusterState, site: AirflowSite) {
  const services = kube.list(cluster, SERVICE, site.namespace).filter((svc) => {
    const labels = ((svc.metadata as Json).labels ?? {}) as Json;
    return labels.release === site.release && UI_COMPONENTS.includes(String(componentOf(svc)));
  });
  for (const svc of services) {
    const spec = svc.spec as Json;
    const ports = (spec.ports ?? []) as Json[];
    if (spec.type !== "LoadBalancer" || !ports[0] || ports[0].port === site.port) continue;
    const moved = { ...svc, spec: { ...spec, ports: [{ ...ports[0], port: site.port }, ...ports.slice(1)] } };
    new Verbs(kube).update(cluster, SERVICE, svc, moved, { manager: "helm-controller", dryRun: false });
  }
}

/**
 * For a chart package without templates (the repository's stubs, when no real chart was given):
 * only the UI Service the official chart would render, so the stand-in Airflow can be reached.
 */
export function stubUiService(values: Json, facts: ReleaseFacts): RenderedObject {
  const airflow3 = facts.airflowMajor >= 3;
  const component = airflow3 ? "api-server" : "webserver";
  const settings = (values[airflow3 ? "apiServer" : "webserver"] ?? {}) as Json;
  const service = (settings.service ?? {}) as Json;
  const name = `${facts.release}-${component}`;
  const labels = { tier: "airflow", component, release: facts.release, chart: `airflow-${facts.chartVersion}`, heritage: "Helm" };
  const document: Json = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels, ...(service.annotations ? { annotations: service.annotations } : {}) },
    spec: {
      type: String(service.type ?? "ClusterIP"),
      selector: { tier: "airflow", component, release: facts.release },
      ports: [{ name: airflow3 ? "api-server" : "airflow-ui", port: 8080, targetPort: 8080, protocol: "TCP" }],
    },
  };
  const template = `airflow/templates/${component}/${component}-service.yaml`;
  return { template, apiVersion: "v1", kind: "Service", name, content: "", document };
}
