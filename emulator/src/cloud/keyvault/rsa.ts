/**
 * RSA operations as Key Vault performs them: `sign` and `verify` take a digest the client computed
 * (RS256/384/512: PKCS #1 v1.5 with the hash's DigestInfo; PS256/384/512: PSS with a salt as long
 * as the hash, MGF1 with the same hash), `encrypt`/`decrypt` and `wrapKey`/`unwrapKey` RSA-OAEP
 * (SHA-1) and RSA-OAEP-256 (RSA1_5 is not emulated: Node 20 refuses PKCS #1 v1.5 decryption). Node's crypto signs messages, not digests, so the paddings are
 * applied here and the raw RSA operation is Node's.
 */
import { constants, createHash, createPrivateKey, createPublicKey, privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt, randomBytes, timingSafeEqual, type JsonWebKey, type KeyObject } from "node:crypto";

export const SIGN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] as const;
export const ENCRYPT_ALGORITHMS = ["RSA-OAEP", "RSA-OAEP-256"] as const;

const HASHES: Record<string, { hash: string; length: number; prefix: string }> = {
  "256": { hash: "sha256", length: 32, prefix: "3031300d060960864801650304020105000420" },
  "384": { hash: "sha384", length: 48, prefix: "3041300d060960864801650304020205000430" },
  "512": { hash: "sha512", length: 64, prefix: "3051300d060960864801650304020305000440" },
};

export class CryptoInputError extends Error {}

function hashOf(alg: string) {
  const h = HASHES[alg.slice(2)];
  if (!(SIGN_ALGORITHMS as readonly string[]).includes(alg) || !h) throw new CryptoInputError(`Invalid algorithm: '${alg}'.`);
  return h;
}

const modulusBits = (key: KeyObject) => key.asymmetricKeyDetails?.modulusLength ?? 0;

function mgf1(seed: Buffer, length: number, hash: string) {
  const out: Buffer[] = [];
  for (let i = 0; Buffer.concat(out).length < length; i++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    out.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 9.1.1) of a digest, salt as long as the hash. */
function pssEncode(digest: Buffer, hash: string, hLen: number, emBits: number) {
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hLen);
  const h = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const masked = mgf1(h, emLen - hLen - 1, hash).map((b, i) => b ^ (db[i] as number));
  masked[0] = (masked[0] as number) & (0xff >> (8 * emLen - emBits));
  return Buffer.concat([masked, h, Buffer.from([0xbc])]);
}

/** EMSA-PSS-VERIFY (RFC 8017 9.1.2). */
function pssVerify(digest: Buffer, em: Buffer, hash: string, hLen: number, emBits: number) {
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const masked = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const db = mgf1(h, emLen - hLen - 1, hash).map((b, i) => b ^ (masked[i] as number));
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  const ps = db.subarray(0, emLen - 2 * hLen - 2);
  if (ps.some((b) => b !== 0) || db[emLen - 2 * hLen - 2] !== 1) return false;
  const salt = db.subarray(db.length - hLen);
  const expected = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  return timingSafeEqual(expected, h);
}

/** The signature of `digest` with the private key, as Key Vault's `sign` answers it. */
export function signDigest(privateJwk: JsonWebKey, alg: string, digest: Buffer): Buffer {
  const { hash, length, prefix } = hashOf(alg);
  if (digest.length !== length) throw new CryptoInputError(`Invalid length of digest: ${alg} takes a digest of ${length} bytes, not ${digest.length}.`);
  const key = createPrivateKey({ key: privateJwk, format: "jwk" });
  if (alg.startsWith("RS")) return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(prefix, "hex"), digest]));
  const bits = modulusBits(key);
  const em = pssEncode(digest, hash, length, bits - 1);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(bits / 8 - em.length), em]));
}

/** Whether `signature` is the key's over `digest`. */
export function verifyDigest(publicJwk: JsonWebKey, alg: string, digest: Buffer, signature: Buffer): boolean {
  const { hash, length, prefix } = hashOf(alg);
  if (digest.length !== length) return false;
  const key = createPublicKey({ key: publicJwk, format: "jwk" });
  const bits = modulusBits(key);
  if (signature.length !== bits / 8) return false;
  try {
    if (alg.startsWith("RS")) {
      const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
      const expected = Buffer.concat([Buffer.from(prefix, "hex"), digest]);
      return recovered.length === expected.length && timingSafeEqual(recovered, expected);
    }
    const raw = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
    const emLen = Math.ceil((bits - 1) / 8);
    return pssVerify(digest, raw.subarray(raw.length - emLen), hash, length, bits - 1);
  } catch {
    return false;
  }
}

function padding(alg: string) {
  if (alg === "RSA-OAEP") return { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" };
  if (alg === "RSA-OAEP-256") return { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" };
  throw new CryptoInputError(`Invalid algorithm: '${alg}'.`);
}

export function encrypt(publicJwk: JsonWebKey, alg: string, plaintext: Buffer): Buffer {
  return publicEncrypt({ key: createPublicKey({ key: publicJwk, format: "jwk" }), ...padding(alg) }, plaintext);
}

export function decrypt(privateJwk: JsonWebKey, alg: string, ciphertext: Buffer): Buffer {
  const options = padding(alg);
  try {
    return privateDecrypt({ key: createPrivateKey({ key: privateJwk, format: "jwk" }), ...options }, ciphertext);
  } catch {
    throw new CryptoInputError("The ciphertext could not be decrypted with this key and algorithm.");
  }
}

/** The public half of an RSA private JWK. */
export const publicPart = (jwk: JsonWebKey): JsonWebKey => ({ kty: jwk.kty, n: jwk.n, e: jwk.e });
