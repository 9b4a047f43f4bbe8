import { X509Certificate, createPrivateKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sprigFunctions } from ".";
import { callSprig } from "./test-support";
import { GoStruct, type GoValue } from "../value";

const real = sprigFunctions({ random: "crypto" });
const fixed = sprigFunctions({ random: "deterministic" });
const call = (name: string, ...args: GoValue[]) => real[name]!.call(...args);

function cert(v: GoValue): { Cert: string; Key: string } {
  expect(v).toBeInstanceOf(GoStruct);
  const s = v as GoStruct;
  expect(s.typeName).toBe("sprig.certificate");
  return { Cert: s.fields.Cert as string, Key: s.fields.Key as string };
}

describe("deterministic mode", () => {
  it("gives the fixed stand-ins of the conformance reference", () => {
    const f = (name: string, ...args: GoValue[]) => fixed[name]!.call(...args);
    expect(f("randAlphaNum", 70n)).toBe(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
    );
    expect(f("randAlpha", 3n)).toBe("ABC");
    expect(f("randNumeric", 12n)).toBe("012345678901");
    expect(f("randAscii", 96n)).toBe(
      "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~!\"",
    );
    expect(f("randAlphaNum", -1n)).toBe("");
    expect(f("shuffle", "abc")).toBe("abc");
    expect(f("uuidv4")).toBe("00000000-0000-4000-8000-000000000000");
    expect(f("genPrivateKey", "ecdsa")).toBe("PRIVATE-KEY ecdsa");
    const ca = f("genCA", "my-ca", 365n);
    expect(cert(ca)).toEqual({ Cert: "CA-CERT my-ca", Key: "CA-KEY my-ca" });
    expect(cert(f("genSignedCert", "svc", null, null, 30n, ca))).toEqual({
      Cert: "CERT svc SIGNED-BY CA-CERT my-ca",
      Key: "KEY svc",
    });
    expect(cert(f("genSelfSignedCert", "me", null, null, 1n))).toEqual({ Cert: "SELF-CERT me", Key: "SELF-KEY me" });
  });
});

describe("crypto mode", () => {
  it("draws random strings from goutils' character sets", () => {
    expect(call("randAlphaNum", 200n)).toMatch(/^[A-Za-z0-9]{200}$/);
    expect(call("randAlpha", 50n)).toMatch(/^[A-Za-z]{50}$/);
    expect(call("randNumeric", 50n)).toMatch(/^[0-9]{50}$/);
    expect(call("randAscii", 50n)).toMatch(/^[ -~]{50}$/);
    expect(call("uuidv4")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...(call("shuffle", "aabbc") as string)].sort().join("")).toBe("aabbc");
  });

  it("makes a CA and a certificate it signs, laid out as Go's x509 does", () => {
    const ca = cert(call("genCA", "my-ca", 365n));
    const caStruct = new GoStruct("sprig.certificate", ca);
    const leaf = cert(call("genSignedCert", "leaf", null, null, 1n, caStruct));
    const signed = cert(call("genSignedCert", "svc", ["10.0.0.1", "::ffff:1.2.3.4"], ["a.example"], 30n, caStruct));
    const caX = new X509Certificate(ca.Cert);
    const leafX = new X509Certificate(signed.Cert);
    expect(caX.subject).toBe("CN=my-ca");
    expect(caX.ca).toBe(true);
    expect(leafX.ca).toBe(false);
    expect(leafX.issuer).toBe("CN=my-ca");
    expect(leafX.verify(caX.publicKey)).toBe(true);
    expect(leafX.checkIssued(caX)).toBe(true);
    expect(leafX.subjectAltName).toBe("DNS:a.example, IP Address:10.0.0.1, IP Address:1.2.3.4");
    const days = (Date.parse(leafX.validTo) - Date.parse(leafX.validFrom)) / 86_400_000;
    expect(days).toBe(30);
    expect(ca.Key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(leaf.Key).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert(call("genSelfSignedCert", "me", null, null, 1n)).Cert).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it("signs with a given key, and rebuilds a certificate from base64", () => {
    const key = call("genPrivateKey", "ecdsa") as string;
    expect(key).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    const ca = cert(call("genCAWithKey", "ec-ca", 5n, key));
    expect(new X509Certificate(ca.Cert).publicKey.asymmetricKeyType).toBe("ec");
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    expect(cert(call("buildCustomCert", b64(ca.Cert), b64(ca.Key)))).toEqual(ca);
    expect(call("genPrivateKey", "ed25519")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(call("genPrivateKey", "nope")).toBe("Unknown type nope");
  });

  it("reports Go's errors", () => {
    const ca = real.genCA!.call("ca", 1n);
    const cases: [string, GoValue[], string][] = [
      ["genSignedCert", ["x", [1n], null, 1n, ca], "error parsing ip: 1 is not a string"],
      ["genSignedCert", ["x", ["1.2.3.04"], null, 1n, ca], "error parsing ip: 1.2.3.04"],
      ["genSignedCert", ["x", null, [2n], 1n, ca], "error processing alternate dns name: 2 is not a string"],
      ["genCAWithKey", ["x", 1n, "junk"], "parsing private key: no PEM data in input"],
      ["buildCustomCert", ["x", "y"], "unable to decode base64 certificate"],
      ["buildCustomCert", ["eA==", "eQ=="], "unable to decode certificate"],
      ["randInt", [5n, 5n], "invalid argument to Intn"],
      ["randBytes", [-1n], "runtime error: makeslice: len out of range"],
    ];
    for (const [name, args, message] of cases) expect(callSprig(name, args, "crypto")).toBe("ERR: " + message);
  });
});

describe("bcrypt", () => {
  it("hashes as golang.org/x/crypto/bcrypt does", async () => {
    const { bcryptHash } = await import("./bcrypt");
    expect(bcryptHash("secret", 10, "wHRCsIELOalG/PlVpxQAj.")).toBe(
      "$2a$10$wHRCsIELOalG/PlVpxQAj.sqp7gSk9Y3MsEYmb4y6425SSZQQTAPG",
    );
    // Only the first 72 bytes (with the trailing NUL) count.
    expect(bcryptHash("0123456789".repeat(7) + "012", 10, "o6Hibd4GUnweUmQwfoAjbe")).toBe(
      "$2a$10$o6Hibd4GUnweUmQwfoAjbeLlE9GSrMZEh0Q46voRSeAEliMpXtmlC",
    );
    expect(call("htpasswd", "user", "pw")).toMatch(/^user:\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(call("htpasswd", "us:er", "pw")).toBe("invalid username: us:er");
  });
});

describe("AES and derivePassword", () => {
  it("decrypts what Go's encryptAES produced, and round-trips", () => {
    expect(call("decryptAES", "secretkey", "0n++ZcqK0hSAcnMoGe9WpJXO8KlgeoXNl4bMOUBRUcA=")).toBe("plaintext");
    expect(call("decryptAES", "pw", call("encryptAES", "pw", "h\u00e9llo"))).toBe("h\u00e9llo");
    expect(call("encryptAES", "pw", "")).toBe("");
    expect(callSprig("decryptAES", ["secretkey", "YQ=="])).toBe(
      "ERR: runtime error: slice bounds out of range [:16] with capacity 3",
    );
    expect(callSprig("decryptAES", ["k", "!!!"])).toBe("ERR: illegal base64 data at input byte 0");
    expect(callSprig("decryptAES", ["k", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])).toBe(
      "ERR: crypto/cipher: input not full blocks",
    );
    expect(callSprig("decryptAES", ["k", "AAAAAAAAAAAAAAAAAAAAAA=="])).toBe(
      "ERR: runtime error: index out of range [-1]",
    );
  });

  it("derives Master Password passwords as Go does", () => {
    expect(call("derivePassword", 1n, "long", "password", "user", "example.com")).toBe("ZedaFaxcZaso9*");
    expect(call("derivePassword", 3n, "maximum", "p\u00e4ssword", "\u00fcser", "site")).toBe("m5])PEypj5jh2YRFqmMv");
    expect(call("derivePassword", 1n, "pin", "p", "u", "s")).toBe("2461");
    expect(call("derivePassword", 1n, "nope", "p", "u", "s")).toBe("cannot find password template nope");
  });
});
