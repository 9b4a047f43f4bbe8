import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * MSAL v5's redirect target (`REDIRECT_BRIDGE_PATH`): it only hands the provider's answer back to the
 * page that started the sign-in (a BroadcastChannel within the portal's origin). That is MSAL's own
 * 7 kB bridge, so the page is served as plain HTML with the bridge inline under the request's CSP
 * nonce, instead of a React page that would load the whole app's runtime to run it.
 */
let bridge: string | undefined;
function bridgeScript(): string {
  bridge ??= readFileSync(path.join(process.cwd(), "node_modules/@azure/msal-browser/lib/redirect-bridge/msal-redirect-bridge.min.js"), "utf8")
    // Never let the file close the inline script element early.
    .replaceAll("</script", "<\\/script");
  return bridge;
}

/** The nonce proxy.ts put in this request's Content-Security-Policy. */
function nonceOf(request: Request): string {
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(request.headers.get("content-security-policy") ?? "")?.[1];
  if (!nonce) throw new Error("No CSP nonce on the request: proxy.ts must run before /auth/redirect");
  return nonce;
}

export function GET(request: Request): Response {
  const nonce = nonceOf(request);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Signing in · Airflow Portal</title>
<style nonce="${nonce}">body{font-family:system-ui,sans-serif;color:#0f172a;margin:3rem auto;max-width:28rem;padding:0 1rem}.alert{border:1px solid #fca5a5;background:#fef2f2;color:#7f1d1d;border-radius:.375rem;padding:.75rem 1rem}a{color:inherit;font-weight:600}</style>
</head>
<body>
<main><p id="sign-in-status" role="status">Signing you in…</p></main>
<script nonce="${nonce}">${bridgeScript()}</script>
<script nonce="${nonce}">
msalRedirectBridge.broadcastResponseToMainFrame().catch(function () {
  var status = document.getElementById("sign-in-status");
  status.setAttribute("role", "alert");
  status.className = "alert";
  status.innerHTML = 'This sign-in response could not be used. <a href="/signin">Sign in again</a>.';
});
</script>
</body>
</html>
`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
