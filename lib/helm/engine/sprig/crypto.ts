/**
 * Sprig's crypto.go: keys, certificates, AES, derivePassword and random bytes. Keys and
 * signatures come from node:crypto; the certificates are laid out as Go's crypto/x509 does. In
 * "deterministic" mode the generators return the fixed strings the conformance reference uses.
 */
import { createCipheriv, createDecipheriv, createHmac, generateKeyPairSync } from "node:crypto";
import { randomBytes, randomInt, scryptSync, type KeyObject } from "node:crypto";
import { sprintf } from "../fmt";
import { utf8Bytes, utf8String } from "../fmt-quote";
import { bcrypt } from "./bcrypt";
import * as der from "./der";
import { fn, GoError } from "./func";
import type { RandomMode } from "./random";
import { createCertificate, keyPem, parseCertificate, parseIP, parsePrivateKeyPem, pemDecode } from "./x509";
import { GoStruct, type GoFunc, type GoValue } from "../value";

const S = "string";
const L = "[]interface {}";

export function certificate(cert: string, key: string): GoStruct {
  return new GoStruct("sprig.certificate", { Cert: cert, Key: key });
}

function certificateArg(v: GoValue): { Cert: string; Key: string } {
  if (!(v instanceof GoStruct) || v.typeName !== "sprig.certificate") {
    const got = v === null || v === undefined ? "interface {}" : sprintf("%T", [v]);
    throw new GoError(`wrong type for value; expected sprig.certificate; got ${got}`);
  }
  return { Cert: String(v.fields.Cert), Key: String(v.fields.Key) };
}

const rsaKey = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}

const toBig = (b: Uint8Array) => BigInt("0x" + (Buffer.from(b).toString("hex") || "0"));

/** Sprig writes DSA keys as SEQUENCE { version, p, q, g, y, x } under "DSA PRIVATE KEY". */
function dsaPem(key: KeyObject): string {
  const pkcs8 = Uint8Array.from(key.export({ type: "pkcs8", format: "der" }));
  const [, alg, priv] = der.children(der.read(pkcs8));
  const [p, q, g] = der.children(der.children(alg!)[1]!).map((n) => toBig(n.content));
  const x = toBig(der.read(priv!.content).content);
  const body = der.seq(der.integer(0n), ...[p!, q!, g!, modPow(g!, x, p!), x].map(der.integer));
  const lines = Buffer.from(body).toString("base64").match(/.{1,64}/g)!;
  return `-----BEGIN DSA PRIVATE KEY-----\n${lines.join("\n")}\n-----END DSA PRIVATE KEY-----\n`;
}

function generatePrivateKey(typ: string): string {
  switch (typ) {
    case "":
    case "rsa":
      return keyPem(rsaKey(4096));
    case "dsa":
      return dsaPem(generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 }).privateKey);
    case "ecdsa":
      return keyPem(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
    case "ed25519":
      return keyPem(generateKeyPairSync("ed25519").privateKey);
    default:
      return "Unknown type " + typ;
  }
}

function netIPs(ips: GoValue[] | null): Uint8Array[] {
  return (ips ?? []).map((ip) => {
    if (typeof ip !== "string") throw new GoError(`error parsing ip: ${sprintf("%v", [ip])} is not a string`);
    const parsed = parseIP(ip);
    if (!parsed) throw new GoError(`error parsing ip: ${ip}`);
    return parsed;
  });
}

function dnsNames(names: GoValue[] | null): string[] {
  return (names ?? []).map((n) => {
    if (typeof n !== "string") {
      throw new GoError(`error processing alternate dns name: ${sprintf("%v", [n])} is not a string`);
    }
    return n;
  });
}

function withKey<T>(pemText: string, prefix: string, f: (key: KeyObject) => T): T {
  let key: KeyObject;
  try {
    key = parsePrivateKeyPem(pemText);
  } catch (e) {
    throw new GoError(`${prefix}: ${(e as Error).message}`);
  }
  return f(key);
}

function genCA(cn: string, days: bigint, key: KeyObject): GoStruct {
  const t = { cn, ips: [], dnsNames: [], daysValid: days, isCA: true };
  return certificate(createCertificate(t, key, "self", key), keyPem(key));
}

function genSelfSigned(cn: string, ips: List, dns: List, days: bigint, key: KeyObject) {
  const t = { cn, ips: netIPs(ips), dnsNames: dnsNames(dns), daysValid: days, isCA: false };
  return certificate(createCertificate(t, key, "self", key), keyPem(key));
}

type List = GoValue[] | null;

function genSigned(cn: string, ips: List, dns: List, days: bigint, caArg: GoValue, key: KeyObject) {
  const ca = certificateArg(caArg);
  const block = pemDecode(ca.Cert);
  if (!block) throw new GoError("unable to decode certificate");
  let parent;
  try {
    parent = parseCertificate(block.bytes);
  } catch (e) {
    throw new GoError(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`);
  }
  return withKey(ca.Key, "error parsing private key", (signer) => {
    const t = { cn, ips: netIPs(ips), dnsNames: dnsNames(dns), daysValid: days, isCA: false };
    return certificate(createCertificate(t, key, parent, signer), keyPem(key));
  });
}

function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  const decode = (s: string, what: string) => {
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(s) || s.replace(/[\r\n]/g, "").length % 4 !== 0) {
      throw new GoError(`unable to decode base64 ${what}`);
    }
    return Buffer.from(s, "base64").toString("latin1");
  };
  const cert = decode(b64cert, "certificate");
  const key = decode(b64key, "private key");
  const block = pemDecode(cert);
  if (!block) throw new GoError("unable to decode certificate");
  try {
    parseCertificate(block.bytes);
  } catch (e) {
    throw new GoError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  withKey(key, "error parsing private key", () => undefined);
  const text = (s: string) => utf8String(Uint8Array.from(s, (c) => c.charCodeAt(0)));
  return certificate(text(cert), text(key));
}

/** Go's copy(key, []byte(password)) into a 32-byte AES-256 key. */
function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(utf8Bytes(password)).copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === "") return "";
  const iv = randomBytes(16);
  const c = createCipheriv("aes-256-cbc", aesKey(password), iv);
  return Buffer.concat([iv, c.update(utf8Bytes(plaintext)), c.final()]).toString("base64");
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === "") return "";
  const compact = crypt64.replace(/[\r\n]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new GoError("illegal base64 data at input byte 0");
  }
  const crypt = Buffer.from(crypt64, "base64");
  if (crypt.length < 16) {
    const capacity = Math.floor(crypt64.length / 4) * 3;
    throw new GoError(`runtime error: slice bounds out of range [:16] with capacity ${capacity}`);
  }
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoError("crypto/cipher: input not full blocks");
  if (body.length === 0) throw new GoError("runtime error: index out of range [-1]");
  const d = createDecipheriv("aes-256-cbc", aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  const end = plain.length - plain[plain.length - 1]!;
  if (end < 0) throw new GoError(`runtime error: slice bounds out of range [:${end}]`);
  return utf8String(plain.subarray(0, end));
}

const TEMPLATES: Record<string, string[]> = {
  maximum: ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
  long: (
    "CvcvnoCvcvCvcv CvcvCvcvnoCvcv CvcvCvcvCvcvno CvccnoCvcvCvcv CvccCvcvnoCvcv CvccCvcvCvcvno CvcvnoCvccCvcv " +
    "CvcvCvccnoCvcv CvcvCvccCvcvno CvcvnoCvcvCvcc CvcvCvcvnoCvcc CvcvCvcvCvccno CvccnoCvccCvcv CvccCvccnoCvcv " +
    "CvccCvccCvcvno CvcvnoCvccCvcc CvcvCvccnoCvcc CvcvCvccCvccno CvccnoCvcvCvcc CvccCvcvnoCvcc CvccCvcvCvccno"
  ).split(" "),
  medium: ["CvcnoCvc", "CvcCvcno"],
  short: ["Cvcn"],
  basic: ["aaanaaan", "aannaaan", "aaannaaa"],
  pin: ["nnnn"],
};

const CHARS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

/** Master Password's algorithm, as Sprig implements it. */
function derivePassword(counter: bigint, type: string, password: string, user: string, site: string): string {
  const templates = TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const seedName = Buffer.from("com.lyndir.masterpassword");
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  const userBytes = Buffer.from(utf8Bytes(user));
  const siteBytes = Buffer.from(utf8Bytes(site));
  const salt = Buffer.concat([seedName, u32(userBytes.length), userBytes]);
  const scrypt = { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 };
  const key = scryptSync(Buffer.from(utf8Bytes(password)), salt, 64, scrypt);
  const data = Buffer.concat([seedName, u32(siteBytes.length), siteBytes, u32(Number(BigInt.asUintN(32, counter)))]);
  const seed = createHmac("sha256", key).update(data).digest();
  const template = templates[seed[0]! % templates.length]!;
  return Array.from(template, (element, i) => {
    const chars = CHARS[element]!;
    return chars[seed[i + 1]! % chars.length];
  }).join("");
}

function randBytes(count: bigint): string {
  if (count < 0n) throw new GoError("runtime error: makeslice: len out of range");
  return randomBytes(Number(count)).toString("base64");
}

function randIntBetween(min: bigint, max: bigint): bigint {
  const n = max - min;
  if (n <= 0n) throw new GoError("invalid argument to Intn");
  if (n <= 2n ** 47n) return BigInt(randomInt(Number(n))) + min;
  return (BigInt("0x" + randomBytes(16).toString("hex")) % n) + min;
}

export function cryptoFunctions(mode: RandomMode): Record<string, GoFunc> {
  const det = mode === "deterministic";
  const err = { returnsError: true };
  return {
    genPrivateKey: fn([S], S, (t) => (det ? "PRIVATE-KEY " + t : generatePrivateKey(t))),
    genCA: fn(
      [S, "int"],
      "interface {}",
      (cn, days) => (det ? certificate("CA-CERT " + cn, "CA-KEY " + cn) : genCA(cn, days, rsaKey(2048))),
      err,
    ),
    genCAWithKey: fn(
      [S, "int", S],
      "interface {}",
      (cn, days, k) => withKey(k, "parsing private key", (key) => genCA(cn, days, key)),
      err,
    ),
    genSelfSignedCert: fn([S, L, L, "int"], "interface {}", (cn, ips, dns, days) =>
      det ? certificate("SELF-CERT " + cn, "SELF-KEY " + cn) : genSelfSigned(cn, ips, dns, days, rsaKey(2048)), err),
    genSelfSignedCertWithKey: fn([S, L, L, "int", S], "interface {}", (cn, ips, dns, days, k) =>
      withKey(k, "parsing private key", (key) => genSelfSigned(cn, ips, dns, days, key)), err),
    genSignedCert: fn([S, L, L, "int", "interface {}"], "interface {}", (cn, ips, dns, days, ca) =>
      det
        ? certificate(`CERT ${cn} SIGNED-BY ${certificateArg(ca).Cert}`, "KEY " + cn)
        : genSigned(cn, ips, dns, days, ca, rsaKey(2048)), err),
    genSignedCertWithKey: fn([S, L, L, "int", "interface {}", S], "interface {}", (cn, ips, dns, days, ca, k) =>
      withKey(k, "parsing private key", (key) => genSigned(cn, ips, dns, days, ca, key)), err),
    buildCustomCert: fn([S, S], "interface {}", buildCustomCert, err),
    encryptAES: fn([S, S], S, encryptAES, err),
    decryptAES: fn([S, S], S, decryptAES, err),
    derivePassword: fn(["int", S, S, S, S], S, derivePassword),
    randBytes: fn(["int"], S, randBytes, err),
    randInt: fn(["int", "int"], "int", randIntBetween),
    bcrypt: fn([S], S, bcrypt),
    htpasswd: fn([S, S], S, (user, pw) => (user.includes(":") ? `invalid username: ${user}` : `${user}:${bcrypt(pw)}`)),
  };
}
