import { createHash, generateKeyPairSync, sign, verify, constants, type JsonWebKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CryptoInputError, decrypt, encrypt, publicPart, signDigest, verifyDigest } from "./rsa.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateJwk = privateKey.export({ format: "jwk" }) as JsonWebKey;
const publicJwk = publicPart(privateJwk);
const message = Buffer.from("what the task signs");

describe("signing a digest", () => {
  for (const [alg, hash] of [["RS256", "sha256"], ["RS384", "sha384"], ["RS512", "sha512"], ["PS256", "sha256"], ["PS512", "sha512"]] as const) {
    it(`${alg} gives what Node's crypto verifies over the message, and verifies Node's signature`, () => {
      const digest = createHash(hash).update(message).digest();
      const pss = alg.startsWith("PS") ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length } : {};
      const signature = signDigest(privateJwk, alg, digest);
      expect(verify(hash, message, { key: publicKey, ...pss }, signature)).toBe(true);
      expect(verify(hash, Buffer.from("something else"), { key: publicKey, ...pss }, signature)).toBe(false);
      const theirs = sign(hash, message, { key: privateKey, ...pss });
      expect(verifyDigest(publicJwk, alg, digest, theirs)).toBe(true);
      expect(verifyDigest(publicJwk, alg, createHash(hash).update("other").digest(), theirs)).toBe(false);
    });
  }

  it("refuses a digest of the wrong length and an unknown algorithm", () => {
    expect(() => signDigest(privateJwk, "RS256", Buffer.alloc(20))).toThrow(CryptoInputError);
    expect(() => signDigest(privateJwk, "ES256", Buffer.alloc(32))).toThrow(CryptoInputError);
  });
});

describe("encryption", () => {
  it("round-trips with each algorithm, and the public part has no private member", () => {
    expect(() => encrypt(publicJwk, "RSA1_5", message)).toThrow(CryptoInputError);
    for (const alg of ["RSA-OAEP", "RSA-OAEP-256"]) expect(decrypt(privateJwk, alg, encrypt(publicJwk, alg, message)).toString()).toBe(message.toString());
    expect(Object.keys(publicJwk).sort()).toEqual(["e", "kty", "n"]);
  });
});
