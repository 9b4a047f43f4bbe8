import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashSecretValue } from "./session-cookie";

export const SIGN_IN_NONCE_COOKIE = "portal_signin_nonce";

/** Long enough to type a password and approve MFA; short enough that an unused nonce soon stops mattering. */
export const SIGN_IN_NONCE_TTL_SECONDS = 10 * 60;

/**
 * A fresh nonce for one sign-in. The browser passes it to MSAL's login request, the provider
 * signs it into the ID token, and the portal accepts that token only while the nonce is unused.
 */
export async function issueSignInNonce(db: PrismaClient, now = new Date()): Promise<string> {
  const nonce = randomBytes(32).toString("base64url");
  await db.signInNonce.create({
    data: { id: hashSecretValue(nonce), createdAt: now, expiresAt: new Date(now.getTime() + SIGN_IN_NONCE_TTL_SECONDS * 1000) },
  });
  // Housekeeping, so the table stays small: nonces a day past expiry serve no one.
  await db.signInNonce.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 24 * 3600 * 1000) } } });
  return nonce;
}

/**
 * Marks the nonce used; true only for the first caller while it is unexpired. One conditional
 * update, so two requests posting the same token at once cannot both win.
 */
export async function consumeSignInNonce(db: PrismaClient, nonce: string, now = new Date()): Promise<boolean> {
  const { count } = await db.signInNonce.updateMany({
    where: { id: hashSecretValue(nonce), usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return count === 1;
}
