import "server-only";
import { createHash } from "node:crypto";
import { AIRFLOW_VERSIONS } from "@/lib/environments/catalog";
import type { DerivedNames } from "@/lib/environments/naming";
import { categoryOf, type ReleaseObject } from "@/lib/environments/release-objects";
import { environmentHelmValues, type AirflowReleaseSettings, type EnvironmentValuesSpec } from "./airflow-values";
import { chartFiles, ChartSourceError, fetchChartPackage, type ChartPackage } from "./chart-source";
import { ChartRefusedError, renderChart, type RenderedHook, type RenderedObject } from "./render";

/**
 * The official Airflow chart rendered for one environment, as Helm would render it in the
 * environment's cluster: which objects the release creates, or why Helm refuses its values.
 */
export const AIRFLOW_CHART = "airflow";

/**
 * The clusters the portal creates run AKS's default Kubernetes version (the cluster step pins
 * none); v1.33 is that default as of this writing. The chart itself never looks at the version or
 * at `.Capabilities.APIVersions` (1.18.0 and 1.22.0 use `semverCompare` on the KubeVersion only in
 * the bundled postgresql subchart, which the portal turns off); these are given as AKS serves
 * them so a chart that does look renders as it would in the cluster.
 */
export const AKS_KUBE_VERSION = "v1.33.0";
export const AKS_API_VERSIONS: readonly string[] = [
  "v1",
  "apps/v1",
  "batch/v1",
  "policy/v1",
  "autoscaling/v1",
  "autoscaling/v2",
  "networking.k8s.io/v1",
  "rbac.authorization.k8s.io/v1",
  "storage.k8s.io/v1",
  "scheduling.k8s.io/v1",
  "coordination.k8s.io/v1",
  "discovery.k8s.io/v1",
  "apiextensions.k8s.io/v1",
  "admissionregistration.k8s.io/v1",
  "certificates.k8s.io/v1",
  "events.k8s.io/v1",
  "node.k8s.io/v1",
  // Flux, installed by the microsoft.flux cluster extension before the release.
  "helm.toolkit.fluxcd.io/v2",
  "source.toolkit.fluxcd.io/v1",
];

export interface AirflowReleaseSpec extends EnvironmentValuesSpec {
  chartVersion: string;
  names: Pick<DerivedNames, "helmRelease" | "namespace">;
}

export interface ChartRef {
  version: string;
  /** SHA-256 of the chart package (.tgz), hex. */
  digest: string;
}

export type ReleaseUnlistedReason = "not-in-repository" | "no-templates" | "repository" | "renderer";

/**
 * `listed`: what the release creates. `refused`: Helm refuses the values, in Helm's words.
 * `unlisted`: the objects cannot be known (no such version, a package without templates, an
 * unreachable repository, a renderer failure) — nothing is said about the values either way.
 */
export type AirflowReleaseListing =
  | { status: "listed"; chart: ChartRef; objects: ReleaseObject[]; notes: string | null }
  | { status: "refused"; chart: ChartRef; message: string }
  | { status: "unlisted"; reason: ReleaseUnlistedReason; message: string };

/** Renders are cached by the chart's digest and the request, so pages and checks ask for them freely. */
const RESULT_CACHE_SIZE = 256;
const results = new Map<string, AirflowReleaseListing>();
const templated = new Map<string, boolean>();

function hasTemplates(pkg: ChartPackage): boolean {
  let known = templated.get(pkg.digest);
  if (known === undefined) {
    const prefix = `${pkg.chart}/templates/`;
    known = [...chartFiles(pkg).keys()].some((path) => path.startsWith(prefix));
    templated.set(pkg.digest, known);
  }
  return known;
}

/** A Secret's values are digested as their keys only: what changed is seen, never what it holds. */
function digestOf(object: RenderedObject): string {
  let document = object.document;
  if (object.kind === "Secret") {
    const keysOf = (field: unknown) => (field && typeof field === "object" ? Object.keys(field).sort() : undefined);
    document = { ...document, data: keysOf(document.data), stringData: keysOf(document.stringData) };
  }
  return createHash("sha256").update(JSON.stringify(document)).digest("hex").slice(0, 16);
}

/** The claims a StatefulSet's volumeClaimTemplates make for its replicas (the StatefulSet controller's names). */
function claimsOf(object: RenderedObject): string[] {
  if (object.kind !== "StatefulSet") return [];
  const spec = (object.document.spec ?? {}) as { replicas?: number; volumeClaimTemplates?: { metadata?: { name?: string } }[] };
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  const templates = (spec.volumeClaimTemplates ?? []).map((t) => t.metadata?.name).filter((n): n is string => !!n);
  return templates.flatMap((t) => Array.from({ length: replicas }, (_, i) => `${t}-${object.name}-${i}`));
}

/** A Deployment's or StatefulSet's replicas and images, as rendered; undefined for any other kind. */
export function workloadShape(kind: string, document: Record<string, unknown>): ReleaseObject["workload"] {
  if (kind !== "Deployment" && kind !== "StatefulSet") return undefined;
  const spec = (document.spec ?? {}) as { replicas?: unknown; template?: { spec?: { initContainers?: { image?: string }[]; containers?: { image?: string }[] } } };
  const pod = spec.template?.spec ?? {};
  const images = [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((c) => String(c.image ?? ""));
  return { ...(typeof spec.replicas === "number" ? { replicas: spec.replicas } : {}), images };
}

function toReleaseObject(object: RenderedObject | RenderedHook, hook: boolean): ReleaseObject {
  const listed: ReleaseObject = { kind: object.kind, name: object.name, category: categoryOf(object.kind, hook), digest: digestOf(object) };
  if (hook) listed.hook = { events: (object as RenderedHook).events, weight: (object as RenderedHook).weight };
  const claims = claimsOf(object);
  if (claims.length > 0) listed.claims = claims;
  const workload = hook ? undefined : workloadShape(object.kind, object.document);
  if (workload) listed.workload = workload;
  return listed;
}

function remember(key: string, listing: AirflowReleaseListing): AirflowReleaseListing {
  if (results.size >= RESULT_CACHE_SIZE) results.delete(results.keys().next().value!);
  results.set(key, listing);
  return listing;
}

/** Renders a package already fetched; synchronous, cached. */
export function listReleaseObjects(
  pkg: ChartPackage,
  spec: AirflowReleaseSpec,
  values: Record<string, unknown>,
): AirflowReleaseListing {
  if (!hasTemplates(pkg)) {
    return {
      status: "unlisted",
      reason: "no-templates",
      message:
        `The repository's package of chart ${pkg.chart} ${pkg.version} has no templates, ` +
        "so the objects it creates cannot be listed.",
    };
  }
  const request = { releaseName: spec.names.helmRelease, namespace: spec.names.namespace, values };
  const key = `${pkg.digest}|${createHash("sha256").update(JSON.stringify(request)).digest("hex")}`;
  const cached = results.get(key);
  if (cached) return cached;
  const chart = { version: pkg.version, digest: pkg.digest };
  try {
    const render = renderChart({
      chart: pkg.bytes,
      ...request,
      kubeVersion: AKS_KUBE_VERSION,
      apiVersions: AKS_API_VERSIONS,
    });
    return remember(key, {
      status: "listed",
      chart: { version: render.chart.version, digest: render.chart.digest },
      objects: [
        ...render.objects.map((o) => toReleaseObject(o, false)),
        ...render.hooks.map((h) => toReleaseObject(h, true)),
      ],
      notes: render.notes,
    });
  } catch (error) {
    if (error instanceof ChartRefusedError) return remember(key, { status: "refused", chart, message: error.message });
    // Not Helm refusing the values: a gap in the portal's renderer. Logged once, since the result is cached.
    console.error(`[airflow-release] rendering chart ${pkg.chart} ${pkg.version} failed`, error);
    return remember(key, {
      status: "unlisted",
      reason: "renderer",
      message: `The portal could not render chart ${pkg.chart} ${pkg.version}: ${(error as Error).message ?? String(error)}`,
    });
  }
}

/**
 * Renders the environment's release with the values `settings` give it. Never throws for the
 * chart's or the repository's sake (only when `signal` aborts): every outcome is a listing.
 */
export async function renderAirflowRelease(
  spec: AirflowReleaseSpec,
  settings: AirflowReleaseSettings,
  signal?: AbortSignal,
): Promise<AirflowReleaseListing> {
  const values = environmentHelmValues(spec, settings);
  let pkg: ChartPackage | null;
  try {
    pkg = await fetchChartPackage(settings.helmRepositoryUrl, AIRFLOW_CHART, spec.chartVersion, signal);
  } catch (error) {
    if (!(error instanceof ChartSourceError)) throw error;
    const message = `The chart repository ${settings.helmRepositoryUrl} could not be read: ${error.message}.`;
    return { status: "unlisted", reason: "repository", message };
  }
  if (!pkg) {
    return {
      status: "unlisted",
      reason: "not-in-repository",
      message: `The chart repository ${settings.helmRepositoryUrl} does not list chart ${AIRFLOW_CHART} ${spec.chartVersion}.`,
    };
  }
  return listReleaseObjects(pkg, spec, values);
}

/** How a refusal reads for a person: the chart, then Helm's own words. */
export function refusalMessage(listing: Extract<AirflowReleaseListing, { status: "refused" }>): string {
  return `Chart ${AIRFLOW_CHART} ${listing.chart.version} refuses these settings: ${listing.message}`;
}

/**
 * Renders each offered chart version once, in the background at start: the first render in a
 * process loads the package and parses every template (seconds on a busy machine), which would
 * otherwise land on the first person to request or open an environment. Failures are only logged:
 * the request path reports them in its own words.
 */
export async function warmUpChartRenderer(settings: AirflowReleaseSettings, chartVersions: readonly string[]): Promise<void> {
  const team = { name: "warm-up", entraGroupId: "00000000-0000-4000-8000-000000000000" };
  for (const chartVersion of new Set(chartVersions)) {
    const airflowVersion = AIRFLOW_VERSIONS.find((v) => v.chartVersion === chartVersion)?.version;
    if (!airflowVersion) continue;
    const spec: AirflowReleaseSpec = {
      executor: "KubernetesExecutor",
      airflowVersion,
      size: "small",
      dagSource: null,
      team,
      chartVersion,
      names: { helmRelease: "airflow", namespace: "airflow" },
    };
    try {
      const listing = await renderAirflowRelease(spec, settings, AbortSignal.timeout(60_000));
      if (listing.status === "unlisted") console.warn(`[chart] chart ${chartVersion} not rendered at start: ${listing.message}`);
    } catch (error) {
      console.warn(`[chart] chart ${chartVersion} not rendered at start: ${(error as Error).message}`);
    }
  }
}
