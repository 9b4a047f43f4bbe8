import { AIRFLOW_VERSIONS, airflowMajor } from "@/lib/environments/catalog";

/** Versions compared number by number: 2.10.5 < 2.11.2 < 3.0.6 < 3.2.2. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The release every Airflow 2 environment must reach before Airflow 3: its migrations are the bridge. */
export const BRIDGE_RELEASE = "2.11";

/**
 * Why Airflow `from` cannot be upgraded to `to` in place, or null when it can. Airflow's database
 * migrations only go forward, so a downgrade is refused; Airflow 3's migrations start from 2.11's
 * schema, so a 2.10 (or older) environment goes to 2.11 first, as Airflow's upgrade guide and MWAA
 * require; a version the portal does not offer is refused.
 */
export function upgradeRefusal(from: string, to: string): string | null {
  if (from === to) return null;
  const target = AIRFLOW_VERSIONS.find((v) => v.version === to);
  if (!target?.offered) return `Airflow ${to} is not offered; choose one of ${AIRFLOW_VERSIONS.filter((v) => v.offered).map((v) => v.version).join(", ")}.`;
  if (compareVersions(to, from) < 0) return `Airflow ${from} cannot go back to ${to}: its database migrations only go forward.`;
  if (airflowMajor(from) < 3 && airflowMajor(to) >= 3 && compareVersions(from, BRIDGE_RELEASE) < 0) {
    const bridge = AIRFLOW_VERSIONS.find((v) => v.offered && v.version.startsWith(`${BRIDGE_RELEASE}.`))?.version ?? BRIDGE_RELEASE;
    return `Airflow ${from} must be upgraded to ${bridge} first: Airflow 3's migrations start from ${BRIDGE_RELEASE}'s schema.`;
  }
  return null;
}
