export const DEFAULT_RETURN_TO = "/environments";

// Sending someone back to these after sign-in would loop or show raw JSON.
const NOT_A_DESTINATION = [/^\/signin(?:[/?#]|$)/, /^\/auth(?:[/?#]|$)/, /^\/api(?:[/?#]|$)/];

// Any origin works as the base: only whether the result stays on it matters.
const BASE = "http://portal.invalid";

/**
 * Where to go after sign-in: only a path on this site. Anything else (absolute or
 * protocol-relative URLs, backslash tricks, control characters) falls back to the dashboard,
 * so the sign-in page cannot be used as an open redirect.
 *
 * Judged on what comes out, not on what went in: dot segments can turn `/.//evil.example` into
 * `//evil.example`, which a browser reads as another host. So the value is resolved as a browser
 * would, and the path it yields must itself resolve to this site and stay unchanged when read again.
 */
export function sanitizeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return DEFAULT_RETURN_TO;
  // Browsers read "\" as "/" and drop tabs and newlines, turning "/\evil.example" into "//evil.example".
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN_TO;

  const path = sameSitePath(value);
  if (path === null || sameSitePath(path) !== path) return DEFAULT_RETURN_TO;
  return NOT_A_DESTINATION.some((re) => re.test(path)) ? DEFAULT_RETURN_TO : path;
}

/** The path, query and fragment `value` leads to on this site; null if it leads elsewhere or could. */
function sameSitePath(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path starting with two slashes (or a slash and a backslash) is a protocol-relative URL to a browser.
  if (!path.startsWith("/") || /^\/[/\\]/.test(path)) return null;
  return path;
}
