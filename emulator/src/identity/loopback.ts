const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * True for `http://<loopback>:<any port><path>` with one of the given paths and nothing else
 * (no credentials, query or fragment), so an attacker cannot smuggle a different target in.
 */
export function isLoopbackUri(value: string, paths: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === "http:" &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.username === "" &&
    url.password === "" &&
    url.search === "" &&
    url.hash === "" &&
    !value.includes("#") &&
    paths.includes(url.pathname)
  );
}

/** For CORS on the token endpoint: the browser's Origin of a portal served on loopback. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) && url.origin === origin;
}
