import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { SESSION_COOKIE } from "./session-cookie";
import { readSession, type SessionClaims } from "./sessions";

export { SESSION_COOKIE } from "./session-cookie";
export { SESSION_MAX_AGE_SECONDS, type SessionClaims } from "./sessions";

/** The signed-in person from the session cookie, or null when there is none or it has ended. */
export const getSession = cache(async (): Promise<SessionClaims | null> => {
  const cookie = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!cookie) return null;
  const { sessionSecret, sessionIdleMinutes } = config();
  return readSession(db(), cookie, { secret: sessionSecret, idleMinutes: sessionIdleMinutes });
});
