/**
 * The headers every response carries. Pure, so the policy can be tested without a server; the
 * proxy (proxy.ts) supplies a fresh nonce per request and the sign-in authority from config.
 */
export interface SecurityHeaderOptions {
  /** Random, base64, new for each request: the only way an inline or loaded script may run. */
  nonce: string;
  /** The sign-in authority MSAL fetches its metadata and tokens from (the browser calls it directly). */
  authority: string;
  /** The browser reached the portal over https (directly or through a TLS-terminating proxy). */
  https: boolean;
  /** `next dev` needs eval for React's error overlays and stacks; a production build never does. */
  development: boolean;
}

export function contentSecurityPolicy({ nonce, authority, https, development }: SecurityHeaderOptions): string {
  const authorityOrigin = new URL(authority).origin;
  const directives = [
    "default-src 'self'",
    // strict-dynamic: scripts the nonce'd Next.js runtime loads (its chunks) are trusted; nothing else is.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // `next dev` injects its overlay's styles inline, without the nonce; a production build does not.
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    // MSAL reads the provider's discovery document and redeems the code with fetch from the page.
    `connect-src 'self' ${authorityOrigin}${development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // Nobody may frame the portal: a framed admin page is one click from an approval.
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    // For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()",
    // MSAL here signs in by full-page redirect (its redirect bridge hands the answer back within the
    // same origin), never through a popup, so the portal needs no cross-origin window references.
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(options.https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
