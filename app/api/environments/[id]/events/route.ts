import { cookies } from "next/headers";
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { sessionIdFromCookie } from "@/lib/auth/session-cookie";
import { readSession } from "@/lib/auth/sessions";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { operationEventStream, resumeCursor } from "@/lib/environments/event-stream";
import { getVisibleEnvironmentStatus, listEventsAfter } from "@/lib/environments/progress";
import { acquireStreamLease } from "@/lib/environments/stream-leases";
import { getCurrentUser } from "@/lib/users/current-user";
import { resolveUser } from "@/lib/users/resolve-user";

export const dynamic = "force-dynamic";

/**
 * Server-sent events of an environment's operations, resuming after `Last-Event-ID` or `?after=`.
 * Only for someone who may see the environment; anyone else gets the same 404 as for a missing one.
 * Each poll (every second) re-reads the session and the environment's visibility, so the stream
 * ends within seconds of sign-out, "Sign out everywhere" or the session's end; a person holds at
 * most STREAMS_PER_SESSION streams per session and STREAMS_PER_USER in all (429 beyond).
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const headers = { "cache-control": "no-store" };
  const user = await getCurrentUser();
  const cookie = (await cookies()).get(SESSION_COOKIE)?.value;
  const { sessionSecret, sessionIdleMinutes, adminRole } = config();
  const sessionId = cookie ? sessionIdFromCookie(cookie, sessionSecret) : null;
  if (!user || !cookie || !sessionId) return NextResponse.json({ message: "Not signed in." }, { status: 401, headers });
  const { id } = await params;
  try {
    await getVisibleEnvironmentStatus(db(), user, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return NextResponse.json({ message: error.userMessage }, { status: 404, headers });
    throw error;
  }

  const lease = await acquireStreamLease(db(), user.id, sessionId);
  if (!lease.ok) return NextResponse.json({ message: lease.message }, { status: 429, headers: { ...headers, "retry-after": "30" } });

  const after = resumeCursor(request.headers.get("last-event-id"), request.nextUrl.searchParams.get("after"));
  const stream = operationEventStream(
    {
      eventsAfter: (cursor) => listEventsAfter(db(), id, cursor),
      // Re-checked on every poll: the session still live (not signed out, revoked, idle or past
      // its 8 hours) and the environment still visible to the person it now names.
      environmentStatus: async () => {
        const session = await readSession(db(), cookie, { secret: sessionSecret, idleMinutes: sessionIdleMinutes, touch: false });
        if (!session) return null;
        await lease.renew();
        const current = await resolveUser(db(), session, adminRole);
        return getVisibleEnvironmentStatus(db(), current, id).then(
          (env) => env.status,
          (error: unknown) => {
            if (error instanceof AppError) return null;
            throw error;
          },
        );
      },
    },
    {
      after,
      signal: request.signal,
      onError: (error) => console.error("[events stream]", error),
      onEnd: () => {
        lease.release().catch((error: unknown) => console.error("[events stream] could not release its lease", error));
      },
    },
  );
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      // Proxies such as nginx would otherwise hold the events back in a buffer.
      "x-accel-buffering": "no",
    },
  });
}
