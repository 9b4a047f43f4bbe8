import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";

/** Who signed in, as read from a verified ID token. */
export interface IdentityClaims {
  /** Entra's `oid` (stable across the tenant's apps) when present, else `sub`. */
  subject: string;
  name: string;
  email: string | null;
  roles: string[];
  groups: string[];
  /** True when Entra left `groups` out because the user has too many (the "overage" case). */
  groupsOverage: boolean;
  /** The nonce the sign-in page asked the provider to sign in, which the portal accepts once. */
  nonce: string | null;
}

export interface IdTokenExpectations {
  issuer: string;
  audience: string;
  jwks: JWTVerifyGetKey;
  /** For tests: the clock to check `exp`, `nbf` and `iat` against. */
  currentDate?: Date;
}

export class IdTokenError extends Error {
  override name = "IdTokenError";
}

// Entra signs with RS256; other OpenID providers may use ES256. Never "none" or HMAC.
const ALGORITHMS = ["RS256", "ES256"];
// Clocks of the provider and the portal drift a little; more would stretch a token's life.
const CLOCK_TOLERANCE_SECONDS = 60;
// The sign-in page posts the token it has just received from the provider's redirect. An older
// one, still unexpired, is a copy from somewhere else and must not open an 8-hour session.
const MAX_TOKEN_AGE = "10m";

/**
 * Verifies an ID token's signature against the provider's keys, its issuer, audience and
 * lifetime, and reads the claims the portal needs. Throws IdTokenError with a log-safe reason
 * (never the token itself).
 */
export async function verifyIdToken(idToken: string, expect: IdTokenExpectations): Promise<IdentityClaims> {
  let payload: JWTPayload;
  let header: { typ?: string };
  try {
    ({ payload, protectedHeader: header } = await jwtVerify(idToken, expect.jwks, {
      issuer: expect.issuer,
      audience: expect.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ["sub", "exp", "iat"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE,
      currentDate: expect.currentDate,
    }));
  } catch (err) {
    throw new IdTokenError(describeJoseError(err), { cause: err });
  }
  assertIdToken(header, payload, expect.audience);
  return readIdentity(payload);
}

/**
 * The provider signs access tokens with the same keys, for the same issuer, sometimes for this
 * very audience: only the token's shape tells them apart. An access token says so in its header
 * (RFC 9068 `at+jwt`) or carries delegated scopes (`scp`); neither may open a session. A token for
 * several audiences is accepted only when it names the portal as the party it was issued to (`azp`).
 */
function assertIdToken(header: { typ?: string }, payload: JWTPayload, clientId: string): void {
  const typ = header.typ?.toLowerCase();
  if (typ === "at+jwt" || typ === "application/at+jwt") throw new IdTokenError("token is an access token (typ at+jwt), not an ID token");
  if (payload.scp !== undefined) throw new IdTokenError("token carries scopes (scp): an access token, not an ID token");
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== clientId) {
    throw new IdTokenError("ID token names several audiences and is not issued to the portal (azp)");
  }
  if (payload.azp !== undefined && payload.azp !== clientId) throw new IdTokenError("ID token was issued to another party (azp)");
}

function readIdentity(payload: JWTPayload): IdentityClaims {
  const subject = stringClaim(payload, "oid") ?? stringClaim(payload, "sub");
  if (!subject) throw new IdTokenError("ID token has no subject (oid or sub)");

  const email = stringClaim(payload, "email") ?? null;
  const name = stringClaim(payload, "name") ?? stringClaim(payload, "preferred_username") ?? email ?? subject;
  // Entra replaces `groups` by a pointer to Microsoft Graph when a user is in more than ~200
  // groups (`_claim_names.groups`, or `hasgroups` in some flows).
  const claimNames = payload._claim_names as Record<string, unknown> | undefined;
  const groupsOverage = Boolean(claimNames && typeof claimNames === "object" && "groups" in claimNames) || payload.hasgroups === true;

  return {
    subject,
    name,
    email,
    roles: stringArrayClaim(payload, "roles"),
    groups: groupsOverage ? [] : stringArrayClaim(payload, "groups"),
    groupsOverage,
    nonce: stringClaim(payload, "nonce") ?? null,
  };
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function stringArrayClaim(payload: JWTPayload, name: string): string[] {
  const value = payload[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new IdTokenError(`ID token claim "${name}" is not a list of strings`);
  }
  return value;
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "ID token has expired";
  if (err instanceof errors.JWTClaimValidationFailed) return `ID token claim "${err.claim}" is invalid (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return "ID token signature is invalid";
  if (err instanceof errors.JWKSNoMatchingKey) return "ID token is signed with a key the provider does not publish";
  if (err instanceof errors.JOSEAlgNotAllowed) return "ID token uses a signing algorithm that is not allowed";
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return "ID token is malformed";
  if (err instanceof errors.JOSEError) return `ID token was refused (${err.code})`;
  return "ID token could not be verified";
}
