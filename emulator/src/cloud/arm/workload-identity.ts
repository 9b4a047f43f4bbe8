/**
 * A managed cluster's OIDC issuer and workload identity: what lets its service accounts' tokens be
 * exchanged for Entra tokens through a user-assigned identity's federated credentials. The issuer
 * URL is AKS's form, stable per cluster; once on, the issuer stays on, as AKS allows no way back.
 */
import type { Json } from "../store.js";
import { isPlainObject, uuidFrom } from "../util.js";
import { TENANT_ID } from "./cluster-ids.js";
import { badRequest } from "./errors.js";

const enabledAt = (profile: unknown) => (isPlainObject(profile) && typeof profile.enabled === "boolean" ? profile.enabled : undefined);
const workloadIdentityOf = (properties: Json) => enabledAt(isPlainObject(properties.securityProfile) ? properties.securityProfile.workloadIdentity : undefined);

/** Whether the issuer is on after a PUT: what it asks, else what the cluster had. */
const oidcWanted = (input: Json, previous: Json) => enabledAt(input.oidcIssuerProfile) ?? enabledAt(previous.oidcIssuerProfile) ?? false;

/** `oidcIssuerProfile` as AKS answers it; `clusterKey` keeps the URL the same across updates and restarts. */
export function oidcIssuerProfileFor(input: Json, previous: Json, location: string, clusterKey: string): Json {
  if (!oidcWanted(input, previous)) return { enabled: false };
  return { enabled: true, issuerURL: `https://${location}.oic.prod-aks.azure.com/${TENANT_ID}/${uuidFrom(clusterKey)}/` };
}

/** `securityProfile` as answered: the PUT's, or — when it sends none — the cluster's, so workload identity stays as it was. */
export function securityProfileFor(input: Json, previous: Json): Json | undefined {
  return (input.securityProfile ?? previous.securityProfile) as Json | undefined;
}

/**
 * AKS's refusals: workload identity without the OIDC issuer, and switching the issuer off once
 * on. Both codes are best guesses (Azure's were not confirmed); the second message is the one
 * operators report.
 */
export function validateWorkloadIdentity(input: Json, previous: Json | undefined) {
  if (previous && enabledAt(previous.oidcIssuerProfile) === true && enabledAt(input.oidcIssuerProfile) === false) {
    throw badRequest("BadRequest", "OIDC issuer feature cannot be disabled.");
  }
  const workloadIdentity = workloadIdentityOf(input) ?? (previous && input.securityProfile === undefined ? workloadIdentityOf(previous) : undefined);
  if (workloadIdentity === true && !oidcWanted(input, previous ?? {})) {
    throw badRequest("InvalidParameter", "Enabling workload identity requires the OIDC issuer: set oidcIssuerProfile.enabled to true.");
  }
}
