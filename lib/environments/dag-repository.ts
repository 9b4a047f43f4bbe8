/**
 * A DAG repository's host must be somewhere git-sync may reach on the internet or the company's
 * named hosts, never an address inside the cluster's or Azure's own networks: an IP literal in a
 * loopback, link-local (Azure's metadata service is 169.254.169.254), private or shared range, or a
 * name that resolves inside them (`localhost`, `*.internal` such as `metadata.google.internal`,
 * `*.local` such as `*.svc.cluster.local`, a single label the cluster's DNS search list completes)
 * would let a request make the cluster fetch from there.
 *
 * Parsers disagree on hosts (git-sync is Go, the portal WHATWG), so the host is judged twice: as
 * written (percent-decoded, lower-cased, trailing dots removed, IDNA to ASCII) and as the WHATWG
 * parser reads it; either being forbidden refuses the URL. An IPv4 address written other than as
 * plain dotted decimal (2130706433, 0177.0.0.1, 0x7f.1, 127.1) is refused whatever it names: other
 * parsers read those spellings differently, so none of them can be checked for what git-sync reaches.
 */
export function isForbiddenRepositoryHost(url: string): boolean {
  const hosts = repositoryHosts(url);
  return hosts === null || hosts.some(isForbiddenHost);
}

/** With an allow-list (PORTAL_DAG_HOSTS), only those hosts, or their subdomains when listed as `.example.com`. */
export function isAllowedDagHost(url: string, allowList: readonly string[] | undefined): boolean {
  if (!allowList || allowList.length === 0) return true;
  const hosts = repositoryHosts(url);
  if (!hosts) return false;
  const entries = allowList.map((entry) => entry.trim().toLowerCase().replace(/\.+$/, ""));
  // Both readings of the host must be on the list.
  return hosts.every((h) => entries.some((entry) => (entry.startsWith(".") ? h.endsWith(entry) && h.length > entry.length : h === entry)));
}

/**
 * The host as written and as WHATWG parses it, each normalised; null when either cannot be read.
 * IPv6 literals keep their brackets; IPv4 in a notation other than dotted decimal stays as written.
 */
export function repositoryHosts(url: string): string[] | null {
  let parsed: string;
  try {
    const u = new URL(url);
    if (u.protocol !== "https:") return null;
    parsed = u.hostname;
  } catch {
    return null;
  }
  const authority = /^https:\/\/([^/?#\\]*)/i.exec(url)?.[1];
  if (authority === undefined || authority.includes("@")) return null;
  const written = authority.startsWith("[") ? authority.slice(0, authority.indexOf("]") + 1) : authority.replace(/:\d*$/, "");
  const hosts = [normaliseHost(written), normaliseHost(parsed)];
  return hosts.every((h): h is string => h !== null) ? hosts : null;
}

/** Percent-decoded, lower case, without trailing dots, IDNA to ASCII; null when not a host name or address. */
export function normaliseHost(host: string): string | null {
  let h: string;
  try {
    h = decodeURIComponent(host);
  } catch {
    return null;
  }
  // Full-width digits and dots (１２７．０．０．１) are folded as IDNA would, before the notation is judged.
  h = h.normalize("NFKC").replace(/[\u3002\uff0e\uff61]/g, ".").toLowerCase();
  if (h.startsWith("[")) return /^\[[0-9a-f:.]+\]$/.test(h) ? h : null;
  h = h.replace(/\.+$/, "");
  if (!h || h.includes("..")) return null;
  // Kept as written: domainToASCII would turn these into dotted decimal.
  if (looksLikeIPv4(h)) return h;
  const ascii = domainToASCII(h);
  if (!ascii || !/^[a-z0-9.-]+$/.test(ascii.replace(/_/g, "-"))) return null;
  return ascii.replace(/\.+$/, "");
}

/**
 * IDNA to ASCII as `node:url`'s domainToASCII does (through the WHATWG host parser), written so
 * the request form's validation in the browser runs the same rules. "" when it is not a host.
 */
function domainToASCII(host: string): string {
  if (/[\s/\\?#@:%[\]]/.test(host)) return "";
  try {
    return new URL(`https://${host}/`).hostname;
  } catch {
    return "";
  }
}

// Names that resolve inside the machine, the cluster or the cloud: RFC 6761/6762, Kubernetes services,
// cloud metadata names (metadata.google.internal, instance-data.ec2.internal) and reverse-lookup zones.
const FORBIDDEN_SUFFIXES = ["localhost", "local", "internal", "localdomain", "home.arpa", "arpa", "svc", "intranet", "lan"];

function isForbiddenHost(host: string): boolean {
  if (host.startsWith("[")) return isForbiddenIPv6(host.slice(1, -1));
  if (looksLikeIPv4(host)) return !/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(host) || isForbiddenIPv4(host);
  // A single label is completed by the cluster's DNS search list (kubernetes → kubernetes.default.svc…).
  if (!host.includes(".")) return true;
  return FORBIDDEN_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

/** Every spelling WHATWG, inet_aton or curl may read as IPv4: one to four parts, each decimal, octal or hex. */
function looksLikeIPv4(host: string): boolean {
  return /^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}$/.test(host);
}

function isForbiddenIPv4(address: string): boolean {
  const [a, b, c] = address.split(".").map(Number) as [number, number, number];
  return (
    a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) || a >= 224
  );
}

function isForbiddenIPv6(address: string): boolean {
  const groups = ipv6Groups(address);
  if (!groups) return true;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  // IPv4-mapped (::ffff:a.b.c.d) is judged as the IPv4 address it reaches.
  if (upperZero && g5 === 0xffff) return isForbiddenIPv4(v4(g6, g7));
  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d.
  if (upperZero && g5 === 0) return true;
  // NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::) carry an IPv4 address too.
  if (g0 === 0x64 && g1 === 0xff9b) return g2 !== 0 || g3 !== 0 || g4 !== 0 || g5 !== 0 || isForbiddenIPv4(v4(g6, g7));
  if (g0 === 0x2002) return isForbiddenIPv4(v4(g1, g2));
  // Unique local, link-local, site-local, multicast, documentation.
  return (g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0 || (g0 & 0xff00) === 0xff00 || (g0 === 0x2001 && g1 === 0xdb8);
}

/** Eight 16-bit groups, through the WHATWG parser, which writes every IPv6 spelling in hex. */
function ipv6Groups(address: string): number[] | null {
  let canonical: string;
  try {
    canonical = new URL(`https://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const [head = "", tail] = canonical.split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => Number.parseInt(g, 16));
}
