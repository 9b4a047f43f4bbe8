/**
 * Cross-site request forgery guard for the session routes: browsers always send `Origin` on a
 * POST or DELETE fetch, and another site cannot make it name this host.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  const host = firstValue(headers.get("x-forwarded-host")) ?? headers.get("host");
  if (!origin || !host || origin === "null") return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Behind a TLS-terminating proxy the portal itself sees http; the proxy says what the browser used. */
export function isHttpsRequest(headers: Headers, url: URL): boolean {
  const forwarded = firstValue(headers.get("x-forwarded-proto"));
  return (forwarded ?? url.protocol.replace(/:$/, "")) === "https";
}

function firstValue(header: string | null): string | undefined {
  return header?.split(",")[0]?.trim() || undefined;
}
