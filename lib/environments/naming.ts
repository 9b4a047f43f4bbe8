/**
 * Every Azure and Kubernetes name of an environment is derived from its name (and a suffix fixed
 * at request time for the globally unique PostgreSQL host name), so that retries address the
 * same resources and never create a second one.
 */
export const NAME_MIN = 3;
export const NAME_MAX = 24;
export const NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

export interface DerivedNames {
  resourceGroup: string;
  /** AKS puts the cluster's own resources here. Azure's default (MC_<rg>_<cluster>_<region>) overflows 80 characters for long names. */
  nodeResourceGroup: string;
  cluster: string;
  dnsPrefix: string;
  postgresServer: string;
  database: string;
  namespace: string;
  helmRelease: string;
  /** The environment's spoke in the platform's network (only when one is configured). */
  virtualNetwork: string;
  /** The hub's side of the peering: named after the environment, unique in the hub. */
  hubPeering: string;
  /** PostgreSQL private access resolves the server's name through this zone, linked to the spoke and the hub. */
  databaseDnsZone: string;
  /** The environment's user-assigned managed identity, which Airflow's service accounts sign in as. */
  identity: string;
  /**
   * The storage account Airflow keeps task logs in: globally unique, 3–24 lower-case letters and
   * digits, so the name's letters and digits (at most 16) and the suffix.
   */
  storageAccount: string;
}

/** Azure's and Kubernetes' own limits for the names above. */
export const NAME_LIMITS: Record<keyof DerivedNames, { max: number; pattern: RegExp }> = {
  resourceGroup: { max: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  nodeResourceGroup: { max: 80, pattern: /^[-\w.()]*[-\w()]$/ },
  cluster: { max: 63, pattern: /^[a-zA-Z0-9][-_a-zA-Z0-9]*[a-zA-Z0-9]$/ },
  dnsPrefix: { max: 54, pattern: /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$/ },
  postgresServer: { max: 63, pattern: /^[a-z0-9][-a-z0-9]*[a-z0-9]$/ },
  database: { max: 63, pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/ },
  namespace: { max: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ },
  helmRelease: { max: 53, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ },
  virtualNetwork: { max: 64, pattern: /^[a-zA-Z0-9][-\w.]*\w$/ },
  hubPeering: { max: 80, pattern: /^[a-zA-Z0-9][-\w.]*\w$/ },
  databaseDnsZone: { max: 253, pattern: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]+$/ },
  identity: { max: 128, pattern: /^[a-zA-Z0-9][-\w]*$/ },
  storageAccount: { max: 24, pattern: /^[a-z0-9]{3,24}$/ },
};

/**
 * `databaseServer`: the server Airflow uses when it is not the derived one (a server restored from a
 * backup, see restoredServerName); the private DNS zone keeps its first name.
 */
export function deriveNames(name: string, suffix: string, databaseServer?: string | null): DerivedNames {
  if (!/^[0-9a-f]{6}$/.test(suffix)) throw new Error(`Invalid name suffix: ${suffix}`);
  return {
    resourceGroup: `rg-airflow-${name}`,
    nodeResourceGroup: `rg-airflow-${name}-nodes`,
    cluster: `aks-airflow-${name}`,
    dnsPrefix: `airflow-${name}`,
    postgresServer: databaseServer ?? `pg-airflow-${name}-${suffix}`,
    database: "airflow",
    namespace: "airflow",
    helmRelease: "airflow",
    virtualNetwork: `vnet-airflow-${name}`,
    hubPeering: `spoke-airflow-${name}-${suffix}`,
    databaseDnsZone: `pg-airflow-${name}-${suffix}.private.postgres.database.azure.com`,
    identity: `id-airflow-${name}`,
    storageAccount: `st${name.replace(/-/g, "").slice(0, 16)}${suffix}`,
  };
}

export function newNameSuffix(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(3));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The server a restore creates: the environment's server name with `-r<n>`, n counting restores.
 * Azure keeps a deleted server's name for a while, and the failed server stays, so the name is new.
 */
export function restoredServerName(name: string, suffix: string, restore: number): string {
  return `pg-airflow-${name}-${suffix}-r${restore}`;
}
