import { setTimeout as sleep } from "node:timers/promises";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { DnsManagementClient } from "@azure/arm-dns";
import type { KubernetesObject } from "@kubernetes/client-node";
import { GraphApplications } from "@/lib/azure/graph";
import { CloudError } from "@/lib/azure/errors";
import { grantRole, revokeRole } from "@/lib/azure/role-assignments";
import type { AirflowAccessConfig } from "@/lib/config";
import { airflowMajor } from "@/lib/environments/catalog";
import { OAUTH_ENV, OAUTH_SECRET_NAME } from "@/lib/helm/airflow-sign-in";
import { applyObject, readObject } from "@/lib/kubernetes/apply";
import type { StepContext, StepRun } from "../context";
import { clusterAccess } from "./cluster-access";
import { clusterSpec, KEY_VAULT_SECRETS_PROVIDER } from "./cluster";
import { uiServiceName } from "./helm";

/**
 * The Airflow UI at https://<name>.<domain>, and sign-in to it with Entra ID. AKS's application
 * routing add-on runs NGINX and external-dns in the cluster: the portal lets the add-on's identity
 * write the zone and read the certificate, publishes the UI with an Ingress that names the Key
 * Vault certificate, waits for the record, then registers the sign-in callback with Entra ID.
 */
export const INGRESS_CLASS = "webapprouting.kubernetes.azure.com";
export const KEYVAULT_CERT_ANNOTATION = "kubernetes.azure.com/tls-cert-keyvault-uri";
export const INGRESS_NAME = "airflow-ui";

function access(ctx: StepContext): AirflowAccessConfig {
  const value = ctx.config.airflowAccess;
  if (!value) throw new Error("No Airflow domain is configured");
  return value;
}

export function airflowHost(ctx: StepContext): string {
  return `${ctx.env.name}.${access(ctx).domain}`;
}

/** The address people open, with the port only when it is not https's own. */
export function airflowHttpsUrl(ctx: StepContext): string {
  const port = access(ctx).httpsPort;
  return `https://${airflowHost(ctx)}${port === 443 ? "" : `:${port}`}/`;
}

/** FAB's OAuth callback: under /auth for Airflow 3's FAB auth manager, at the root for Airflow 2. */
export function redirectUriFor(baseUrl: string, airflowVersion: string): string {
  return new URL(airflowMajor(airflowVersion) >= 3 ? "auth/oauth-authorized/azure" : "oauth-authorized/azure", baseUrl).toString();
}

// Derived with the Helm values (lib/helm/airflow-values.ts); the deployed record and tests read it here too.
export { airflowRoles } from "@/lib/helm/airflow-values";

function zoneParts(a: AirflowAccessConfig) {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/dnsZones\/([^/]+)$/i.exec(a.dnsZoneId)!;
  return { subscription: m[1]!, resourceGroup: m[2]!, zone: m[3]! };
}

function dnsClient(ctx: StepContext): DnsManagementClient {
  return new DnsManagementClient(ctx.credential, zoneParts(access(ctx)).subscription, ctx.arm.options);
}

function authorizationClient(ctx: StepContext): AuthorizationManagementClient {
  return new AuthorizationManagementClient(ctx.credential, ctx.config.azure.subscriptionId, ctx.arm.options);
}

/** The environment's record name inside the zone (`<name>` or `<name>.<sub-domain>`). */
export function recordName(ctx: StepContext): string {
  return `${ctx.env.name}${access(ctx).recordSuffix}`;
}

/**
 * The add-on's identity: DNS Zone Contributor on the zone, Key Vault Certificate User on the vault.
 * A cluster made before the domain was configured, or before the portal enabled the Key Vault
 * secrets provider NGINX reads the certificate through, gets the add-ons first.
 */
export const grantRoutingAccess: StepRun = async (ctx) => {
  const a = access(ctx);
  const { env, arm } = ctx;
  let cluster = await ctx.retry(() => arm.aks.managedClusters.get(env.names.resourceGroup, env.names.cluster, { abortSignal: ctx.signal }));
  const routing = cluster.ingressProfile?.webAppRouting;
  const routed = routing?.enabled && routing.dnsZoneResourceIds?.some((id) => id.toLowerCase() === a.dnsZoneId.toLowerCase());
  const provider = Object.entries(cluster.addonProfiles ?? {}).find(([name]) => name.toLowerCase() === "azurekeyvaultsecretsprovider")?.[1];
  if (!routed || !provider?.enabled) {
    await ctx.log(
      !routed
        ? "Turning on the application routing add-on with the platform's DNS zone"
        : "Turning on the Key Vault secrets provider, through which the add-on's NGINX reads the certificate",
    );
    cluster = await ctx.retry(() =>
      arm.aks.managedClusters.beginCreateOrUpdateAndWait(env.names.resourceGroup, env.names.cluster, { ...clusterSpec(ctx), kubernetesVersion: cluster.kubernetesVersion, addonProfiles: { ...cluster.addonProfiles, ...structuredClone(KEY_VAULT_SECRETS_PROVIDER) } }, { ...arm.poll, abortSignal: ctx.signal }),
    );
  }
  const principalId = cluster.ingressProfile?.webAppRouting?.identity?.objectId;
  if (!principalId) throw new CloudError("AddonIdentityMissing", "AKS reported no identity for the application routing add-on", false);
  const client = authorizationClient(ctx);
  const zone = await ctx.retry(() => grantRole(client, a.dnsZoneId, "dnsZoneContributor", principalId, ctx.signal));
  const vault = await ctx.retry(() => grantRole(client, a.keyVaultId, "keyVaultCertificateUser", principalId, ctx.signal));
  await ctx.log(`${zone ? "Granted" : "Already granted"}: DNS Zone Contributor on ${zoneParts(a).zone}; ${vault ? "granted" : "already granted"}: Key Vault Certificate User on the certificate's vault`);
  return { principalId };
};

/** The OAuth client's id and secret, as the Secret the chart's `extraEnvFrom` reads. Re-applied each run, so a rotated secret reaches the cluster. */
export async function applyOAuthSecret(ctx: StepContext): Promise<void> {
  const a = ctx.config.airflowAccess;
  if (!a) return;
  const kc = await clusterAccess(ctx);
  const b64 = (v: string) => Buffer.from(v, "utf8").toString("base64");
  await ctx.retry(() =>
    applyObject(kc, {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { name: OAUTH_SECRET_NAME, namespace: ctx.env.names.namespace, labels: { "app.kubernetes.io/managed-by": "airflow-portal" } },
      data: { [OAUTH_ENV.clientId]: b64(a.app.clientId), [OAUTH_ENV.clientSecret]: b64(a.app.clientSecret) },
    } as KubernetesObject),
  );
}

type IngressObject = KubernetesObject & { status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } };

function ingressFor(ctx: StepContext): IngressObject {
  const a = access(ctx);
  const host = airflowHost(ctx);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: INGRESS_NAME,
      namespace: ctx.env.names.namespace,
      labels: { "app.kubernetes.io/managed-by": "airflow-portal" },
      annotations: { [KEYVAULT_CERT_ANNOTATION]: a.tlsCertificateUri },
    },
    spec: {
      ingressClassName: INGRESS_CLASS,
      tls: [{ hosts: [host], secretName: `keyvault-${INGRESS_NAME}` }],
      rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: uiServiceName(ctx), port: { number: 8080 } } } }] } }],
    },
  } as IngressObject;
}

export const publishIngress: StepRun = async (ctx) => {
  const kc = await clusterAccess(ctx);
  const applied = await ctx.retry(() => applyObject(kc, ingressFor(ctx)));
  await ctx.log(`Ingress ${ctx.env.names.namespace}/${INGRESS_NAME} for ${airflowHost(ctx)} applied (certificate from Key Vault)`);
  return { host: airflowHost(ctx), ingress: `${ctx.env.names.namespace}/${applied.metadata?.name ?? INGRESS_NAME}` };
};

async function poll<T>(ctx: StepContext, what: string, read: () => Promise<T | null | undefined>, waiting: () => string): Promise<T> {
  const deadline = Date.now() + ctx.config.helmTimeoutMs;
  let last = "";
  for (;;) {
    const value = await read();
    if (value) return value;
    const message = waiting();
    if (message !== last) await ctx.log(message);
    last = message;
    if (Date.now() > deadline) throw new CloudError("Timeout", `${what} did not happen in time: ${message}`, false);
    await sleep(Math.min(2_000, ctx.config.azure.pollIntervalMs), undefined, { signal: ctx.signal });
  }
}

/** Waits for the ingress's address, then for the zone's A record to point at it (external-dns writes it). */
export const waitForDnsRecord: StepRun = async (ctx) => {
  const kc = await clusterAccess(ctx);
  const header = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: INGRESS_NAME, namespace: ctx.env.names.namespace } };
  const ip = await poll(
    ctx,
    "The ingress getting an address",
    async () => {
      const ingress = await ctx.retry(() => readObject<IngressObject>(kc, header));
      if (!ingress) throw new CloudError("NotFound", `Ingress ${ctx.env.names.namespace}/${INGRESS_NAME} does not exist`, false);
      return ingress.status?.loadBalancer?.ingress?.[0]?.ip;
    },
    () => "Waiting for the ingress controller to give the Ingress an address",
  );
  const { resourceGroup, zone } = zoneParts(access(ctx));
  const dns = dnsClient(ctx);
  const name = recordName(ctx);
  let seen: string[] = [];
  await poll(
    ctx,
    `The DNS record ${name}.${zone}`,
    async () => {
      const record = await ctx.retry(async () => {
        try {
          return await dns.recordSets.get(resourceGroup, zone, name, "A", { abortSignal: ctx.signal });
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode === 404) return null;
          throw error;
        }
      });
      seen = record?.aRecords?.map((r) => r.ipv4Address ?? "") ?? [];
      return seen.includes(ip) ? record : null;
    },
    () => (seen.length === 0 ? `Waiting for ${name}.${zone} to appear in the DNS zone` : `${name}.${zone} points at ${seen.join(", ")}, not yet at the ingress (${ip})`),
  );
  await ctx.log(`${name}.${zone} points at the ingress (${ip})`);
  return { host: airflowHost(ctx), ip, record: `${name}.${zone}` };
};

const graph = (ctx: StepContext) => new GraphApplications(access(ctx).graphEndpoint, ctx.credential);

/** Adds the environment's FAB callback to the Airflow app registration, once reachable. */
export const allowSignInRedirect: StepRun = async (ctx) => {
  const a = access(ctx);
  const uri = redirectUriFor(airflowHttpsUrl(ctx), ctx.env.airflowVersion);
  // One registration, many environments: its list is read, changed and written one worker at a time.
  const added = await ctx.exclusive("airflow-app-redirect-uris", () => ctx.retry(() => graph(ctx).addRedirectUri(a.app.clientId, uri, ctx.signal)));
  await ctx.log(added ? `Registered ${uri} as a redirect URI of the Airflow app registration` : `${uri} is already a redirect URI of the Airflow app registration`);
  return { redirectUri: uri };
};

export const removeSignInRedirect: StepRun = async (ctx) => {
  const a = access(ctx);
  const uri = redirectUriFor(airflowHttpsUrl(ctx), ctx.env.airflowVersion);
  const removed = await ctx.exclusive("airflow-app-redirect-uris", () => ctx.retry(() => graph(ctx).removeRedirectUri(a.app.clientId, uri, ctx.signal)));
  await ctx.log(removed ? `Removed ${uri} from the Airflow app registration` : `${uri} was not registered; nothing to remove`);
  return { redirectUri: uri, removed };
};

/**
 * The add-on's grants go before the cluster does (its identity is read from the cluster); that
 * also stops external-dns from writing the record again while the cluster is being deleted.
 */
export const revokeRoutingAccess: StepRun = async (ctx) => {
  const a = access(ctx);
  const { env, arm } = ctx;
  const cluster = await ctx.retry(async () => {
    try {
      return await arm.aks.managedClusters.get(env.names.resourceGroup, env.names.cluster, { abortSignal: ctx.signal });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  });
  const principalId = cluster?.ingressProfile?.webAppRouting?.identity?.objectId;
  if (!principalId) {
    await ctx.log("The cluster or its add-on identity is gone; no grants to remove");
    return { revoked: 0 };
  }
  const client = authorizationClient(ctx);
  const grants = [
    [a.dnsZoneId, "dnsZoneContributor"],
    [a.keyVaultId, "keyVaultCertificateUser"],
    [a.keyVaultId, "keyVaultSecretsUser"],
  ] as const;
  let revoked = 0;
  for (const [scope, role] of grants) revoked += Number(await ctx.retry(() => revokeRole(client, scope, role, principalId, ctx.signal)));
  await ctx.log(revoked > 0 ? `Removed ${revoked} grant(s) of the add-on's identity on the DNS zone and the vault` : "The add-on's identity had no grants left");
  return { revoked };
};

/** Names external-dns uses for its TXT ownership records next to an A record. */
const ownershipRecordNames = (name: string) => [name, `a-${name}`, `cname-${name}`];

/** The A record and external-dns's TXT records stay in the platform's zone after the cluster goes: delete them. */
export const deleteDnsRecords: StepRun = async (ctx) => {
  const { resourceGroup, zone } = zoneParts(access(ctx));
  const dns = dnsClient(ctx);
  const name = recordName(ctx);
  const deleted: string[] = [];
  const remove = async (type: "A" | "TXT", relative: string, onlyIfOwned: boolean) => {
    await ctx.retry(async () => {
      try {
        // Read first: DNS answers a delete of a missing record with success, and a TXT record not written by external-dns is not ours.
        const record = await dns.recordSets.get(resourceGroup, zone, relative, type, { abortSignal: ctx.signal });
        if (onlyIfOwned && !record.txtRecords?.some((r) => r.value?.join("").includes("heritage=external-dns"))) return;
        await dns.recordSets.delete(resourceGroup, zone, relative, type, { abortSignal: ctx.signal });
        deleted.push(`${type} ${relative}`);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      }
    });
  };
  await remove("A", name, false);
  for (const txt of ownershipRecordNames(name)) await remove("TXT", txt, true);
  await ctx.log(deleted.length > 0 ? `Deleted ${deleted.join(", ")} from ${zone}` : `No records of ${name} left in ${zone}`);
  return { deleted };
};
