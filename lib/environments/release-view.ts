import "server-only";
import { renderAirflowRelease, refusalMessage } from "@/lib/helm/airflow-release";
import type { AirflowReleaseSettings } from "@/lib/helm/airflow-values";
import { asPlanned } from "./changes/seed-adoption";
import type { ReleaseObject } from "./release-objects";
import type { EnvironmentDetail } from "./types";

/**
 * What an environment's page says its Helm release creates. Once applied, the list the worker
 * stored with the chart's digest (never rendered again: what was applied is what is shown);
 * until then, the chart rendered on the server with the values that will be applied.
 */
export type ReleaseView =
  | { kind: "applied"; chartVersion: string; chartDigest: string; objects: ReleaseObject[] }
  | { kind: "planned"; chartVersion: string; chartDigest: string; objects: ReleaseObject[] }
  | { kind: "refused"; message: string }
  | { kind: "unlisted"; message: string };

/** A page waits this long for the chart repository at most; the rest of the page does not wait at all. */
const PAGE_RENDER_TIMEOUT_MS = 8_000;

/** Whether the page has anything to say: nothing for a request that was rejected, or a release that is gone. */
export function hasReleaseView(env: Pick<EnvironmentDetail, "deployed" | "status">): boolean {
  return env.deployed !== null || (env.status !== "REJECTED" && env.status !== "DELETED");
}

export async function releaseView(env: EnvironmentDetail, settings: AirflowReleaseSettings): Promise<ReleaseView> {
  if (env.deployed) {
    const { release, chartVersion } = env.deployed;
    if (release) return { kind: "applied", chartVersion, chartDigest: release.chartDigest, objects: release.objects };
    return { kind: "unlisted", message: "The objects were not recorded when this release was applied." };
  }
  try {
    const listing = await renderAirflowRelease(asPlanned(env), settings, AbortSignal.timeout(PAGE_RENDER_TIMEOUT_MS));
    if (listing.status === "listed") {
      const { chart, objects } = listing;
      return { kind: "planned", chartVersion: chart.version, chartDigest: chart.digest, objects };
    }
    if (listing.status === "refused") return { kind: "refused", message: refusalMessage(listing) };
    // A package without templates says so itself; anything else may pass, and the page says it is for now.
    const message = listing.reason === "no-templates" ? listing.message : `The objects cannot be listed now. ${listing.message}`;
    return { kind: "unlisted", message };
  } catch (error) {
    if ((error as Error).name !== "TimeoutError") throw error;
    const message = `The objects cannot be listed now: the chart repository ${settings.helmRepositoryUrl} did not answer in time.`;
    return { kind: "unlisted", message };
  }
}
