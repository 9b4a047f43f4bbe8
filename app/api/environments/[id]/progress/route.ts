import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getProgress } from "@/lib/environments/progress";
import { getCurrentUser } from "@/lib/users/current-user";

export const dynamic = "force-dynamic";

/** The environment's progress as JSON: the first state of the live view, and its fallback when streaming fails. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const headers = { "cache-control": "no-store" };
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ message: "Not signed in." }, { status: 401, headers });
  const { id } = await params;
  try {
    return NextResponse.json(await getProgress(db(), user, id), { headers });
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return NextResponse.json({ message: error.userMessage }, { status: 404, headers });
    throw error;
  }
}
