import { NextResponse } from "next/server";
import { config } from "@/lib/config";

// Read at request time, so one build serves Entra ID and any other OpenID Connect provider alike.
export const dynamic = "force-dynamic";

/** MSAL's settings for the browser. Nothing here is secret: a public client has no secret. */
export function GET() {
  const { clientId, authority, knownAuthorities, protocolMode } = config().auth;
  return NextResponse.json(
    { clientId, authority, knownAuthorities, protocolMode },
    { headers: { "cache-control": "no-store" } },
  );
}
