import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";
import type { Store } from "../store.js";

/** A certificate the ingress serves, persisted so its dates (and the portal's view of its expiry) hold across restarts. */
export interface IngressCertificate {
  cert: string;
  key: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
}

const DAY = 24 * 3600 * 1000;
/** ingress-nginx's default certificate, served for any host it has no certificate for. */
export const FAKE_CERTIFICATE_CN = "Kubernetes Ingress Controller Fake Certificate";

function keyPair() {
  // Node's key generation is far quicker than forge's pure-JS one.
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey, privatePem: privateKey };
}

function issue(subject: forge.pki.CertificateField[], dnsNames: string[], days: number, issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }): IngressCertificate {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * DAY);
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: dnsNames.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(issuer ? issuer.key : keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.privatePem, notBefore: cert.validity.notBefore.toISOString(), notAfter: cert.validity.notAfter.toISOString(), dnsNames };
}

/**
 * The certificates the add-on's NGINX serves: per Key Vault certificate URI, a wildcard
 * certificate signed by the emulator's CA (issued once, valid 365 days, kept in the state), and
 * NGINX's self-signed fake certificate for everything else.
 */
export class IngressCertificates {
  private ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | undefined;

  constructor(
    private readonly store: Store,
    private readonly caCert: string,
    private readonly caKey: string,
  ) {}

  private issuer() {
    this.ca ??= { cert: forge.pki.certificateFromPem(this.caCert), key: forge.pki.privateKeyFromPem(this.caKey) as forge.pki.rsa.PrivateKey };
    return this.ca;
  }

  private get saved() {
    return (this.store.state.ingressCertificates ??= {});
  }

  /** What the Key Vault certificate at `uri` is: `*.<zone>` and `<zone>`, issued on first use. */
  keyVault(uri: string, zone: string): IngressCertificate {
    const key = uri.replace(/\/+$/, "").toLowerCase();
    const existing = this.saved[key];
    if (existing && Date.parse(existing.notAfter) > Date.now()) return existing;
    const made = issue([{ name: "commonName", value: `*.${zone}` }], [`*.${zone}`, zone], 365, this.issuer());
    this.saved[key] = made;
    this.store.changed();
    return made;
  }

  fake(): IngressCertificate {
    const existing = this.saved["#fake"];
    if (existing && Date.parse(existing.notAfter) > Date.now()) return existing;
    const made = issue([{ name: "organizationName", value: "Acme Co" }, { name: "commonName", value: FAKE_CERTIFICATE_CN }], ["ingress.local"], 365);
    this.saved["#fake"] = made;
    this.store.changed();
    return made;
  }

  /** The certificate a Key Vault URI stands for, without issuing one. */
  peek(uri: string): IngressCertificate | undefined {
    return this.saved[uri.replace(/\/+$/, "").toLowerCase()];
  }
}
