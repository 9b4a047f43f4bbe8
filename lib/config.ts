import "server-only";
import { z } from "zod";
import { DEFAULT_CATALOG, OFFERED_AIRFLOW_VERSIONS } from "@/lib/environments/catalog";
import { parsePlatformNetwork } from "@/lib/azure/platform-network";
import type { AirflowReleaseSettings, AirflowSignInSettings } from "@/lib/helm/airflow-values";

/**
 * The only place that reads the process environment. Parsed once; a missing or malformed
 * variable stops the process with a message naming it.
 *
 * Sign-in: with ENTRA_TENANT_ID and ENTRA_CLIENT_ID, Microsoft Entra ID; without them, the
 * OpenID Connect provider at OIDC_AUTHORITY with the client OIDC_CLIENT_ID.
 */
const EnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: "is required: a PostgreSQL connection string (npm run dev sets it for the embedded database)" })
    .min(1, "is required: a PostgreSQL connection string"),
  SESSION_SECRET: z
    .string({ error: "is required: at least 32 random characters that sign session cookies" })
    .min(32, "must be at least 32 characters"),
  /** A session unused for this long ends (it ends 8 hours after sign-in regardless). */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1, "must be at least 1").max(480, "must be at most 480 (8 hours)").default(60),
  ENTRA_TENANT_ID: z.string().uuid().optional(),
  ENTRA_CLIENT_ID: z.string().uuid().optional(),
  ENTRA_AUTHORITY_HOST: z.string().url().default("https://login.microsoftonline.com"),
  OIDC_AUTHORITY: z.string().url().startsWith("https://", "must be an https:// URL").optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  PORTAL_ADMIN_ROLE: z.string().min(1).default("Portal.Admin"),
  PORTAL_REGIONS: z.string().optional(),
  PORTAL_AIRFLOW_VERSIONS: z.string().optional(),
  PORTAL_DAG_HOSTS: z.string().optional(),
  /** Environment requests one person may make per hour; more are refused with a message. */
  PORTAL_REQUESTS_PER_HOUR: z.coerce.number().int().min(1, "must be at least 1").default(10),
  /** The platform's hub virtual network; with PORTAL_SPOKE_ADDRESS_POOL, environments are built as its spokes. */
  PORTAL_HUB_VNET_ID: z.string().min(1).optional(),
  PORTAL_SPOKE_ADDRESS_POOL: z.string().min(1).optional(),
});

export type AuthSettings = {
  clientId: string;
  authority: string;
  issuer: string;
  /** MSAL's protocol mode: "AAD" for Entra ID, "OIDC" for any other OpenID Connect provider. */
  protocolMode: "AAD" | "OIDC";
  knownAuthorities: string[];
};

/** Parses the environment with `schema`, or stops with one line per missing or malformed variable. */
function parseWith<S extends z.ZodType>(schema: S, what: string): z.output<S> {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid ${what} configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

function parseEnv() {
  const env = parseWith(EnvSchema, "portal");
  if (Boolean(env.ENTRA_TENANT_ID) !== Boolean(env.ENTRA_CLIENT_ID)) {
    throw new Error("Invalid portal configuration: set both ENTRA_TENANT_ID and ENTRA_CLIENT_ID, or neither");
  }

  const auth = authSettings(env);

  const list = (value: string | undefined) =>
    value
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);

  return {
    databaseUrl: env.DATABASE_URL,
    sessionSecret: env.SESSION_SECRET,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    requestsPerHour: env.PORTAL_REQUESTS_PER_HOUR,
    adminRole: env.PORTAL_ADMIN_ROLE,
    release: releaseSettings(),
    platformNetwork: parsePlatformNetwork(env.PORTAL_HUB_VNET_ID, env.PORTAL_SPOKE_ADDRESS_POOL),
    auth,
    catalog: {
      ...DEFAULT_CATALOG,
      regions: regions(list(env.PORTAL_REGIONS)),
      airflowVersions: airflowVersions(list(env.PORTAL_AIRFLOW_VERSIONS)),
      dagHosts: dagHosts(list(env.PORTAL_DAG_HOSTS)),
    },
  };
}

function authSettings(env: z.output<typeof EnvSchema>): AuthSettings {
  if (env.ENTRA_TENANT_ID && env.ENTRA_CLIENT_ID) {
    return {
      clientId: env.ENTRA_CLIENT_ID,
      authority: `${env.ENTRA_AUTHORITY_HOST}/${env.ENTRA_TENANT_ID}`,
      issuer: `${env.ENTRA_AUTHORITY_HOST}/${env.ENTRA_TENANT_ID}/v2.0`,
      protocolMode: "AAD",
      knownAuthorities: [new URL(env.ENTRA_AUTHORITY_HOST).host],
    };
  }
  // No default provider: a deployment that forgot its Entra settings must not start signing people in elsewhere.
  if (!env.OIDC_AUTHORITY || !env.OIDC_CLIENT_ID) {
    throw new Error(
      "Invalid portal configuration: set ENTRA_TENANT_ID and ENTRA_CLIENT_ID to sign in with Microsoft Entra ID, " +
        "or OIDC_AUTHORITY and OIDC_CLIENT_ID for another OpenID Connect provider",
    );
  }
  return {
    clientId: env.OIDC_CLIENT_ID,
    authority: env.OIDC_AUTHORITY,
    issuer: env.OIDC_AUTHORITY,
    protocolMode: "OIDC",
    knownAuthorities: [new URL(env.OIDC_AUTHORITY).host],
  };
}

/** Azure region names as ARM spells them (`westeurope`, not `West Europe`). */
function regions(wanted: string[] | undefined): readonly string[] {
  if (!wanted) return DEFAULT_CATALOG.regions;
  const malformed = wanted.filter((r) => !/^[a-z][a-z0-9]{2,39}$/.test(r));
  if (malformed.length > 0 || wanted.length === 0) {
    throw new Error(
      `Invalid portal configuration:\n  PORTAL_REGIONS: ${malformed.length > 0 ? `not an Azure region name: ${malformed.join(", ")}` : "lists no region"}; use names such as westeurope,northeurope`,
    );
  }
  return [...new Set(wanted)];
}

/** Host names (`github.com`) or domains (`.git.contoso.example`), lowercase. */
function dagHosts(wanted: string[] | undefined): readonly string[] | undefined {
  if (!wanted || wanted.length === 0) return undefined;
  const hosts = wanted.map((h) => h.toLowerCase());
  const malformed = hosts.filter((h) => !/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(h));
  if (malformed.length > 0) {
    throw new Error(`Invalid portal configuration:\n  PORTAL_DAG_HOSTS: not a host name: ${malformed.join(", ")}; use names such as github.com,.git.contoso.example`);
  }
  return hosts;
}

/**
 * Operators may offer fewer Airflow versions, never one the portal has no chart version for nor one
 * it keeps only for the environments already running it.
 */
function airflowVersions(wanted: string[] | undefined): readonly string[] {
  if (!wanted) return DEFAULT_CATALOG.airflowVersions;
  const known = new Set(OFFERED_AIRFLOW_VERSIONS);
  const unknown = wanted.filter((v) => !known.has(v));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new Error(
      `Invalid portal configuration:\n  PORTAL_AIRFLOW_VERSIONS: unsupported ${unknown.join(", ") || "(empty)"}; supported: ${[...known].join(", ")}`,
    );
  }
  return wanted;
}

export type Config = ReturnType<typeof parseEnv>;

/**
 * What the provisioning worker needs: the database, the Azure subscription and the portal's own
 * identity, and how environments are built. The credential itself comes from `@azure/identity`
 * (service principal, workload identity or managed identity), which reads its standard variables.
 */
const EngineEnvSchema = z.object({
  DATABASE_URL: EnvSchema.shape.DATABASE_URL,
  AZURE_SUBSCRIPTION_ID: z.string({ error: "is required: the subscription environments are created in" }).uuid("must be a subscription id (a UUID)"),
  AZURE_RESOURCE_MANAGER_ENDPOINT: z.string().url().startsWith("https://", "must be an https:// URL").default("https://management.azure.com"),
  AZURE_AUTHORITY_HOST: z.string().url().startsWith("https://", "must be an https:// URL").optional(),
  AZURE_TENANT_ID: z.string().min(1).optional(),
  AZURE_CLIENT_ID: z.string().min(1).optional(),
  PORTAL_AKS_ADMIN_GROUP_ID: z
    .string({ error: "is required: the Entra group (object id) made admin of every cluster; the portal's identity must be in it" })
    .uuid("must be an Entra group object id (a UUID)"),
  PORTAL_AIRFLOW_EXPOSURE: z.enum(["internal", "public"]).default("internal"),
  PORTAL_HELM_REPOSITORY_URL: z.string().url().default("https://airflow.apache.org"),
  AZURE_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** A RUNNING operation whose heartbeat is older than this is taken over by another worker. */
  WORKER_STALE_AFTER_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** How often a worker looks for expired environments to tear down. */
  WORKER_EXPIRY_SWEEP_MS: z.coerce.number().int().min(100).default(60_000),
  /** How often the Airflow UI of each READY environment is probed for the dashboard's health column. */
  WORKER_HEALTH_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** How long the engine waits for a Helm release or for Airflow's health before it fails the step. */
  PORTAL_HELM_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30 * 60_000),
  /**
   * The microsoft.flux extension version every cluster is pinned to: its helm-controller's Helm
   * renders the chart (1.23.0: Helm 3.19.2; chart 1.22.0 needs Helm 3.19.0 or later).
   */
  PORTAL_FLUX_EXTENSION_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, "must be an extension version such as 1.23.0")
    .default("1.23.0"),
  /**
   * Publishing each Airflow UI at https://<name>.<domain>, with sign-in through Entra ID. All of
   * these or none: without them the UI stays behind its load balancer (PORTAL_AIRFLOW_EXPOSURE).
   */
  PORTAL_AIRFLOW_DOMAIN: z
    .string()
    .regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lowercase DNS name such as airflow.contoso.com")
    .optional(),
  PORTAL_AIRFLOW_DNS_ZONE_ID: z
    .string()
    .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/dnsZones\/[^/]+$/i, "must be the resource id of an Azure DNS zone (/subscriptions/…/providers/Microsoft.Network/dnsZones/<zone>)")
    .optional(),
  PORTAL_AIRFLOW_TLS_CERT_URI: z
    .string()
    .regex(/^https:\/\/[a-z0-9-]{3,24}\.vault\.[a-z0-9.-]+\/certificates\/[A-Za-z0-9-]{1,127}(\/[0-9a-f]{32})?$/, "must be a Key Vault certificate URI (https://<vault>.vault.azure.net/certificates/<name>)")
    .optional(),
  PORTAL_AIRFLOW_KEY_VAULT_ID: z
    .string()
    .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/i, "must be the resource id of the Key Vault holding the certificate")
    .optional(),
  /** The port the environments' https addresses answer on (443 on Azure). */
  PORTAL_AIRFLOW_HTTPS_PORT: z.coerce.number().int().min(1).max(65_535).default(443),
  /** The Entra app registration every Airflow UI signs people in with. */
  PORTAL_AIRFLOW_APP_CLIENT_ID: z.string().uuid("must be the application (client) id of the Airflow app registration").optional(),
  PORTAL_AIRFLOW_APP_CLIENT_SECRET: z.string().min(1).optional(),
  /** The tenant people sign in to Airflow from; default AZURE_TENANT_ID. */
  PORTAL_AIRFLOW_APP_TENANT_ID: z.string().regex(/^[A-Za-z0-9.-]{1,100}$/, "must be a tenant id or domain").optional(),
  /** Entra's host for that sign-in; default AZURE_AUTHORITY_HOST, else https://login.microsoftonline.com. */
  PORTAL_AIRFLOW_APP_AUTHORITY_HOST: z.string().url().startsWith("https://", "must be an https:// URL").optional(),
  /** Members of this group are Admin in every Airflow; default PORTAL_AKS_ADMIN_GROUP_ID. */
  PORTAL_AIRFLOW_ADMIN_GROUP_ID: z.string().uuid("must be an Entra group object id (a UUID)").optional(),
  /** The Airflow role of the environment's own team. */
  PORTAL_AIRFLOW_TEAM_ROLE: z.enum(["Op", "Admin", "User"]).default("Op"),
  PORTAL_GRAPH_ENDPOINT: z.string().url().startsWith("https://", "must be an https:// URL").default("https://graph.microsoft.com"),
  /**
   * The platform's hub virtual network and the pool each environment's spoke range is taken from:
   * both or neither. Without them, an internal Airflow UI would sit in a VNet of AKS's own that no
   * network reaches, so the portal refuses internal exposure.
   */
  PORTAL_HUB_VNET_ID: z.string().min(1).optional(),
  PORTAL_SPOKE_ADDRESS_POOL: z.string().min(1).optional(),
});

const ACCESS_VARIABLES = [
  "PORTAL_AIRFLOW_DOMAIN",
  "PORTAL_AIRFLOW_DNS_ZONE_ID",
  "PORTAL_AIRFLOW_TLS_CERT_URI",
  "PORTAL_AIRFLOW_KEY_VAULT_ID",
  "PORTAL_AIRFLOW_APP_CLIENT_ID",
  "PORTAL_AIRFLOW_APP_CLIENT_SECRET",
] as const;

/** The https address and Entra sign-in of every Airflow UI, or null when the portal is not set up for them. */
function airflowAccess(env: z.output<typeof EngineEnvSchema>) {
  const set = ACCESS_VARIABLES.filter((k) => env[k] !== undefined);
  if (set.length === 0) return null;
  if (set.length < ACCESS_VARIABLES.length) {
    const missing = ACCESS_VARIABLES.filter((k) => env[k] === undefined);
    throw new Error(`Invalid worker configuration: ${set.join(", ")} ${set.length === 1 ? "is" : "are"} set, so ${missing.join(", ")} must be too (an https address for Airflow needs all of them)`);
  }
  const domain = env.PORTAL_AIRFLOW_DOMAIN!;
  const zoneId = env.PORTAL_AIRFLOW_DNS_ZONE_ID!;
  const zoneName = zoneId.split("/").pop()!.toLowerCase();
  if (domain !== zoneName && !domain.endsWith(`.${zoneName}`)) {
    throw new Error(`Invalid worker configuration: PORTAL_AIRFLOW_DOMAIN ${domain} is not in the DNS zone ${zoneName} (PORTAL_AIRFLOW_DNS_ZONE_ID)`);
  }
  const vaultName = env.PORTAL_AIRFLOW_KEY_VAULT_ID!.split("/").pop()!.toLowerCase();
  const certVault = new URL(env.PORTAL_AIRFLOW_TLS_CERT_URI!).host.split(".")[0]!.toLowerCase();
  if (vaultName !== certVault) {
    throw new Error(`Invalid worker configuration: PORTAL_AIRFLOW_TLS_CERT_URI is in vault ${certVault}, but PORTAL_AIRFLOW_KEY_VAULT_ID names vault ${vaultName}`);
  }
  const signIn = airflowSignIn(env, "worker");
  return {
    domain,
    dnsZoneId: zoneId,
    dnsZoneName: zoneName,
    /** The record name of `<env>.<domain>` inside the zone. */
    recordSuffix: domain === zoneName ? "" : `.${domain.slice(0, -zoneName.length - 1)}`,
    tlsCertificateUri: env.PORTAL_AIRFLOW_TLS_CERT_URI!,
    keyVaultId: env.PORTAL_AIRFLOW_KEY_VAULT_ID!,
    httpsPort: env.PORTAL_AIRFLOW_HTTPS_PORT,
    app: {
      clientId: env.PORTAL_AIRFLOW_APP_CLIENT_ID!,
      clientSecret: env.PORTAL_AIRFLOW_APP_CLIENT_SECRET!,
      ...signIn.app,
    },
    adminGroupId: signIn.adminGroupId,
    teamRole: signIn.teamRole,
    graphEndpoint: env.PORTAL_GRAPH_ENDPOINT.replace(/\/+$/, ""),
  };
}

export type AirflowAccessConfig = NonNullable<ReturnType<typeof airflowAccess>>;

type SignInEnv = {
  PORTAL_AIRFLOW_APP_TENANT_ID?: string;
  AZURE_TENANT_ID?: string;
  PORTAL_AIRFLOW_APP_AUTHORITY_HOST?: string;
  AZURE_AUTHORITY_HOST?: string;
  PORTAL_AIRFLOW_ADMIN_GROUP_ID?: string;
  PORTAL_AKS_ADMIN_GROUP_ID?: string;
  PORTAL_AIRFLOW_TEAM_ROLE: AirflowSignInSettings["teamRole"];
};

/** Who signs in to Airflow from where, and with which roles: the same derivation for the portal and the worker. */
function airflowSignIn(env: SignInEnv, what: "portal" | "worker"): AirflowSignInSettings {
  const tenantId = env.PORTAL_AIRFLOW_APP_TENANT_ID ?? env.AZURE_TENANT_ID;
  if (!tenantId) throw new Error(`Invalid ${what} configuration: PORTAL_AIRFLOW_APP_TENANT_ID (or AZURE_TENANT_ID) is required for sign-in to Airflow`);
  const adminGroupId = env.PORTAL_AIRFLOW_ADMIN_GROUP_ID ?? env.PORTAL_AKS_ADMIN_GROUP_ID;
  if (!adminGroupId) throw new Error(`Invalid ${what} configuration: PORTAL_AIRFLOW_ADMIN_GROUP_ID (or PORTAL_AKS_ADMIN_GROUP_ID) is required for sign-in to Airflow`);
  return {
    app: {
      tenantId,
      authorityHost: (env.PORTAL_AIRFLOW_APP_AUTHORITY_HOST ?? env.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com").replace(/\/+$/, ""),
    },
    adminGroupId: adminGroupId.toLowerCase(),
    teamRole: env.PORTAL_AIRFLOW_TEAM_ROLE,
  };
}

/**
 * The portal derives each environment's Helm values as the worker will apply them (to show them,
 * to list the release's objects and to refuse what the chart refuses), so it reads the same
 * release settings as the worker — never the Airflow app's client id or secret.
 */
const ReleaseEnvSchema = z.object({
  PORTAL_HELM_REPOSITORY_URL: z.string().url().default("https://airflow.apache.org"),
  PORTAL_AIRFLOW_EXPOSURE: z.enum(["internal", "public"]).default("internal"),
  PORTAL_AIRFLOW_DOMAIN: z.string().min(1).optional(),
  PORTAL_AIRFLOW_APP_TENANT_ID: z.string().regex(/^[A-Za-z0-9.-]{1,100}$/, "must be a tenant id or domain").optional(),
  AZURE_TENANT_ID: z.string().min(1).optional(),
  PORTAL_AIRFLOW_APP_AUTHORITY_HOST: z.string().url().startsWith("https://", "must be an https:// URL").optional(),
  AZURE_AUTHORITY_HOST: z.string().url().startsWith("https://", "must be an https:// URL").optional(),
  PORTAL_AIRFLOW_ADMIN_GROUP_ID: z.string().uuid("must be an Entra group object id (a UUID)").optional(),
  PORTAL_AKS_ADMIN_GROUP_ID: z.string().uuid("must be an Entra group object id (a UUID)").optional(),
  PORTAL_AIRFLOW_TEAM_ROLE: z.enum(["Op", "Admin", "User"]).default("Op"),
});

function releaseSettings(): AirflowReleaseSettings {
  const env = parseWith(ReleaseEnvSchema, "portal");
  return {
    helmRepositoryUrl: env.PORTAL_HELM_REPOSITORY_URL.replace(/\/+$/, ""),
    airflowExposure: env.PORTAL_AIRFLOW_EXPOSURE,
    // The domain turns on the https address and sign-in; the worker checks the rest of that set.
    airflowAccess: env.PORTAL_AIRFLOW_DOMAIN ? airflowSignIn(env, "portal") : null,
  };
}

const MICROSOFT_AUTHORITY_HOSTS = new Set(["login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn"]);

function parseEngineEnv() {
  const env = parseWith(EngineEnvSchema, "worker");
  const authorityHost = env.AZURE_AUTHORITY_HOST;
  return {
    databaseUrl: env.DATABASE_URL,
    azure: {
      subscriptionId: env.AZURE_SUBSCRIPTION_ID,
      resourceManagerEndpoint: env.AZURE_RESOURCE_MANAGER_ENDPOINT.replace(/\/+$/, ""),
      authorityHost,
      tenantId: env.AZURE_TENANT_ID,
      clientId: env.AZURE_CLIENT_ID,
      // Entra's instance discovery only knows Microsoft's own hosts; any other authority is taken as given.
      disableInstanceDiscovery: authorityHost !== undefined && !MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).host),
      pollIntervalMs: env.AZURE_POLL_INTERVAL_MS,
    },
    aksAdminGroupId: env.PORTAL_AKS_ADMIN_GROUP_ID,
    airflowExposure: env.PORTAL_AIRFLOW_EXPOSURE,
    helmRepositoryUrl: env.PORTAL_HELM_REPOSITORY_URL.replace(/\/+$/, ""),
    helmTimeoutMs: env.PORTAL_HELM_TIMEOUT_MS,
    fluxExtensionVersion: env.PORTAL_FLUX_EXTENSION_VERSION,
    airflowAccess: airflowAccess(env),
    platformNetwork: parsePlatformNetwork(env.PORTAL_HUB_VNET_ID, env.PORTAL_SPOKE_ADDRESS_POOL),
    worker: {
      concurrency: env.WORKER_CONCURRENCY,
      heartbeatMs: env.WORKER_HEARTBEAT_MS,
      staleAfterMs: env.WORKER_STALE_AFTER_MS,
      expirySweepMs: env.WORKER_EXPIRY_SWEEP_MS,
      healthIntervalMs: env.WORKER_HEALTH_INTERVAL_MS,
    },
  };
}

export type EngineConfig = ReturnType<typeof parseEngineEnv>;

let cachedEngine: EngineConfig | undefined;

export function engineConfig(): EngineConfig {
  cachedEngine ??= parseEngineEnv();
  return cachedEngine;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= parseEnv();
  return cached;
}
