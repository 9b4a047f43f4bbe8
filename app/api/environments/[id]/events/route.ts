import { NextResponse, type NextRequest } from "next/server";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { operationEventStream, resumeCursor } from "@/lib/environments/event-stream";
import { getVisibleEnvironmentStatus, listEventsAfter } from "@/lib/environments/progress";
import { getCurrentUser } from "@/lib/users/current-user";

export const dynamic = "force-dynamic";

/**
 * Server-sent events of an environment's operations, resuming after `Last-Event-ID` or `?after=`.
 * Only for someone who may see the environment; anyone else gets the same 404 as for a missing one.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const headers = { "cache-control": "no-store" };
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ message: "Not signed in." }, { status: 401, headers });
  const { id } = await params;
  try {
    await getVisibleEnvironmentStatus(db(), user, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return NextResponse.json({ message: error.userMessage }, { status: 404, headers });
    throw error;
  }

  const after = resumeCursor(request.headers.get("last-event-id"), request.nextUrl.searchParams.get("after"));
  const stream = operationEventStream(
    {
      eventsAfter: (cursor) => listEventsAfter(db(), id, cursor),
      // Re-checked on every poll with the same rule, so a stream never outlives the right to read it.
      environmentStatus: () =>
        getVisibleEnvironmentStatus(db(), user, id).then(
          (env) => env.status,
          (error: unknown) => {
            if (error instanceof AppError) return null;
            throw error;
          },
        ),
    },
    { after, signal: request.signal, onError: (error) => console.error("[events stream]", error) },
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
