import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { config } from "@/lib/config";
import { SESSION_COOKIE, verifySessionToken, type SessionClaims } from "./session-token";

export {
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  createSessionToken,
  verifySessionToken,
  type SessionClaims,
} from "./session-token";

/** The signed-in person from the session cookie, or null when there is none or it is not valid. */
export const getSession = cache(async (): Promise<SessionClaims | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return verifySessionToken(token, config().sessionSecret);
});
