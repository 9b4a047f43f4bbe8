/**
 * Certificates as Go's crypto/x509.CreateCertificate writes them for Sprig's gen* functions:
 * v3, a random 128-bit serial, CN-only names, key usage, server/client auth, basic constraints,
 * a SHA-1 subject key id on CAs, the CA's key id as authority key id, and IP/DNS alt names.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from "node:crypto";
import * as der from "./der";
import { GoError } from "./func";

export interface CertTemplate {
  cn: string;
  ips: Uint8Array[];
  dnsNames: string[];
  daysValid: bigint;
  isCA: boolean;
}

export interface Parent {
  subject: der.Der;
  subjectKeyId?: der.Der;
}

const OID = {
  cn: "2.5.4.3",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  basicConstraints: "2.5.29.19",
  subjectKeyId: "2.5.29.14",
  authorityKeyId: "2.5.29.35",
  san: "2.5.29.17",
};

export function nameDer(cn: string): der.Der {
  return der.seq(der.set(der.seq(der.oid(OID.cn), der.goString(cn))));
}

function extension(id: string, critical: boolean, value: der.Der): der.Der {
  return der.seq(der.oid(id), ...(critical ? [der.bool(true)] : []), der.octets(value));
}

/** The signature algorithm Go picks for a signing key. */
function signatureAlgorithm(key: KeyObject): { id: der.Der; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { id: der.seq(der.oid("1.2.840.113549.1.1.11"), der.nullValue()), hash: "sha256" };
    case "ec": {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const [oid, hash] =
        curve === "secp384r1"
          ? ["1.2.840.10045.4.3.3", "sha384"]
          : curve === "secp521r1"
            ? ["1.2.840.10045.4.3.4", "sha512"]
            : ["1.2.840.10045.4.3.2", "sha256"];
      return { id: der.seq(der.oid(oid)), hash };
    }
    case "ed25519":
      return { id: der.seq(der.oid("1.3.101.112")), hash: null };
    default:
      throw new GoError("error creating certificate: x509: certificate private key does not implement crypto.Signer");
  }
}

function pem(type: string, body: der.Der): string {
  const b64 = Buffer.from(body).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${type}-----\n`;
}

/** The first PEM block in text, as Go's pem.Decode finds it. */
export function pemDecode(text: string): { type: string; bytes: der.Der } | undefined {
  const m = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const body = m[2]!.split(/\r?\n/).filter((line) => !line.includes(":")).join("");
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) return undefined;
  return { type: m[1]!, bytes: Uint8Array.from(Buffer.from(body.replace(/\s/g, ""), "base64")) };
}

/** Go's PEM form of a private key (pemBlockForKey). */
export function keyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return key.export({ type: "pkcs1", format: "pem" }).toString();
    case "ec":
      return key.export({ type: "sec1", format: "pem" }).toString();
    default:
      return key.export({ type: "pkcs8", format: "pem" }).toString();
  }
}

/** Sprig's parsePrivateKeyPEM. */
export function parsePrivateKeyPem(text: string): KeyObject {
  const block = pemDecode(text);
  if (!block) throw new GoError("no PEM data in input");
  const load = (type: "pkcs1" | "sec1" | "pkcs8", what: string) => {
    try {
      return createPrivateKey({ key: Buffer.from(block.bytes), format: "der", type });
    } catch {
      throw new GoError(`${what}: x509: malformed private key`);
    }
  };
  if (block.type === "PRIVATE KEY") return load("pkcs8", "decoding PEM as PKCS#8");
  if (!block.type.endsWith(" PRIVATE KEY")) throw new GoError(`no private key data in PEM block of type ${block.type}`);
  const kind = block.type.slice(0, -12);
  if (kind === "RSA") return load("pkcs1", "parsing RSA private key from PEM");
  if (kind === "EC") return load("sec1", "parsing EC private key from PEM");
  throw new GoError(`invalid private key type ${block.type}`);
}

/** x509.ParseCertificate, reduced to what signing needs: the subject and the key id. */
export function parseCertificate(bytes: der.Der): Parent {
  try {
    const [tbs] = der.children(der.read(bytes));
    const fields = der.children(tbs!);
    const rest = fields[0]!.tag === 0xa0 ? fields.slice(1) : fields;
    const subject = rest[4]!.raw;
    let subjectKeyId: der.Der | undefined;
    const exts = rest.find((f) => f.tag === 0xa3);
    for (const ext of exts ? der.children(der.children(exts)[0]!) : []) {
      const parts = der.children(ext);
      if (Buffer.from(parts[0]!.raw).equals(Buffer.from(der.oid(OID.subjectKeyId)))) {
        subjectKeyId = der.read(parts[parts.length - 1]!.content).content;
      }
    }
    return { subject: Uint8Array.from(subject), subjectKeyId };
  } catch {
    throw new GoError("x509: malformed certificate");
  }
}

function keyUsage(isCA: boolean): der.Der {
  // digitalSignature | keyEncipherment (| keyCertSign), written as Go's minimal BIT STRING.
  return isCA ? der.bitString(Uint8Array.of(0xa4), 2) : der.bitString(Uint8Array.of(0xa0), 5);
}

/** Builds, signs and PEM-encodes a certificate for the signee's public key. */
export function createCertificate(
  t: CertTemplate,
  signee: KeyObject,
  parent: Parent | "self",
  signer: KeyObject,
): string {
  const spki = createPublicKey(signee).export({ type: "spki", format: "der" });
  const spkiDer = Uint8Array.from(spki);
  const publicKeyBits = der.children(der.read(spkiDer))[1]!.content.subarray(1);
  const subject = nameDer(t.cn);
  const issuer = parent === "self" ? subject : parent.subject;
  const alg = signatureAlgorithm(signer);
  const exts: der.Der[] = [
    extension(OID.keyUsage, true, keyUsage(t.isCA)),
    extension(OID.extKeyUsage, false, der.seq(der.oid("1.3.6.1.5.5.7.3.1"), der.oid("1.3.6.1.5.5.7.3.2"))),
    extension(OID.basicConstraints, true, t.isCA ? der.seq(der.bool(true)) : der.seq()),
  ];
  if (t.isCA) {
    const keyId = createHash("sha1").update(publicKeyBits).digest();
    exts.push(extension(OID.subjectKeyId, false, der.octets(keyId)));
  }
  const sameName = Buffer.from(issuer).equals(Buffer.from(subject));
  if (parent !== "self" && !sameName && parent.subjectKeyId?.length) {
    exts.push(extension(OID.authorityKeyId, false, der.seq(der.implicit(0, parent.subjectKeyId))));
  }
  if (t.ips.length || t.dnsNames.length) {
    const dns = t.dnsNames.map((n) => der.implicit(2, Uint8Array.from(Buffer.from(n, "utf8"))));
    const names = [...dns, ...t.ips.map((ip) => der.implicit(7, ip))];
    exts.push(extension(OID.san, false, der.seq(...names)));
  }
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + Number(t.daysValid) * 86_400_000);
  const tbs = der.seq(
    der.explicit(0, der.integer(2n)),
    der.integer(BigInt("0x" + randomBytes(16).toString("hex"))),
    alg.id,
    issuer,
    der.seq(der.time(now), der.time(notAfter)),
    subject,
    spkiDer,
    der.explicit(3, der.seq(...exts)),
  );
  const signature = sign(alg.hash, tbs, signer);
  return pem("CERTIFICATE", der.seq(tbs, alg.id, der.bitString(Uint8Array.from(signature))));
}

/** net.ParseIP, as the 4 or 16 bytes Go puts in a certificate; undefined when invalid. */
export function parseIP(s: string): Uint8Array | undefined {
  if (s.includes(".") && !s.includes(":")) return parseIPv4(s);
  if (!s.includes(":")) return undefined;
  const v6 = parseIPv6(s);
  if (v6 && v6.subarray(0, 10).every((x) => x === 0) && v6[10] === 0xff && v6[11] === 0xff) return v6.subarray(12);
  return v6;
}

function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === "0") || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseIPv6(s: string): Uint8Array | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  // Hex groups, the last one of the address possibly an embedded IPv4 address.
  const words = (h: string, last: boolean): number[] | undefined => {
    if (h === "") return [];
    const groups = h.split(":");
    const out: number[] = [];
    for (const [k, g] of groups.entries()) {
      if (g.includes(".")) {
        const v4 = last && k === groups.length - 1 ? parseIPv4(g) : undefined;
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]+$/.test(g) && parseInt(g, 16) <= 0xffff) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? words(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return undefined;
  const all = [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const ip = new Uint8Array(16);
  all.forEach((w, i) => {
    ip[2 * i] = w >> 8;
    ip[2 * i + 1] = w & 0xff;
  });
  return ip;
}
