import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "./headers";

const base = { nonce: "bm9uY2U=", authority: "https://login.microsoftonline.com/tenant-id", https: false, development: false };

function directive(policy: string, name: string): string | undefined {
  return policy.split("; ").find((d) => d.startsWith(`${name} `));
}

describe("security headers", () => {
  it("forbids framing and runs scripts only by nonce, without eval in production", () => {
    const policy = contentSecurityPolicy(base);
    expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(policy, "script-src")).toBe("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(directive(policy, "object-src")).toBe("object-src 'none'");
  });

  it("lets the browser talk to the configured sign-in authority, and nothing else off-site", () => {
    expect(directive(contentSecurityPolicy(base), "connect-src")).toBe("connect-src 'self' https://login.microsoftonline.com");
    expect(directive(contentSecurityPolicy({ ...base, authority: "https://localhost:8443/oidc" }), "connect-src")).toBe(
      "connect-src 'self' https://localhost:8443",
    );
  });

  it("allows eval, and inline styles for the dev overlay, only in development", () => {
    expect(directive(contentSecurityPolicy({ ...base, development: true }), "script-src")).toContain("'unsafe-eval'");
    expect(directive(contentSecurityPolicy({ ...base, development: true }), "style-src")).toBe("style-src 'self' 'unsafe-inline'");
    expect(directive(contentSecurityPolicy(base), "style-src")).toBe("style-src 'self' 'nonce-bm9uY2U='");
    expect(contentSecurityPolicy(base)).not.toMatch(/unsafe-(eval|inline)/);
  });

  it("sends the fixed headers always, and HSTS only over https", () => {
    const plain = securityHeaders(base);
    expect(plain).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    expect(plain["Permissions-Policy"]).toContain("camera=()");
    expect(plain).not.toHaveProperty("Strict-Transport-Security");
    const secure = securityHeaders({ ...base, https: true });
    expect(secure["Strict-Transport-Security"]).toMatch(/^max-age=\d{7,}/);
    expect(secure["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
  });
});
