import { NextResponse } from "next/server";
import { isAdmin } from "@/lib/auth/roles";
import { getSession } from "@/lib/auth/session";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

/** The signed-in person as the session says, for scripts and tests; 401 without a session. */
export async function GET() {
  const session = await getSession();
  const headers = { "cache-control": "no-store" };
  if (!session) return NextResponse.json({ message: "Not signed in." }, { status: 401, headers });
  return NextResponse.json({ ...session, isAdmin: isAdmin(session, config().adminRole) }, { headers });
}
