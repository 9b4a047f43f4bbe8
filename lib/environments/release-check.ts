import "server-only";
import { AppError } from "@/lib/errors";
import {
  refusalMessage,
  renderAirflowRelease,
  type AirflowReleaseListing,
  type AirflowReleaseSpec,
} from "@/lib/helm/airflow-release";
import type { AirflowReleaseSettings } from "@/lib/helm/airflow-values";

/**
 * The chart's say before anything is written: a request or an approval renders the environment's
 * release with the values that will be applied, and what Helm refuses is refused here, in Helm's
 * words, before any row, audit event or job exists (and long before any Azure call).
 */
export type ReleaseCheck = (spec: AirflowReleaseSpec) => Promise<void>;

/** Long enough for a repository's index and one package; a request never waits longer than this for the chart. */
const CHECK_TIMEOUT_MS = 20_000;

async function render(spec: AirflowReleaseSpec, settings: AirflowReleaseSettings): Promise<AirflowReleaseListing> {
  try {
    return await renderAirflowRelease(spec, settings, AbortSignal.timeout(CHECK_TIMEOUT_MS));
  } catch (error) {
    if ((error as Error).name !== "TimeoutError") throw error;
    const message = `The chart repository ${settings.helmRepositoryUrl} did not answer in ${CHECK_TIMEOUT_MS / 1000} s.`;
    return { status: "unlisted", reason: "repository", message };
  }
}

/** A check that first refuses what no one could reach (lib/environments/reachability.ts), in its words. */
export function reachableOnly(refusal: string | null, check: ReleaseCheck): ReleaseCheck {
  return async (spec) => {
    if (refusal) throw new AppError("CONFLICT", refusal);
    await check(spec);
  };
}

/**
 * For a request: Helm's refusal stops it; a chart the portal cannot read does not (the person
 * cannot fix a repository), it is logged and the provisioning step reports it later.
 */
export function requestReleaseCheck(settings: AirflowReleaseSettings): ReleaseCheck {
  return async (spec) => {
    const listing = await render(spec, settings);
    if (listing.status === "refused") throw new AppError("INVALID", refusalMessage(listing));
    if (listing.status === "unlisted") {
      console.warn(`[release-check] request recorded without the chart's check: ${listing.message}`);
    }
  };
}

/**
 * For an approval: Helm's refusal stops it, and so does a repository that cannot be read or does
 * not list the version, so the admin sees the problem before provisioning runs into it. A package
 * without templates (a repository serving stubs) or a renderer gap is logged, not a reason to wait.
 */
export function approvalReleaseCheck(settings: AirflowReleaseSettings): ReleaseCheck {
  return async (spec) => {
    const listing = await render(spec, settings);
    if (listing.status === "refused") throw new AppError("INVALID", refusalMessage(listing));
    if (listing.status !== "unlisted") return;
    if (listing.reason === "repository" || listing.reason === "not-in-repository") {
      throw new AppError(
        "CONFLICT",
        `${listing.message} The settings could not be checked against the chart, so the request stays pending; ` +
          "approve it once the repository answers.",
      );
    }
    console.warn(`[release-check] approval given without the chart's check: ${listing.message}`);
  };
}
