import { errors, jwtVerify, SignJWT } from "jose";

/** What the portal knows about the signed-in person, carried in the session cookie. */
export interface SessionClaims {
  subject: string;
  name: string;
  email: string | null;
  roles: string[];
  groups: string[];
}

export const SESSION_COOKIE = "portal_session";

/**
 * Sessions last 8 hours from sign-in and are not extended by activity. Roles and groups are a
 * snapshot of the ID token, so a removed role or team stops counting at the latest 8 hours later.
 */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

// Bound to this use, so no other token signed with the same secret can pass as a session.
const ISSUER = "airflow-portal";
const AUDIENCE = "airflow-portal/session";

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function createSessionToken(claims: SessionClaims, secret: string, now: Date = new Date()): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ name: claims.name, email: claims.email, roles: claims.roles, groups: claims.groups })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + SESSION_TTL_SECONDS)
    .sign(key(secret));
}

/** The session's claims, or null when the token is forged, tampered with, expired or malformed. */
export async function verifySessionToken(token: string, secret: string, now?: Date): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
      requiredClaims: ["sub", "exp"],
      currentDate: now,
    });
    const { sub, name, email, roles, groups } = payload;
    if (
      typeof sub !== "string" ||
      typeof name !== "string" ||
      !(email === null || typeof email === "string") ||
      !isStringArray(roles) ||
      !isStringArray(groups)
    ) {
      return null;
    }
    return { subject: sub, name, email, roles, groups };
  } catch (err) {
    if (err instanceof errors.JOSEError) return null;
    throw err;
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
