export const DEFAULT_RETURN_TO = "/environments";

// Sending someone back to these after sign-in would loop or show raw JSON.
const NOT_A_DESTINATION = [/^\/signin(?:[/?#]|$)/, /^\/auth(?:[/?#]|$)/, /^\/api(?:[/?#]|$)/];

/**
 * Where to go after sign-in: only a path on this site. Anything else (absolute or
 * protocol-relative URLs, backslash tricks, control characters) falls back to the dashboard,
 * so the sign-in page cannot be used as an open redirect.
 */
export function sanitizeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return DEFAULT_RETURN_TO;
  // Browsers read "\" as "/" and drop tabs and newlines, turning "/\evil.example" into "//evil.example".
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN_TO;

  const base = "http://portal.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  if (url.origin !== base) return DEFAULT_RETURN_TO;

  const path = `${url.pathname}${url.search}${url.hash}`;
  return NOT_A_DESTINATION.some((re) => re.test(path)) ? DEFAULT_RETURN_TO : path;
}
