/**
 * bcrypt as golang.org/x/crypto/bcrypt writes it for Sprig's bcrypt and htpasswd ("$2a$10$…",
 * Blowfish over the password and its trailing NUL). Blowfish's initial tables are the hex digits
 * of pi, computed once here rather than copied in.
 */
import { randomBytes } from "node:crypto";
import { utf8Bytes } from "../fmt-quote";

const WORDS = 18 + 4 * 256;
let PI_WORDS: Uint32Array | undefined;

/** The first WORDS 32-bit words of pi's fractional part (Machin's formula in fixed point). */
function piWords(): Uint32Array {
  if (PI_WORDS) return PI_WORDS;
  const bits = BigInt(WORDS * 32 + 64);
  const one = 1n << bits;
  const atanInv = (x: bigint) => {
    let term = one / x;
    let sum = term;
    const x2 = x * x;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      sum += (k % 2n ? -term : term) / (2n * k + 1n);
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  const hex = ((pi - 3n * one) >> 64n).toString(16).padStart(WORDS * 8, "0");
  PI_WORDS = Uint32Array.from({ length: WORDS }, (_, i) => parseInt(hex.slice(8 * i, 8 * i + 8), 16));
  return PI_WORDS;
}

/** The key as the cyclic stream of 32-bit words Blowfish's key schedule reads. */
function words(b: Uint8Array, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0, j = 0; i < n; i++) {
    let d = 0;
    for (let k = 0; k < 4; k++, j = (j + 1) % b.length) d = ((d << 8) | b[j]!) >>> 0;
    out[i] = d;
  }
  return out;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s0: Uint32Array;
  readonly s1: Uint32Array;
  readonly s2: Uint32Array;
  readonly s3: Uint32Array;
  l = 0;
  r = 0;

  constructor() {
    const pi = piWords();
    this.p = pi.slice(0, 18);
    [this.s0, this.s1, this.s2, this.s3] = [0, 1, 2, 3].map((i) => pi.slice(18 + 256 * i, 18 + 256 * (i + 1))) as [
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
    ];
  }

  /** Encrypts the block (this.l, this.r) in place. */
  encrypt(): void {
    const { p, s0, s1, s2, s3 } = this;
    let xl = this.l ^ p[0]!;
    let xr = this.r;
    for (let i = 1; i < 17; i += 2) {
      xr ^= ((((s0[xl >>> 24]! + s1[(xl >>> 16) & 0xff]!) | 0) ^ s2[(xl >>> 8) & 0xff]!) + s3[xl & 0xff]!) ^ p[i]!;
      xl ^= ((((s0[xr >>> 24]! + s1[(xr >>> 16) & 0xff]!) | 0) ^ s2[(xr >>> 8) & 0xff]!) + s3[xr & 0xff]!) ^ p[i + 1]!;
    }
    this.l = (xr ^ p[17]!) >>> 0;
    this.r = xl >>> 0;
  }

  /** ExpandKey, and with salt words expandKeyWithSalt (a 16-byte salt repeats every 4 words). */
  expand(key: Uint32Array, salt?: Uint32Array): void {
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i]! ^ key[i]!) >>> 0;
    this.l = this.r = 0;
    let j = 0;
    for (const table of [this.p, this.s0, this.s1, this.s2, this.s3]) {
      for (let i = 0; i < table.length; i += 2) {
        if (salt) {
          this.l = (this.l ^ salt[j++ % salt.length]!) >>> 0;
          this.r = (this.r ^ salt[j++ % salt.length]!) >>> 0;
        }
        this.encrypt();
        table[i] = this.l;
        table[i + 1] = this.r;
      }
    }
  }
}

const ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function encode64(b: Uint8Array): string {
  return Array.from(Buffer.from(b).toString("base64").replace(/=+$/, ""), (c) => ALPHABET[STD.indexOf(c)]).join("");
}

function decode64(s: string): Uint8Array {
  const std = Array.from(s, (c) => STD[ALPHABET.indexOf(c)]).join("");
  return Uint8Array.from(Buffer.from(std, "base64"));
}

/** bcrypt(password, cost, salt) with salt in bcrypt's base64 (22 characters). */
export function bcryptHash(password: string, cost: number, salt: string): string {
  const key = words(Uint8Array.from([...utf8Bytes(password), 0]), 18);
  const rawSalt = decode64(salt);
  const saltWords = words(rawSalt, 4);
  const c = new Blowfish();
  c.expand(key, saltWords);
  const saltKey = words(rawSalt, 18);
  for (let i = 0; i < 2 ** cost; i++) {
    c.expand(key);
    c.expand(saltKey);
  }
  const data = Buffer.from("OrpheanBeholderScryDoubt", "latin1");
  for (let i = 0; i < 24; i += 8) {
    [c.l, c.r] = [data.readUInt32BE(i), data.readUInt32BE(i + 4)];
    for (let k = 0; k < 64; k++) c.encrypt();
    data.writeUInt32BE(c.l, i);
    data.writeUInt32BE(c.r, i + 4);
  }
  return `$2a$${String(cost).padStart(2, "0")}$${salt}${encode64(data.subarray(0, 23))}`;
}

/** bcrypt.GenerateFromPassword(password, DefaultCost). */
export function bcrypt(password: string): string {
  return bcryptHash(password, 10, encode64(randomBytes(16)));
}
