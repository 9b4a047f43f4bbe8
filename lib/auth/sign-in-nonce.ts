import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashSecretValue } from "./session-cookie";

export const SIGN_IN_NONCE_COOKIE = "portal_signin_nonce";

/** Long enough to type a password and approve MFA; short enough that an unused nonce soon stops mattering. */
export const SIGN_IN_NONCE_TTL_SECONDS = 10 * 60;

const NONCE_FORMAT = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * A fresh nonce for one sign-in: `<random>.<expiry, Unix seconds>.<HMAC with SESSION_SECRET>`. The
 * browser passes it to MSAL's login request, the provider signs it into the ID token, and the
 * portal accepts that token only while the nonce is unexpired and unused.
 *
 * Issuing writes nothing: anyone may ask for nonces without signing in, so asking must cost the
 * database nothing. The signature proves the portal issued it, the expiry is inside it, and only
 * its use is recorded (`consumeSignInNonce`).
 */
export function issueSignInNonce(secret: string, now = new Date()): string {
  const random = randomBytes(16).toString("base64url");
  const expires = Math.floor(now.getTime() / 1000) + SIGN_IN_NONCE_TTL_SECONDS;
  return `${random}.${expires}.${sign(`${random}.${expires}`, secret)}`;
}

/** The nonce's expiry when the portal signed it and it has not expired yet; otherwise null. No database. */
export function verifySignInNonce(nonce: string, secret: string, now = new Date()): Date | null {
  const match = NONCE_FORMAT.exec(nonce);
  if (!match) return null;
  const [, random, expires, signature] = match;
  const expected = Buffer.from(sign(`${random}.${expires}`, secret));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const expiresAt = new Date(Number(expires) * 1000);
  // An expiry further away than a nonce ever lives was not written by issueSignInNonce.
  if (expiresAt <= now || expiresAt.getTime() - now.getTime() > SIGN_IN_NONCE_TTL_SECONDS * 1000) return null;
  return expiresAt;
}

/**
 * Records the nonce used; true only for the first caller, while it is unexpired and signed by the
 * portal. The record (its hash, kept until the nonce would have expired) is one insert that does
 * nothing on conflict, so two requests posting the same token at once cannot both win. Records of
 * expired nonces are deleted here: a nonce past its expiry is refused by its own signature, so they
 * serve no one, and the table holds at most the nonces used in the last 10 minutes.
 */
export async function consumeSignInNonce(db: PrismaClient, secret: string, nonce: string, now = new Date()): Promise<boolean> {
  const expiresAt = verifySignInNonce(nonce, secret, now);
  if (!expiresAt) return false;
  await db.signInNonce.deleteMany({ where: { expiresAt: { lte: now } } });
  const { count } = await db.signInNonce.createMany({
    data: [{ id: hashSecretValue(nonce), createdAt: now, expiresAt, usedAt: now }],
    skipDuplicates: true,
  });
  return count === 1;
}

// Bound to this use, so an HMAC made with the same secret for anything else (a session cookie) never passes as a nonce.
function sign(value: string, secret: string): string {
  return createHmac("sha256", secret).update(`airflow-portal/sign-in-nonce:${value}`).digest("base64url");
}
