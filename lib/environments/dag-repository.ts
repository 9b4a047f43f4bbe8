/**
 * A DAG repository's host must be somewhere git-sync may reach on the internet or the company's
 * named hosts, never an address inside the cluster's or Azure's own networks: an IP literal in a
 * loopback, link-local (Azure's metadata service is 169.254.169.254), private or shared range
 * would let a request make the cluster fetch from there.
 */
export function isForbiddenRepositoryHost(url: string): boolean {
  let host: string;
  try {
    // The WHATWG parser writes every IPv4 spelling (2130706433, 0x7f.1, 127.1) as dotted decimal,
    // and IPv6 in brackets, as git-sync's resolver would read them.
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return true;
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return isForbiddenIPv4(host);
  if (host.startsWith("[")) return isForbiddenIPv6(host.slice(1, -1));
  return host === "localhost" || host.endsWith(".localhost");
}

function isForbiddenIPv4(address: string): boolean {
  const [a, b] = address.split(".").map(Number) as [number, number];
  return (
    a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224
  );
}

function isForbiddenIPv6(address: string): boolean {
  if (address === "::" || address === "::1") return true;
  // IPv4-mapped (::ffff:a.b.c.d, or its hex form as URL parsing writes it) is judged as IPv4.
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/)?.[1] ?? hexMappedIPv4(address);
  if (mapped) return isForbiddenIPv4(mapped);
  const first = Number.parseInt(address.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

function hexMappedIPv4(address: string): string | undefined {
  const m = address.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (!m) return undefined;
  const hi = Number.parseInt(m[1]!, 16);
  const lo = Number.parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** With an allow-list (PORTAL_DAG_HOSTS), only those hosts, or their subdomains when listed as `.example.com`. */
export function isAllowedDagHost(url: string, allowList: readonly string[] | undefined): boolean {
  if (!allowList || allowList.length === 0) return true;
  let h: string;
  try {
    h = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return allowList.some((entry) => (entry.startsWith(".") ? h.endsWith(entry) : h === entry));
}
