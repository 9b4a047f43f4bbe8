/**
 * Just enough ASN.1 DER to build X.509 certificates the way Go's crypto/x509 lays them out and
 * to read back a CA certificate's subject and key identifier.
 */

export type Der = Uint8Array;

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...content: Der[]): Der {
  const body = concat(...content);
  return Uint8Array.from([tag, ...length(body.length), ...body]);
}

export function concat(...parts: Der[]): Der {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const seq = (...c: Der[]) => tlv(0x30, ...c);
export const set = (...c: Der[]) => tlv(0x31, ...c);
export const octets = (b: Der) => tlv(0x04, b);
export const bool = (v: boolean) => tlv(0x01, Uint8Array.of(v ? 0xff : 0));
export const explicit = (n: number, ...c: Der[]) => tlv(0xa0 | n, ...c);
export const implicit = (n: number, b: Der) => tlv(0x80 | n, b);
export const nullValue = () => Uint8Array.of(0x05, 0);

export function integer(v: bigint): Der {
  let hex = v.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  const bytes = Uint8Array.from(Buffer.from(hex, "hex"));
  return tlv(0x02, bytes[0]! & 0x80 ? Uint8Array.of(0, ...bytes) : bytes);
}

export function oid(dotted: string): Der {
  const parts = dotted.split(".").map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    for (let x = Math.floor(p / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift(0x80 | (x & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

export function bitString(b: Der, unused = 0): Der {
  return tlv(0x03, Uint8Array.of(unused), b);
}

/** A string as Go's asn1 marshals an untyped one: PrintableString when it can, else UTF8String. */
export function goString(s: string): Der {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(s);
  return tlv(printable ? 0x13 : 0x0c, Uint8Array.from(Buffer.from(s, "utf8")));
}

export function ia5(s: string): Der {
  return tlv(0x16, Uint8Array.from(Buffer.from(s, "latin1")));
}

/** UTCTime through 2049, GeneralizedTime after, to the second, as Go writes validity dates. */
export function time(d: Date): Der {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const y = d.getUTCFullYear();
  const rest = pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes());
  const body = rest + pad(d.getUTCSeconds()) + "Z";
  if (y >= 1950 && y < 2050) return tlv(0x17, Uint8Array.from(Buffer.from(pad(y % 100) + body)));
  return tlv(0x18, Uint8Array.from(Buffer.from(pad(y, 4) + body)));
}

export interface Node {
  tag: number;
  /** The whole element, header included. */
  raw: Der;
  content: Der;
}

/** Reads one DER element at offset; throws on truncated input. */
export function read(b: Der, offset = 0): Node & { end: number } {
  if (offset + 2 > b.length) throw new Error("truncated");
  const tag = b[offset]!;
  let len = b[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) throw new Error("bad length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > b.length) throw new Error("truncated");
  return { tag, raw: b.subarray(offset, end), content: b.subarray(start, end), end };
}

export function children(n: Node): Node[] {
  const out: Node[] = [];
  for (let off = 0; off < n.content.length; ) {
    const c = read(n.content, off);
    out.push(c);
    off = c.end;
  }
  return out;
}
