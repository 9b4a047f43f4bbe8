/** IPv4 prefixes as Azure's network resource provider reads them: `a.b.c.d/n`, host bits clear. */
export interface Cidr {
  text: string;
  start: number;
  bits: number;
  size: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function ipNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((n, part) => n * 256 + Number(part), 0);
}

export function ipText(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** The prefix, or undefined when it is not `a.b.c.d/n` (n from 0 to 32). Host bits are allowed here: see `aligned`. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const ip = ipNumber(match[1]!);
  const bits = Number(match[2]);
  if (ip === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  return { text: text.trim(), start: ip, bits, size };
}

/** The same prefix with its host bits cleared: what Azure says the prefix should have been. */
export const network = (c: Cidr): Cidr => {
  const start = Math.floor(c.start / c.size) * c.size;
  return { ...c, start, text: `${ipText(start)}/${c.bits}` };
};

export const aligned = (c: Cidr) => c.start % c.size === 0;
export const overlaps = (a: Cidr, b: Cidr) => a.start < b.start + b.size && b.start < a.start + a.size;
export const contains = (outer: Cidr, inner: Cidr) => inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
