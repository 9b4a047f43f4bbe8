import { ContainerServiceClient, type ManagedCluster } from "@azure/arm-containerservice";
import { SourceControlConfigurationClient } from "@azure/arm-kubernetesconfiguration";
import { NetworkManagementClient } from "@azure/arm-network";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { ResourceManagementClient } from "@azure/arm-resources";
import { KubeConfig } from "@kubernetes/client-node";
import { serverBody } from "./arm-setup.js";
import { POLL, SUBSCRIPTION, type TestEmulator } from "./support.js";

export function clusterBody(overrides: Partial<ManagedCluster> = {}): ManagedCluster {
  return {
    location: "westeurope",
    tags: { team: "data", "managed-by": "airflow-portal" },
    identity: { type: "SystemAssigned" },
    dnsPrefix: "aks-airflow",
    kubernetesVersion: "1.32",
    agentPoolProfiles: [{ name: "system", mode: "System", count: 2, vmSize: "Standard_D4ds_v5", enableAutoScaling: true, minCount: 1, maxCount: 3 }],
    oidcIssuerProfile: { enabled: true },
    securityProfile: { workloadIdentity: { enabled: true } },
    ...overrides,
  };
}

/**
 * A resource group, a running managed cluster, optionally with Flux; returns a client-node config
 * for it: the user credential, or the admin one for an Entra cluster (whose user credential needs kubelogin).
 */
export async function provisionCluster(env: TestEmulator, group: string, name: string, withFlux = true, overrides: Partial<ManagedCluster> = {}) {
  const resources = new ResourceManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  const aks = new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions);
  await resources.resourceGroups.createOrUpdate(group, { location: "westeurope" });
  await aks.managedClusters.beginCreateOrUpdateAndWait(group, name, clusterBody(overrides), POLL);
  if (withFlux) {
    const config = new SourceControlConfigurationClient(env.credential, SUBSCRIPTION, env.clientOptions);
    await config.extensions.beginCreateAndWait(group, "Microsoft.ContainerService", "managedClusters", name, "flux", { extensionType: "microsoft.flux" }, POLL);
  }
  const creds = overrides.aadProfile ? await aks.managedClusters.listClusterAdminCredentials(group, name) : await aks.managedClusters.listClusterUserCredentials(group, name);
  const yaml = Buffer.from(creds.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8");
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return { kc, kubeconfigYaml: yaml };
}

export function helmRepository(namespace = "airflow") {
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "HelmRepository",
    metadata: { name: "apache-airflow", namespace },
    spec: { url: "https://airflow.apache.org", interval: "1h" },
  };
}

export function helmRelease(values: Record<string, unknown>, name = "airflow", namespace = "airflow") {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "airflow-portal" } },
    spec: {
      interval: "10m",
      chart: { spec: { chart: "airflow", version: "1.18.0", sourceRef: { kind: "HelmRepository", name: "apache-airflow" } } },
      values,
    },
  };
}

/**
 * A values object like the portal's: external metadata DB, pinned secrets (see `airflowSecrets`),
 * PgBouncer, a LoadBalancer UI, the migration and user jobs as plain Jobs (Flux waits for the pods
 * before post-install hooks, and the pods wait for the migrations).
 */
export function airflowValues(executor: string, extra: Record<string, unknown> = {}) {
  return {
    executor,
    postgresql: { enabled: false },
    data: { metadataSecretName: "airflow-metadata" },
    fernetKeySecretName: "airflow-fernet-key",
    apiSecretKeySecretName: "airflow-api-secret-key",
    jwtSecretName: "airflow-jwt-secret",
    webserverSecretKeySecretName: "airflow-webserver-secret-key",
    pgbouncer: { enabled: true },
    apiServer: { service: { type: "LoadBalancer" } },
    migrateDatabaseJob: { useHelmHooks: false, applyCustomEnv: false },
    createUserJob: { useHelmHooks: false, applyCustomEnv: false },
    ...extra,
  };
}

/** The flexible server and database the metadata Secret of `airflowSecrets` points at. */
export const DATABASE_SERVER = "pg-airflow";
export const DATABASE_NAME = "airflow";

/** The addresses a cluster's outbound traffic leaves from, read as the portal reads them. */
export async function outboundAddresses(env: TestEmulator, group: string, cluster: string): Promise<string[]> {
  const aks = new ContainerServiceClient(env.credential, SUBSCRIPTION, env.clientOptions);
  const network = new NetworkManagementClient(env.credential, SUBSCRIPTION, env.clientOptions);
  const found = await aks.managedClusters.get(group, cluster);
  const profile = found.networkProfile;
  const refs = [...(profile?.loadBalancerProfile?.effectiveOutboundIPs ?? []), ...(profile?.natGatewayProfile?.effectiveOutboundIPs ?? [])];
  return Promise.all(
    refs.map(async (ref) => {
      const [, ipGroup, name] = /\/resourceGroups\/([^/]+)\/.*\/publicIPAddresses\/([^/]+)$/i.exec(ref.id ?? "") ?? [];
      return (await network.publicIPAddresses.get(ipGroup!, name!)).ipAddress!;
    }),
  );
}

/**
 * What the portal makes before a release's pods can reach their database, through the same ARM
 * calls: the flexible server `airflowSecrets` points at (once, in `group`), its database, and a
 * firewall rule for each outbound address of `cluster`. `database: false` or `firewall: false`
 * leave one out. Returns the server's clients and the addresses admitted.
 */
export async function provisionDatabase(env: TestEmulator, group: string, cluster: string, options: { database?: boolean; firewall?: boolean } = {}) {
  const pg = new PostgreSQLManagementFlexibleServerClient(env.credential, SUBSCRIPTION, env.clientOptions);
  const exists = await pg.servers.get(group, DATABASE_SERVER).then(() => true, () => false);
  if (!exists) await pg.servers.beginCreateOrUpdateAndWait(group, DATABASE_SERVER, serverBody(), POLL);
  if (options.database !== false) {
    await pg.databases.beginCreateAndWait(group, DATABASE_SERVER, DATABASE_NAME, { charset: "UTF8", collation: "en_US.utf8" }, POLL);
  }
  const addresses = await outboundAddresses(env, group, cluster);
  const admit = (address: string) =>
    pg.firewallRules.beginCreateOrUpdateAndWait(group, DATABASE_SERVER, `aks-outbound-${address.replaceAll(".", "-")}`, { startIpAddress: address, endIpAddress: address }, POLL);
  if (options.firewall !== false) for (const address of addresses) await admit(address);
  return { pg, addresses, admit };
}

/** The Secrets `airflowValues` names, as the portal writes them before its HelmRelease: the chart's pods read them. */
export function airflowSecrets(namespace = "airflow") {
  const secret = (name: string, key: string, value: string) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    type: "Opaque",
    stringData: { [key]: value },
  });
  return [
    secret("airflow-metadata", "connection", metadataConnection()),
    secret("airflow-fernet-key", "fernet-key", "x".repeat(43) + "="),
    secret("airflow-api-secret-key", "api-secret-key", "api-secret"),
    secret("airflow-jwt-secret", "jwt-secret", "jwt-secret"),
    secret("airflow-webserver-secret-key", "webserver-secret-key", "webserver-secret"),
  ];
}

/** The metadata connection as the portal writes it: the server's administrator, password URL-encoded, TLS required. */
export function metadataConnection(overrides: { host?: string; database?: string; password?: string } = {}) {
  const { administratorLogin, administratorLoginPassword } = serverBody();
  const password = encodeURIComponent(overrides.password ?? administratorLoginPassword!);
  const host = overrides.host ?? `${DATABASE_SERVER}.postgres.database.azure.com`;
  return `postgresql://${administratorLogin!}:${password}@${host}:5432/${overrides.database ?? DATABASE_NAME}?sslmode=require`;
}
