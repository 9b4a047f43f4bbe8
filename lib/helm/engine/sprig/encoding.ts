/**
 * Sprig's encodings and checksums over a string's UTF-8 bytes. Decoding follows Go's
 * encoding/base64 and base32 exactly, so a bad input yields Go's error text
 * ("illegal base64 data at input byte 4"), which Sprig returns as the result.
 */
import { createHash } from "node:crypto";
import { utf8Bytes, utf8String } from "../fmt-quote";
import { fn } from "./func";
import type { GoFunc } from "../value";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const B64_MAP = decodeMap(B64);
const B32_MAP = decodeMap(B32);

class CorruptInput extends Error {
  constructor(
    readonly offset: number,
    kind: string,
  ) {
    super(`illegal ${kind} data at input byte ${offset}`);
  }
}

/** encoding/base64's decodeQuantum, one 4-character group at a time. */
function base64Decode(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let si = 0;
  const err = (at: number) => new CorruptInput(at, "base64");
  const isNL = (b: number | undefined) => b === 0x0a || b === 0x0d;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let pending: CorruptInput | undefined;
    for (let j = 0; j < 4; j++) {
      if (src.length === si) {
        if (j === 0) return Uint8Array.from(out);
        throw err(si - j); // padding is required
      }
      const inb = src[si++]!;
      const v = B64_MAP[inb]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNL(inb)) {
        j--;
        continue;
      }
      if (inb !== 0x3d || j < 2) throw err(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si])) si++;
        if (si === src.length) throw err(src.length);
        if (src[si] !== 0x3d) throw err(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si])) si++;
      if (si < src.length) pending = err(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (pending) throw pending;
  }
  return Uint8Array.from(out);
}

/** encoding/base32's decode (after DecodeString strips newlines). */
function base32Decode(input: Uint8Array): Uint8Array {
  const src = input.filter((b) => b !== 0x0a && b !== 0x0d);
  const olen = src.length;
  const out: number[] = [];
  let pos = 0;
  let end = false;
  const err = (at: number) => new CorruptInput(at, "base32");
  while (pos < olen && !end) {
    const d = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (pos === olen) throw err(olen - (olen - pos) - j);
      const inb = src[pos++]!;
      const left = olen - pos;
      if (inb === 0x3d && j >= 2 && left < 8) {
        if (left + j < 7) throw err(olen);
        for (let k = 0; k < 7 - j; k++) if (left > k && src[pos + k] !== 0x3d) throw err(olen - left + k - 1);
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) throw err(olen - left - 1);
        break;
      }
      const v = B32_MAP[inb]!;
      if (v < 0) throw err(olen - left - 1);
      d[j++] = v;
    }
    const bytes = [
      ((d[0]! << 3) | (d[1]! >> 2)) & 0xff,
      ((d[1]! << 6) | (d[2]! << 1) | (d[3]! >> 4)) & 0xff,
      ((d[3]! << 4) | (d[4]! >> 1)) & 0xff,
      ((d[4]! << 7) | (d[5]! << 2) | (d[6]! >> 3)) & 0xff,
      ((d[6]! << 5) | d[7]!) & 0xff,
    ];
    const n = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen] ?? 0;
    out.push(...bytes.slice(0, n));
  }
  return Uint8Array.from(out);
}

function base32Encode(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i += 5) {
    const chunk = b.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : "=";
  }
  return out;
}

function decoded(decode: (b: Uint8Array) => Uint8Array, s: string): string {
  try {
    return utf8String(decode(utf8Bytes(s)));
  } catch (e) {
    if (e instanceof CorruptInput) return e.message;
    throw e;
  }
}

function hashHex(alg: string, s: string): string {
  return createHash(alg).update(utf8Bytes(s)).digest("hex");
}

export function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return (s * 65536 + a) >>> 0;
}

export const encodingFunctions: Record<string, GoFunc> = {
  b64enc: fn(["string"], "string", (s) => Buffer.from(utf8Bytes(s)).toString("base64")),
  b64dec: fn(["string"], "string", (s) => decoded(base64Decode, s)),
  b32enc: fn(["string"], "string", (s) => base32Encode(utf8Bytes(s))),
  b32dec: fn(["string"], "string", (s) => decoded(base32Decode, s)),
  sha1sum: fn(["string"], "string", (s) => hashHex("sha1", s)),
  sha256sum: fn(["string"], "string", (s) => hashHex("sha256", s)),
  sha512sum: fn(["string"], "string", (s) => hashHex("sha512", s)),
  adler32sum: fn(["string"], "string", (s) => String(adler32(utf8Bytes(s)))),
};
