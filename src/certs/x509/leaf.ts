import { type KeyObject, X509Certificate } from 'node:crypto';
import { ExitCode, H2SetupError } from '../../common/index.js';
import type { Host } from '../profile/index.js';
import { CLOCK_SKEW_MS, DAY_MS, MAX_DAYS } from '../profile/index.js';
import { buildSignedCertificate, type CertificateSigner, distinguishedName } from './certificate.js';
import { fromPem } from './der.js';
import { basicConstraints, type ExtendedKeyUsage, extendedKeyUsage, type KeyUsage, keyIdentifierOf, keyUsage, subjectAltName } from './extensions.js';
import { readCertificateFields } from './fields.js';
import { describeKey } from './keys.js';
import { OID } from './oids.js';

/**
 * The two leaf profiles h2-setup issues, for RSA and ECDSA keys alike, self-signed or
 * signed by the local CA: a TLS server's (serverAuth, the hosts in subjectAltName) and a
 * TLS client's for mutual TLS (clientAuth only, so it cannot pose as a server).
 */
export type LeafKind = 'server' | 'client';

/** The CA's certificate and key: what `loadOrCreateLocalCa()` returns has both. */
export interface CaKeyPair {
  certPem: string;
  privateKey: KeyObject;
}

export interface LeafRequest {
  kind: LeafKind;
  /** The leaf's public key (its own key pair, or the key from a certificate request). */
  publicKey: KeyObject;
  /** subjectAltName entries; a server's must not be empty. */
  hosts: readonly Host[];
  commonName: string;
  days: number;
  /** Sign with this CA; without it, self-sign with `selfSigningKey` (the leaf's private key). */
  ca?: CaKeyPair;
  selfSigningKey?: KeyObject;
  /** For tests and reproducible output; defaults to now. */
  now?: Date;
}

export interface IssuedLeaf {
  certPem: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  signatureAlgorithm: string;
  keyUsage: KeyUsage[];
  extendedKeyUsage: ExtendedKeyUsage[];
}

export const LEAF_ORGANIZATION = 'h2-setup development certificate';

/**
 * keyUsage by role and key: every TLS key signs the handshake (digitalSignature); only an
 * RSA server key can also receive the TLS 1.2 RSA key exchange (keyEncipherment). For an
 * EC key keyEncipherment is wrong (RFC 5480 3; Go's and Chromium's verifiers refuse it in
 * strict modes), and a client never decrypts anything with its key.
 */
export function leafKeyUsage(kind: LeafKind, publicKey: KeyObject): KeyUsage[] {
  return kind === 'server' && describeKey(publicKey).type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}

export function issueLeafCertificate(request: LeafRequest): IssuedLeaf {
  if (request.kind === 'server' && request.hosts.length === 0) throw new Error('a server certificate needs at least one host');
  if (!Number.isSafeInteger(request.days) || request.days < 1 || request.days > MAX_DAYS) {
    throw new Error(`days must be from 1 to ${MAX_DAYS}, got ${request.days}`);
  }
  const signer = request.ca ? caSigner(request.ca) : selfSigner(request);
  const notBefore = new Date((request.now ?? new Date()).getTime() - CLOCK_SKEW_MS);
  // Apple's 825-day limit counts notAfter - notBefore, so it is measured from the back-dated start.
  const notAfter = new Date(notBefore.getTime() + request.days * DAY_MS);
  const usages = leafKeyUsage(request.kind, request.publicKey);
  const purposes: ExtendedKeyUsage[] = [request.kind === 'server' ? 'serverAuth' : 'clientAuth'];
  const signed = buildSignedCertificate({
    subjectPublicKeyInfo: request.publicKey.export({ type: 'spki', format: 'der' }),
    subject: distinguishedName([
      [OID.commonName, request.commonName],
      [OID.organizationName, LEAF_ORGANIZATION],
    ]),
    signer,
    notBefore,
    notAfter,
    extensions: [
      basicConstraints({ ca: false }),
      keyUsage(usages),
      extendedKeyUsage(purposes),
      ...(request.hosts.length > 0 ? [subjectAltName(request.hosts)] : []),
    ],
  });
  return {
    certPem: signed.pem,
    serialHex: signed.serialHex,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    signatureAlgorithm: signed.signatureAlgorithm,
    keyUsage: usages,
    extendedKeyUsage: purposes,
  };
}

function selfSigner(request: LeafRequest): CertificateSigner {
  if (!request.selfSigningKey) throw new Error('a self-signed certificate needs the private key (selfSigningKey)');
  return { privateKey: request.selfSigningKey };
}

/**
 * The CA as a signer: its subject Name exactly as encoded in its certificate (a client
 * compares issuer and subject byte for byte) and its subjectKeyIdentifier. A CA key that
 * does not belong to its certificate would make leaves no client can verify, so it is
 * refused here rather than discovered at the first TLS handshake.
 */
export function caSigner(ca: CaKeyPair): CertificateSigner {
  const der = fromPem('CERTIFICATE', ca.certPem);
  const certificate = der && new X509Certificate(der);
  if (!der || !certificate?.checkPrivateKey(ca.privateKey)) {
    throw new H2SetupError('the local CA key does not match its certificate', { exitCode: ExitCode.failed, hint: 'remove the CA directory to make a new CA' });
  }
  const fields = readCertificateFields(der);
  return {
    privateKey: ca.privateKey,
    name: fields.subjectName,
    keyIdentifier: fields.subjectKeyIdentifier ?? keyIdentifierOf(certificate.publicKey.export({ type: 'spki', format: 'der' })),
  };
}

/**
 * The leaf's commonName. OpenSSL checks a commonName that looks like a host name
 * against a CA's dNSName constraints when the leaf has no dNSName in its
 * subjectAltName, and "127.0.0.1" looks like one: a leaf for IP addresses only, with
 * the address as its CN, fails `openssl verify` and Node's TLS under a constrained CA
 * ("permitted subtree violation"). Such a leaf gets a CN with spaces, which no client
 * takes for a host name; clients match hosts against subjectAltName only.
 */
export function leafCommonName(hosts: readonly Host[]): string {
  const first = hosts[0]?.value ?? 'localhost';
  return hosts.some((host) => host.kind === 'dns') ? first : `h2-setup certificate for ${first}`;
}
