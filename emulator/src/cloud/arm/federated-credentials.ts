/**
 * Federated identity credentials of a user-assigned identity
 * (`…/userAssignedIdentities/{identity}/federatedIdentityCredentials/{name}`): what lets a
 * Kubernetes service account, named by its cluster's OIDC issuer and its `subject`, sign in as the
 * identity. PUT (201/200) and DELETE (200, 204 when absent) are synchronous, as the service does.
 */
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { isPlainObject } from "../util.js";
import { badRequest, invalidName } from "./errors.js";
import { requireIdentity, USER_ASSIGNED_IDENTITY_TYPE } from "./managed-identities.js";
import { childRoutes } from "./resource-routes.js";
import { props, reply, systemData, type ArmRequest } from "./resources.js";

export const FEDERATED_CREDENTIAL_TYPE = `${USER_ASSIGNED_IDENTITY_TYPE}/federatedIdentityCredentials`;
const SEGMENT = "federatedIdentityCredentials";

/** Entra's limit per identity (and per app registration). */
export const MAX_FEDERATED_CREDENTIALS = 20;
const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/;

const credentialsOf = (ctx: CloudContext, identity: ArmResource) => ctx.store.listResources(`${identity.id}/${SEGMENT}/`, FEDERATED_CREDENTIAL_TYPE);

function httpsUrl(value: string) {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

/** The credential's properties as the service checks them; refusals are 400 `BadRequest`. */
function checkProperties(input: Json): { issuer: string; subject: string; audiences: string[] } {
  const { issuer, subject, audiences } = input;
  if (typeof issuer !== "string" || !issuer || typeof subject !== "string" || !subject || !Array.isArray(audiences) || audiences.length === 0) {
    // Azure's words, as clients report them.
    throw badRequest("BadRequest", "The request format was unexpected. Federated Identity Credential must specify 'issuer', 'subject' and 'audience'.");
  }
  // The messages below are the emulator's; Azure's code for them (BadRequest) is a best guess.
  if (!httpsUrl(issuer)) throw badRequest("BadRequest", `The issuer '${issuer}' is not valid: it must be a URL with the https scheme.`);
  if (audiences.length !== 1 || typeof audiences[0] !== "string" || !audiences[0]) {
    throw badRequest("BadRequest", "Federated Identity Credential audiences must contain exactly one value, typically 'api://AzureADTokenExchange'.");
  }
  return { issuer, subject, audiences: [audiences[0]] };
}

async function put(ctx: CloudContext, ar: ArmRequest) {
  const identity = requireIdentity(ctx, ar);
  const name = ar.params[3] as string;
  if (!NAME_RULE.test(name)) {
    throw invalidName(FEDERATED_CREDENTIAL_TYPE, name, "The name must be 3 to 120 characters long, start with a letter or number, and contain only letters, numbers, hyphens and underscores.");
  }
  const body = await ar.body();
  const properties = checkProperties(isPlainObject(body.properties) ? body.properties : {});
  const id = `${identity.id}/${SEGMENT}/${name}`;
  const existing = ctx.store.getResource(id);
  const others = credentialsOf(ctx, identity).filter((c) => c.id.toLowerCase() !== id.toLowerCase());
  // Azure's code and words for these two were not confirmed: BadRequest is a best guess, the
  // uniqueness message follows what Entra says for an app registration.
  if (others.some((c) => props(c).issuer === properties.issuer && props(c).subject === properties.subject)) {
    throw badRequest(
      "BadRequest",
      `The combination of issuer and subject must be unique for the managed identity. Issuer ${properties.issuer} and Subject: ${properties.subject} already exist.`,
    );
  }
  if (!existing && others.length >= MAX_FEDERATED_CREDENTIALS) {
    throw badRequest(
      "BadRequest",
      `Managed identity '${String(identity.body.name)}' already has the maximum number of federated identity credentials (${MAX_FEDERATED_CREDENTIALS}): delete one before adding another.`,
    );
  }
  const resource: ArmResource = {
    id,
    type: FEDERATED_CREDENTIAL_TYPE,
    body: { id, name: existing?.body.name ?? name, type: FEDERATED_CREDENTIAL_TYPE, systemData: systemData(existing), properties },
  };
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  if (!existing) ctx.store.count(id, "created");
  reply(ar, existing ? 200 : 201, resource.body);
}

export const federatedCredentialRoutes = childRoutes(USER_ASSIGNED_IDENTITY_TYPE, {
  segment: SEGMENT,
  type: FEDERATED_CREDENTIAL_TYPE,
  kind: "federatedIdentityCredential",
  parent: requireIdentity,
  render: (_ctx, credential) => credential.body,
  put,
  synchronousDelete: true,
});
