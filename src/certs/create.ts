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
import { leafCommonName } from './ca/index.js';
import { type Host, type KeyBits, MAX_CERTIFICATE_BYTES, parseBits, parseDays, parseHosts } from './profile/index.js';
import type { ExtendedKeyUsage, KeyUsage } from './x509/index.js';
import {
  describeKey,
  generateEcdsaKeyPair,
  type IssuedLeaf,
  issueLeafCertificate,
  type KeyType,
  type LeafKind,
  privateKeyToPem,
  startRsaKeyGeneration,
} from './x509/index.js';

export const KEY_TYPES = ['rsa', 'ecdsa'] as const;

/** --key-type: rsa or ecdsa (ec accepted as another name for ecdsa). */
export function parseKeyType(raw: string | undefined): KeyType {
  if (raw === undefined) return 'rsa';
  const value = raw.trim().toLowerCase();
  if (value === 'rsa') return 'rsa';
  if (value === 'ecdsa' || value === 'ec') return 'ecdsa';
  throw usageError(`--key-type ${JSON.stringify(raw)} is not allowed; expected rsa or ecdsa`);
}

/** What a pair is made of once every flag has been checked. */
export interface PairSpec {
  kind: LeafKind;
  keyType: KeyType;
  bits: KeyBits;
  /** A server's names (never empty); a client's (may be empty: then CN=user@host, no subjectAltName). */
  hosts: Host[];
  days: number;
  ca: boolean;
}

/**
 * Checks the pair's flags with the flags' own messages: --bits is RSA-only, --client means
 * --ca, and a client without --host has no names (parseHosts would give the server's defaults).
 */
export function pairSpecOf(options: {
  hosts?: readonly string[];
  days?: string | number;
  keyType?: string;
  bits?: string | number;
  ca?: boolean;
  client?: boolean;
}): PairSpec {
  const keyType = parseKeyType(options.keyType);
  if (keyType === 'ecdsa' && options.bits !== undefined) throw usageError('--bits is for RSA keys; an ECDSA key is P-256');
  const client = options.client === true;
  const hostsGiven = options.hosts !== undefined && options.hosts.length > 0;
  return {
    kind: client ? 'client' : 'server',
    keyType,
    bits: parseBits(options.bits),
    hosts: client && !hostsGiven ? [] : parseHosts(options.hosts),
    days: parseDays(options.days),
    ca: client || options.ca === true,
  };
}

export interface MadePair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  leaf: IssuedLeaf;
  commonName: string;
  /** The local CA that signed it, when spec.ca. */
  localCa?: LocalCa;
}

/** Makes the key, (with ca) loads or creates the local CA meanwhile, and issues the leaf. */
export async function makePair(spec: PairSpec): Promise<MadePair> {
  // Start OpenSSL's RSA prime search first; the local CA is loaded (or made) while it runs.
  const keyPairPromise = spec.keyType === 'ecdsa' ? Promise.resolve(generateEcdsaKeyPair()) : startRsaKeyGeneration(spec.bits);
  const localCa = spec.ca ? await loadLocalCa() : undefined;
  const { privateKey, publicKey } = await keyPairPromise;
  const commonName = spec.kind === 'client' ? (spec.hosts[0]?.value ?? userAtHost()) : leafCommonName(spec.hosts);
  const leaf = issueLeafCertificate({
    kind: spec.kind,
    publicKey,
    hosts: spec.hosts,
    commonName,
    days: spec.days,
    ...(localCa ? { ca: localCa } : { selfSigningKey: privateKey }),
  });
  checkCertificateSize(leaf.certPem, spec.hosts.length);
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

/** The library's options: the `certs` flags in camelCase, with their real types. */
export interface CreateCertificateOptions {
  /** DNS names and IP addresses (default localhost, 127.0.0.1, ::1; none for a client). */
  hosts?: string[];
  /** 1 to 825 (default 365). */
  days?: number;
  /** Default 'rsa'. */
  keyType?: 'rsa' | 'ecdsa';
  /** RSA only (default 2048). */
  bits?: 2048 | 3072 | 4096;
  /** Sign with the local development CA (created on first use in H2_SETUP_CAROOT). */
  ca?: boolean;
  /** A client certificate for mutual TLS (implies ca). */
  client?: boolean;
}

export interface CreatedCertificate {
  /** PKCS#8 PEM: keep it to yourself. */
  key: string;
  cert: string;
  /** The local CA's certificate (PEM), when signed by it: what the other side passes as `ca`. */
  ca?: string;
  kind: LeafKind;
  keyType: KeyType;
  curve?: string;
  bits: number;
  hosts: Host[];
  commonName: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  days: number;
  fingerprintSha256: string;
  signatureAlgorithm: string;
  keyUsage: KeyUsage[];
  extendedKeyUsage: ExtendedKeyUsage[];
}

/** What --json and the library say about a made pair's key and certificate. */
export function pairSummary(spec: PairSpec, made: MadePair) {
  const key = describeKey(made.publicKey);
  return {
    kind: spec.kind,
    keyType: spec.keyType,
    ...(key.type === 'ecdsa' && 'curve' in key ? { curve: key.curve } : {}),
    bits: key.bits ?? spec.bits,
    keyLabel: key.label,
    hosts: spec.hosts,
    commonName: made.commonName,
    serial: made.leaf.serialHex,
    notBefore: made.leaf.notBefore,
    notAfter: made.leaf.notAfter,
    days: spec.days,
    fingerprintSha256: new X509Certificate(made.leaf.certPem).fingerprint256,
    signatureAlgorithm: made.leaf.signatureAlgorithm,
    keyUsage: made.leaf.keyUsage,
    extendedKeyUsage: made.leaf.extendedKeyUsage,
  };
}

/**
 * A key and a certificate as PEM text, written nowhere. With `ca` (or `client`) the local CA
 * is used, and created on first use in its per-user directory like `h2-setup certs --ca`.
 */
export async function createCertificate(options: CreateCertificateOptions = {}): Promise<CreatedCertificate> {
  const spec = pairSpecOf(options);
  const made = await makePair(spec);
  const { keyLabel: _label, ...summary } = pairSummary(spec, made);
  return {
    key: privateKeyToPem(made.privateKey),
    cert: made.leaf.certPem,
    ...(made.localCa ? { ca: made.localCa.certPem } : {}),
    ...summary,
  };
}
