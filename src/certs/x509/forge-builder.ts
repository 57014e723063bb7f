import { type KeyObject, randomBytes, sign } from 'node:crypto';
import type forgeModule from 'node-forge';
import type { Host } from '../profile/index.js';

/** node-forge's namespace, for the modules that take it once loaded (loadForge). */
export type Forge = typeof forgeModule;

/** Loads node-forge only for the commands that build or read certificates. */
export async function loadForge(): Promise<Forge> {
  const imported = await import('node-forge');
  return (imported.default ?? imported) as Forge;
}

/**
 * A positive serial number of 127 random bits from the OS CSPRNG (RFC 5280 allows
 * 20 octets; CA/B Forum asks for at least 64 random bits). The top bit is cleared
 * so the DER INTEGER is positive, and the next one set so the encoding is always
 * 16 octets without a leading zero octet.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

export interface CertificateSpec {
  subjectPublicKeyPem: string;
  subject: forgeModule.pki.CertificateField[];
  /** Defaults to the subject: a self-signed certificate. */
  issuer?: forgeModule.pki.CertificateField[];
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: object[];
}

/**
 * Builds an X.509 v3 certificate with node-forge and signs it with Node's crypto:
 * forge's own `cert.sign()` defaults to SHA-1 and runs RSA in JavaScript (tens of
 * milliseconds for a 2048-bit key), while OpenSSL signs the same bytes in well
 * under one. The TBSCertificate is produced by forge exactly as `cert.sign()` would
 * and cached on the certificate so the PEM carries the very bytes that were signed.
 */
export function buildForgeCertificate(forge: Forge, spec: CertificateSpec): { pem: string; serialHex: string } {
  const cert = forge.pki.createCertificate();
  cert.version = 2; // v3: extensions need it
  cert.serialNumber = randomSerialHex();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.subjectPublicKeyPem);
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject(asUtf8(forge, spec.subject));
  cert.setIssuer(asUtf8(forge, spec.issuer ?? spec.subject));
  cert.setExtensions(spec.extensions);

  const sha256WithRSAEncryption = forge.pki.oids.sha256WithRSAEncryption as string;
  const mutable = cert as unknown as { signatureOid: string; siginfo: { algorithmOid: string }; tbsCertificate: unknown; signature: string };
  mutable.signatureOid = sha256WithRSAEncryption;
  mutable.siginfo.algorithmOid = sha256WithRSAEncryption;
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: typeof cert): forgeModule.asn1.Asn1 }).getTBSCertificate(cert);
  mutable.tbsCertificate = tbs;
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  // RSASSA-PKCS1-v1_5 with SHA-256: the sha256WithRSAEncryption the OID above names.
  mutable.signature = sign('sha256', tbsDer, spec.signingKey).toString('binary');
  return { pem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), serialHex: cert.serialNumber };
}

/**
 * Names as UTF8String, which RFC 5280 asks for: forge defaults to PrintableString, which
 * cannot hold '@' or '*' (a CA named after user@host, a wildcard commonName), and
 * Chromium's strict parser rejects such a certificate outright
 * (ERR_SSL_SERVER_CERT_BAD_FORMAT). A field that already says how it is encoded (an
 * issuer read back from a CA certificate) keeps its encoding, so names match byte for byte.
 */
function asUtf8(forge: Forge, fields: forgeModule.pki.CertificateField[]): forgeModule.pki.CertificateField[] {
  const utf8 = forge.asn1.Type.UTF8 as unknown as forgeModule.asn1.Class;
  return fields.map((field) => ({ valueTagClass: utf8, ...field }));
}

/** subjectAltName entries: type 2 is dNSName, type 7 is iPAddress (forge packs v4 and v6). */
export function subjectAltNames(hosts: readonly Host[]): object {
  return {
    name: 'subjectAltName',
    altNames: hosts.map((host) => (host.kind === 'ip' ? { type: 7, ip: host.value } : { type: 2, value: host.value })),
  };
}

/** The leaf profile every modern client accepts for a TLS server. */
export function serverLeafExtensions(hosts: readonly Host[]): object[] {
  return [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    subjectAltNames(hosts),
    { name: 'subjectKeyIdentifier' },
  ];
}
