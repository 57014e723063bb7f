/**
 * The one way h2-setup makes a key and a certificate, in memory: RSA or ECDSA P-256, a
 * server's or a client's (mutual TLS), self-signed or signed by the local CA. `certs`
 * writes what this returns; `createCertificate` hands it to a library caller as PEM text.
 * The CA modules load only for a CA-signed pair; the self-signed path (the fast one, see
 * bench/ecdsa.mjs) needs only x509/ and node-forge's ASN.1 codec.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { usageError } from '../common/index.js';
import { userAtHost } from '../system/index.js';
import type { LocalCa } from './ca/index.js';
import { MAX_CERTIFICATE_BYTES } from './profile/index.js';
import { type CreateCertificateOptions, type PairRequest, type PairSummary, pairSummary, parsePairRequest } from './request.js';
// x509's parts, not its index.ts, which would also load the CSR and PKCS#12 code (see generate.ts).
import { generateEcdsaKeyPair, privateKeyToPem, startRsaKeyGeneration } from './x509/keys.js';
import { type IssuedLeaf, issueLeafCertificate, leafCommonName } from './x509/leaf.js';

export interface MadePair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  leaf: IssuedLeaf;
  commonName: string;
  /** The local CA that signed it, when request.ca. */
  localCa?: LocalCa;
}

/** Makes the key, (with ca) loads or creates the local CA meanwhile, and issues the leaf. */
export async function makePair(request: PairRequest): Promise<MadePair> {
  // Start OpenSSL's RSA prime search first; the local CA is loaded (or made) while it runs.
  const keyPairPromise = request.keyType === 'ecdsa' ? Promise.resolve(generateEcdsaKeyPair()) : startRsaKeyGeneration(request.bits);
  const localCa = request.ca ? await loadLocalCa() : undefined;
  const { privateKey, publicKey } = await keyPairPromise;
  const commonName = request.kind === 'client' ? (request.hosts[0]?.value ?? userAtHost()) : leafCommonName(request.hosts);
  const leaf = issueLeafCertificate({
    kind: request.kind,
    publicKey,
    hosts: request.hosts,
    commonName,
    days: request.days,
    ...(localCa ? { ca: localCa } : { selfSigningKey: privateKey }),
  });
  checkCertificateSize(leaf.certPem, request.hosts.length);
  return { privateKey, publicKey, leaf, commonName, ...(localCa ? { localCa } : {}) };
}

async function loadLocalCa(): Promise<LocalCa> {
  const { loadOrCreateLocalCa } = await import('./ca/index.js');
  return loadOrCreateLocalCa();
}

/** TLS clients built on OpenSSL refuse a certificate message over 100 KiB. */
export function checkCertificateSize(certPem: string, hostCount: number): void {
  const size = new X509Certificate(certPem).raw.length;
  if (size > MAX_CERTIFICATE_BYTES) {
    throw usageError(
      `the certificate for ${hostCount} hosts would be ${size} bytes; TLS clients refuse one over ${MAX_CERTIFICATE_BYTES} bytes: expected fewer or shorter --host names`,
    );
  }
}

export interface CreatedCertificate extends Omit<PairSummary, 'keyLabel'> {
  /** PKCS#8 PEM: keep it to yourself. */
  key: string;
  cert: string;
  /** The local CA's certificate (PEM), when signed by it: what the other side passes as `ca`. */
  ca?: string;
}

/**
 * A key and a certificate as PEM text, written nowhere. With `ca` (or `client`) the local CA
 * is used, and created on first use in its per-user directory like `h2-setup certs --ca`.
 */
export async function createCertificate(options: CreateCertificateOptions = {}): Promise<CreatedCertificate> {
  const request = parsePairRequest(options);
  const made = await makePair(request);
  const { keyLabel: _label, ...summary } = pairSummary(request.kind, made.publicKey, made.leaf, request.hosts, made.commonName, request.days);
  return {
    key: privateKeyToPem(made.privateKey),
    cert: made.leaf.certPem,
    ...(made.localCa ? { ca: made.localCa.certPem } : {}),
    ...summary,
  };
}
