/**
 * IPv4 ranges in CIDR notation: parsing, overlap, and cutting a pool into equal ranges. No
 * dependencies (the portal and the worker both use it).
 */
export interface Ipv4Range {
  /** The first address as an unsigned 32-bit number. */
  start: number;
  prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The range of `cidr`, or null when it is not one (octets over 255, a prefix over 32, host bits set). */
export function parseCidr(cidr: string): Ipv4Range | null {
  const m = CIDR.exec(cidr.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  const start = octets.reduce((n, o) => n * 256 + o, 0);
  if (start % size(prefix) !== 0) return null;
  return { start, prefix };
}

const size = (prefix: number) => 2 ** (32 - prefix);

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export function formatCidr(range: Ipv4Range): string {
  return `${formatAddress(range.start)}/${range.prefix}`;
}

export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.start < b.start + size(b.prefix) && b.start < a.start + size(a.prefix);
}

/** How many ranges of `/prefix` the pool holds. */
export function rangeCount(pool: Ipv4Range, prefix: number): number {
  return prefix < pool.prefix ? 0 : 2 ** (prefix - pool.prefix);
}

/** The `index`-th range of `/prefix` in the pool. */
export function rangeAt(pool: Ipv4Range, prefix: number, index: number): Ipv4Range {
  return { start: pool.start + index * size(prefix), prefix };
}

/** The sub-range of `range` at `offset` addresses from its start, of `/prefix`. */
export function subRange(range: Ipv4Range, offset: number, prefix: number): Ipv4Range {
  return { start: range.start + offset, prefix };
}

/** Azure keeps five addresses of every subnet (network, gateway, two DNS, broadcast). */
export function usableAddresses(prefix: number): number {
  return Math.max(0, size(prefix) - 5);
}
