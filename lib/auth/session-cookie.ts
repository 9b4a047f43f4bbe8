import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "portal_session";

/**
 * The session cookie is `<random id>.<HMAC of the id>`: it names a server-side session and says
 * nothing else. The signature lets the portal refuse a guessed or edited cookie before asking the
 * database; what the session allows is decided by its row, which sign-out and admins can end.
 */
export function newSessionCookie(secret: string): { cookie: string; sessionId: string } {
  const random = randomBytes(32).toString("base64url");
  return { cookie: `${random}.${sign(random, secret)}`, sessionId: hashSecretValue(random) };
}

/** The database id of the session the cookie names, or null when the cookie is not one the portal signed. */
export function sessionIdFromCookie(cookie: string, secret: string): string | null {
  const [random, signature, extra] = cookie.split(".");
  if (!random || !signature || extra !== undefined || !/^[A-Za-z0-9_-]{43}$/.test(random)) return null;
  const expected = Buffer.from(sign(random, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return hashSecretValue(random);
}

/** Rows keep only this hash of a cookie's id or a nonce, so a copy of the table opens nothing. */
export function hashSecretValue(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

// Bound to this use, so an HMAC made with the same secret for anything else never passes as a session.
function sign(random: string, secret: string): string {
  return createHmac("sha256", secret).update(`airflow-portal/session:${random}`).digest("base64url");
}
