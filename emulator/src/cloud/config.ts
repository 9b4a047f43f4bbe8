/**
 * How long each kind of cloud operation takes, in milliseconds. Long-running ARM operations report
 * InProgress for this long; `resourceGroup` delays the (synchronous) resource group PUT; `arm` and
 * `kube` delay every ARM / Kubernetes response; `helmRelease` is Flux's time to install or upgrade.
 */
export const LATENCY_KINDS = [
  "arm",
  "kube",
  "resourceGroup",
  "managedCluster",
  "managedClusterPower",
  "agentPool",
  "postgresServer",
  "postgresServerPower",
  "postgresServerUpdate",
  "postgresBackup",
  "postgresDatabase",
  "firewallRule",
  "extension",
  "delete",
  "helmRepository",
  "helmRelease",
  "namespaceTermination",
  "ingressAddress",
  "dnsRecord",
  "virtualNetwork",
  "privateDns",
  "storageAccount",
] as const;

export type LatencyKind = (typeof LATENCY_KINDS)[number];
export type Latencies = Record<LatencyKind, number>;

/** Near zero, for tests: every operation still goes through InProgress at least once. */
const fast: Latencies = {
  arm: 0,
  kube: 0,
  resourceGroup: 0,
  managedCluster: 50,
  managedClusterPower: 30,
  agentPool: 30,
  postgresServer: 50,
  postgresServerPower: 30,
  postgresServerUpdate: 30,
  postgresBackup: 30,
  postgresDatabase: 20,
  firewallRule: 20,
  extension: 30,
  delete: 30,
  helmRepository: 10,
  helmRelease: 50,
  // Long enough for a client to see Terminating, short enough not to slow a teardown.
  namespaceTermination: 50,
  ingressAddress: 30,
  dnsRecord: 30,
  virtualNetwork: 20,
  privateDns: 20,
  storageAccount: 20,
};

/** Slow enough to watch a provisioning run in the portal, fast enough to sit through it. */
const demo: Latencies = {
  arm: 50,
  kube: 10,
  resourceGroup: 500,
  managedCluster: 40_000,
  managedClusterPower: 15_000,
  agentPool: 15_000,
  postgresServer: 30_000,
  postgresServerPower: 10_000,
  postgresServerUpdate: 10_000,
  postgresBackup: 5_000,
  postgresDatabase: 3_000,
  firewallRule: 3_000,
  extension: 15_000,
  delete: 10_000,
  helmRepository: 2_000,
  helmRelease: 20_000,
  namespaceTermination: 3_000,
  ingressAddress: 3_000,
  dnsRecord: 5_000,
  virtualNetwork: 2_000,
  privateDns: 3_000,
  storageAccount: 3_000,
};

/**
 * Azure's own orders of magnitude (the middle of what AKS, PostgreSQL flexible server and the Flux
 * extension take in practice): a cluster 5–8 min, a server 5–10 min, the extension about 2 min, a
 * Helm install of Airflow about 3 min. Scale it (EMULATOR_LATENCY_SCALE, `scale` on the control
 * API) to keep the cloud's proportions in a shorter run, e.g. 0.05 for a cluster in about 20 s.
 */
const realistic: Latencies = {
  arm: 150,
  kube: 30,
  resourceGroup: 1_500,
  managedCluster: 6.5 * 60_000,
  managedClusterPower: 4 * 60_000,
  // A node pool added, scaled or changed: its scale set's VMs, a few minutes.
  agentPool: 3 * 60_000,
  postgresServer: 7.5 * 60_000,
  postgresServerPower: 3 * 60_000,
  // A scale of compute or storage, or another change to a server: minutes, the compute change with a restart.
  postgresServerUpdate: 4 * 60_000,
  // An on-demand backup: a snapshot of the data disk, a minute or two.
  postgresBackup: 90_000,
  postgresDatabase: 20_000,
  firewallRule: 45_000,
  extension: 2 * 60_000,
  delete: 5 * 60_000,
  helmRepository: 5_000,
  helmRelease: 3 * 60_000,
  namespaceTermination: 10_000,
  // The add-on's NGINX publishes the address once its load balancer has one; external-dns syncs every minute.
  ingressAddress: 20_000,
  dnsRecord: 60_000,
  // A VNet, subnet or peering: seconds; a private DNS zone or link: about half a minute.
  virtualNetwork: 10_000,
  privateDns: 30_000,
  storageAccount: 25_000,
};

export const PROFILES = { fast, demo, realistic } as const;
export type ProfileName = keyof typeof PROFILES;

export function isLatencyKind(kind: string): kind is LatencyKind {
  return (LATENCY_KINDS as readonly string[]).includes(kind);
}

/** Checks a partial latency map from a person (env var or control API) and says plainly what is wrong. */
export function parseLatencies(input: unknown, source: string): Partial<Latencies> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new Error(`${source}: expected a JSON object of {kind: milliseconds}`);
  }
  const out: Partial<Latencies> = {};
  for (const [kind, ms] of Object.entries(input)) {
    if (!isLatencyKind(kind)) throw new Error(`${source}: unknown latency kind "${kind}" (known: ${LATENCY_KINDS.join(", ")})`);
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw new Error(`${source}: ${kind} must be a number of milliseconds ≥ 0`);
    out[kind] = ms;
  }
  return out;
}

/**
 * Start-up latencies: a profile (EMULATOR_PROFILE: fast | demo | realistic; default fast, which
 * suits tests) overlaid with EMULATOR_LATENCIES, a JSON object such as {"managedCluster": 30000}.
 */
export function startupLatencies(env: NodeJS.ProcessEnv = process.env): Latencies {
  const profileName = (env.EMULATOR_PROFILE || "fast") as ProfileName;
  const profile = PROFILES[profileName];
  if (!profile) throw new Error(`EMULATOR_PROFILE: unknown profile "${profileName}" (known: ${Object.keys(PROFILES).join(", ")})`);
  const scale = env.EMULATOR_LATENCY_SCALE ? parseScale(Number(env.EMULATOR_LATENCY_SCALE), "EMULATOR_LATENCY_SCALE") : 1;
  const overrides = env.EMULATOR_LATENCIES ? parseLatencies(JSON.parse(env.EMULATOR_LATENCIES), "EMULATOR_LATENCIES") : {};
  return { ...scaled(profile, scale), ...overrides };
}

export function parseScale(scale: unknown, source: string): number {
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0) throw new Error(`${source}: the latency scale must be a number > 0 (e.g. 0.1)`);
  return scale;
}

/** A profile with every latency multiplied by `scale` (whole milliseconds): the cloud's proportions in less time. */
export function scaled(latencies: Latencies, scale: number): Latencies {
  return Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, Math.round(v * scale)])) as Latencies;
}
