/**
 * Who may do what on a vault's data plane, decided as Key Vault decides it: challenge-based bearer
 * authentication (an unauthenticated request gets 401 and a `WWW-Authenticate` naming the vault's
 * tenant and Key Vault's resource), a token of the emulator's token service for
 * `https://vault.azure.net` from the vault's tenant, then Azure RBAC (vaults with
 * `enableRbacAuthorization`: role assignments on the object, the vault or a scope above) or the
 * vault's access policies.
 */
import type { IncomingMessage } from "node:http";
import type { JWTPayload } from "jose";
import { BUILT_IN_ROLES, holdsRole } from "../arm/role-assignments.js";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";

export const VAULT_AUDIENCE = "https://vault.azure.net";

/** An error as Key Vault answers it: `{ error: { code, message, innererror? } }`. */
export class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly inner?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badParameter = (message: string) => new KeyVaultError(400, "BadParameter", message);

/** A data action and the access policy permission that allows the same. */
export interface Permission {
  /** `Microsoft.KeyVault/vaults/<action>`, e.g. `secrets/getSecret/action`. */
  action: string;
  /** e.g. `["secrets", "get"]`. */
  policy: [string, string];
}

const role = (name: string) => BUILT_IN_ROLES[name] as string;

/** What each Key Vault data role allows, by data action (a trailing `*` covers the rest). */
const ROLE_ACTIONS: [string, string[]][] = [
  [role("Key Vault Administrator"), ["*"]],
  [role("Key Vault Secrets Officer"), ["secrets/*", "deletedSecrets/*"]],
  [role("Key Vault Secrets User"), ["secrets/getSecret/action", "secrets/readMetadata/action"]],
  [role("Key Vault Certificates Officer"), ["certificates/*", "deletedCertificates/*", "secrets/getSecret/action", "secrets/readMetadata/action", "keys/read"]],
  [role("Key Vault Certificate User"), ["certificates/read", "secrets/getSecret/action", "secrets/readMetadata/action", "keys/read"]],
  [role("Key Vault Crypto Officer"), ["keys/*", "deletedKeys/*"]],
  [
    role("Key Vault Crypto User"),
    ["keys/read", "keys/update/action", "keys/backup/action", "keys/encrypt/action", "keys/decrypt/action", "keys/wrap/action", "keys/unwrap/action", "keys/sign/action", "keys/verify/action"],
  ],
  [role("Key Vault Reader"), ["*/read", "secrets/readMetadata/action"]],
];

const allows = (pattern: string, action: string) =>
  pattern === "*" || pattern === action || (pattern.endsWith("/*") && action.startsWith(pattern.slice(0, -1))) || (pattern === "*/read" && action.endsWith("/read"));

/** The roles that allow `action`. */
export const rolesFor = (action: string) => ROLE_ACTIONS.filter(([, actions]) => actions.some((p) => allows(p, action))).map(([guid]) => guid);

const vaultTenant = (vault: ArmResource) => String((vault.body.properties as Json).tenantId);

function challenge(ctx: CloudContext, vault: ArmResource) {
  return { "www-authenticate": `Bearer authorization="${ctx.baseUrl}/${vaultTenant(vault)}", resource="${VAULT_AUDIENCE}"` };
}

/** The caller's claims, or the 401 Key Vault answers. */
export async function authenticate(ctx: CloudContext, vault: ArmResource, req: IncomingMessage): Promise<JWTPayload> {
  const header = req.headers.authorization;
  const refuse = (message: string) => new KeyVaultError(401, "Unauthorized", message, undefined, challenge(ctx, vault));
  if (!header) throw refuse("AKV10000: Request is missing a Bearer or PoP token.");
  const verified = await ctx.tokens.verify(header, [VAULT_AUDIENCE]);
  if (!verified.ok) {
    if (verified.code === "InvalidAuthenticationTokenAudience") throw refuse(`AKV10022: Invalid audience. Expected ${VAULT_AUDIENCE}, found: ${verified.message.replace(/^.*resource '([^']*)'.*$/, "$1")}.`);
    if (verified.code === "ExpiredAuthenticationToken") throw refuse("AKV10022: Token is expired.");
    throw refuse("AKV10022: Invalid token: the signature could not be verified.");
  }
  const tid = String(verified.claims.tid ?? "").toLowerCase();
  if (tid !== vaultTenant(vault)) throw refuse(`AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vaultTenant(vault)}/, found ${String(verified.claims.iss)}.`);
  return verified.claims;
}

const caller = (claims: JWTPayload) => `appid=${String(claims.appid ?? "")};oid=${String(claims.oid ?? "")};iss=${String(claims.iss ?? "")}`;
const vaultLabel = (vault: ArmResource) => `${String(vault.body.name)};location=${String(vault.body.location)}`;

/** Refuses the caller unless the vault's network setting, then its RBAC or access policies, let it do `permission`. */
export function authorize(ctx: CloudContext, vault: ArmResource, claims: JWTPayload, permission: Permission, objectPath: string) {
  const p = vault.body.properties as Json;
  if (p.publicNetworkAccess === "Disabled") {
    throw new KeyVaultError(403, "Forbidden", `Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\nCaller: ${caller(claims)}\r\nVault: ${vaultLabel(vault)}`, "ForbiddenByConnection");
  }
  const oid = String(claims.oid ?? "");
  if (p.enableRbacAuthorization === true) {
    const scope = `${vault.id}${objectPath}`;
    if (oid && holdsRole(ctx, oid, rolesFor(permission.action), scope)) return;
    throw new KeyVaultError(
      403,
      "Forbidden",
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller(claims)}\r\nAction: 'Microsoft.KeyVault/vaults/${permission.action}'\r\nResource: '${scope.toLowerCase()}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vaultLabel(vault)}\r\n`,
      "ForbiddenByRbac",
    );
  }
  const [kind, verb] = permission.policy;
  const policies = Array.isArray(p.accessPolicies) ? (p.accessPolicies as Json[]) : [];
  const granted = policies.some((policy) => {
    if (String(policy.objectId ?? "").toLowerCase() !== oid.toLowerCase()) return false;
    const list = ((policy.permissions as Json | undefined)?.[kind] ?? []) as string[];
    return list.some((v) => v.toLowerCase() === verb.toLowerCase() || v.toLowerCase() === "all");
  });
  if (granted) return;
  throw new KeyVaultError(
    403,
    "Forbidden",
    `The user, group or application '${caller(claims)}' does not have ${kind} ${verb} permission on key vault '${vaultLabel(vault)}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    "AccessDenied",
  );
}
