/**
 * Workload identity federation at the token endpoint: a client-credentials request whose
 * `client_id` is a user-assigned identity's and whose `client_assertion` is a Kubernetes service
 * account token. Entra's order: the identity must exist in the tenant; one of its federated
 * credentials must name the assertion's issuer, subject and audience; the issuer's key must verify
 * the signature; the assertion must be within its lifetime. The token is then the identity's: `oid`
 * its principal id, `appid` its client id.
 */
import { decodeJwt } from "jose";
import { FEDERATED_CREDENTIAL_TYPE } from "./arm/federated-credentials.js";
import { USER_ASSIGNED_IDENTITY_TYPE } from "./arm/managed-identities.js";
import type { CloudContext } from "./context.js";
import { verifyServiceAccountToken } from "./kube/service-account-tokens.js";
import type { Json } from "./store.js";
import type { FederatedExchange } from "./tokens.js";

const identityOfClient = (ctx: CloudContext, clientId: string) =>
  Object.values(ctx.store.state.resources).find((r) => r.type === USER_ASSIGNED_IDENTITY_TYPE && String((r.body.properties as Json).clientId).toLowerCase() === clientId.toLowerCase());

const refuse = (status: number, error: string, description: string): FederatedExchange => ({ ok: false, status, error, description });

/** Entra's answer to the assertion; undefined when `clientId` is no managed identity's (other clients are left as they were). */
export async function exchangeFederated(ctx: CloudContext, clientId: string, tenant: string, assertion: string): Promise<FederatedExchange | undefined> {
  const identity = identityOfClient(ctx, clientId);
  if (!identity) return undefined;
  const p = identity.body.properties as Json;
  if (String(p.tenantId).toLowerCase() !== tenant.toLowerCase()) {
    return refuse(
      400,
      "unauthorized_client",
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  let claims: Json;
  try {
    claims = decodeJwt(assertion) as Json;
  } catch {
    // Best guess at Entra's code for an assertion that is no JWT.
    return refuse(400, "invalid_request", "AADSTS50027: JWT token is invalid or malformed.");
  }
  const iss = String(claims.iss ?? "");
  const sub = String(claims.sub ?? "");
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map((a) => String(a ?? ""));
  const credentials = ctx.store.listResources(`${identity.id}/federatedIdentityCredentials/`, FEDERATED_CREDENTIAL_TYPE).map((c) => c.body.properties as Json);
  const match = credentials.find((c) => c.issuer === iss && c.subject === sub && (c.audiences as string[]).some((a) => audiences.includes(a)));
  if (!match) {
    // Entra's words, as clients report them.
    return refuse(
      400,
      "invalid_request",
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${audiences.join(",")}'. https://docs.microsoft.com/azure/active-directory/develop/workload-identity-federation`,
    );
  }
  const checked = await verifyServiceAccountToken(ctx, assertion);
  if (!checked.ok) {
    // The codes below are best guesses (Entra's were not confirmed for every case).
    if (checked.reason === "expired") return refuse(400, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range.");
    if (checked.reason === "unknownIssuer") {
      return refuse(400, "invalid_request", `AADSTS90061: Request to External OIDC endpoint failed. The issuer '${iss}' could not be reached for its signing keys.`);
    }
    return refuse(401, "invalid_client", "AADSTS700027: Client assertion failed signature validation.");
  }
  return { ok: true, oid: String(p.principalId), claims: { xms_mirid: identity.id, xms_idrel: "7 14" } };
}
