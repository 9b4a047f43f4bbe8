import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import forge from "node-forge";

export interface TlsMaterial {
  caCertPath: string;
  caCert: string;
  /** PEM of the CA's private key: the ingress signs the Key Vault certificates it stands in for with it. */
  caKey: string;
  cert: string;
  key: string;
}

const HOSTS = ["localhost", "127.0.0.1", "::1"];

function serial(): string {
  // Positive, unique serial numbers keep browsers from refusing a re-issued certificate.
  return "01" + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

function newCa() {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const subject = [{ name: "commonName", value: "Airflow Portal Emulator Test CA" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

function newServerCert(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }) {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  // Browsers refuse leaf certificates valid for more than 398 days.
  cert.validity.notAfter = new Date(Date.now() + 390 * 24 * 3600 * 1000);
  cert.setSubject([{ name: "commonName", value: "localhost" }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: HOSTS.map((h) => (h.includes(":") || /^\d/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

/** Loads the emulator's CA and server certificate from `dir`, creating them on first start. */
export function loadOrCreateTls(dir: string): TlsMaterial {
  mkdirSync(dir, { recursive: true });
  const caCertPath = path.join(dir, "ca.pem");
  const caKeyPath = path.join(dir, "ca-key.pem");
  const certPath = path.join(dir, "server.pem");
  const keyPath = path.join(dir, "server-key.pem");

  if (!existsSync(caCertPath) || !existsSync(caKeyPath)) {
    const ca = newCa();
    writeFileSync(caKeyPath, forge.pki.privateKeyToPem(ca.key), { mode: 0o600 });
    writeFileSync(caCertPath, forge.pki.certificateToPem(ca.cert));
  }
  const caCertPem = readFileSync(caCertPath, "utf8");
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const ca = {
      cert: forge.pki.certificateFromPem(caCertPem),
      key: forge.pki.privateKeyFromPem(readFileSync(caKeyPath, "utf8")) as forge.pki.rsa.PrivateKey,
    };
    const server = newServerCert(ca);
    writeFileSync(keyPath, forge.pki.privateKeyToPem(server.key), { mode: 0o600 });
    writeFileSync(certPath, forge.pki.certificateToPem(server.cert));
  }
  return {
    caCertPath,
    caCert: caCertPem,
    caKey: readFileSync(caKeyPath, "utf8"),
    cert: readFileSync(certPath, "utf8"),
    key: readFileSync(keyPath, "utf8"),
  };
}
