import type { PlatformNetwork } from "@/lib/azure/platform-network";
import type { AirflowReleaseSettings } from "@/lib/helm/airflow-values";

/**
 * Why an environment may not be requested or approved under this configuration, or null. An
 * internal Airflow UI without the platform's network would sit in a VNet of AKS's own that no
 * network is peered with: built, healthy, and unreachable by anyone.
 */
export function unreachableRefusal(release: Pick<AirflowReleaseSettings, "airflowExposure" | "airflowAccess">, platformNetwork: PlatformNetwork | null): string | null {
  if (release.airflowAccess || release.airflowExposure !== "internal" || platformNetwork) return null;
  return (
    "This portal is not set up to make Airflow reachable, so nothing was requested. Airflow UIs are internal " +
    "(PORTAL_AIRFLOW_EXPOSURE=internal) but no platform network is configured: an administrator must set " +
    "PORTAL_HUB_VNET_ID and PORTAL_SPOKE_ADDRESS_POOL (the hub virtual network environments are peered with, and " +
    "the address pool their networks come from), or publish Airflow at https addresses with Entra sign-in " +
    "(PORTAL_AIRFLOW_DOMAIN and its settings)."
  );
}
