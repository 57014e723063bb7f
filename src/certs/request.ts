/**
 * One request for a pair, from the flags to the certificate builder. CertsOptions is what a
 * caller gives (the `certs` flags in camelCase: the library's typed options, or the flags'
 * own text); parsePairRequest checks each value once, with the flags' own messages, into
 * the PairRequest that the key and the leaf are made from; pairSummary is what --json and
 * the library say about the result.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { usageError } from '../common/index.js';
import { type Host, type KeyBits, type KeyType, parseBits, parseDays, parseHosts, parseKeyType } from './profile/index.js';
// x509's parts, not its index.ts (see generate.ts).
import type { ExtendedKeyUsage, KeyUsage } from './x509/extensions.js';
import { describeKey } from './x509/keys.js';
import type { IssuedLeaf, LeafKind } from './x509/leaf.js';

/** The library's options: the `certs` flags in camelCase, with their real types. */
export interface WriteCertificatesOptions {
  /** Where to write (created when missing); default the current directory. */
  outDir?: string;
  /** DNS names and IP addresses to cover; default localhost, 127.0.0.1, ::1 (none for a client). */
  hosts?: string[];
  /** 1 to 825; default 365. */
  days?: number;
  /** Default 'rsa'. */
  keyType?: 'rsa' | 'ecdsa';
  /** RSA only; default 2048. */
  bits?: 2048 | 3072 | 4096;
  /** The key's file name, relative to outDir; default private-key.pem (client-key.pem with client). */
  key?: string;
  /** The certificate's file name, relative to outDir; default public-cert.pem (client-cert.pem with client). */
  cert?: string;
  /** Replace existing files (never done without it). */
  force?: boolean;
  /** Sign with the local development CA (created on first use) and write ca-cert.pem beside the pair. */
  ca?: boolean;
  /** A client certificate for mutual TLS (implies ca). */
  client?: boolean;
  /** Sign this certificate request (a PEM file) with the local CA instead of making a key (implies ca). */
  csr?: string;
  /** Also write bundle.p12; its password comes from p12Password or H2_SETUP_P12_PASSWORD. */
  p12?: boolean;
  /** The PKCS#12 password (there is no default password). */
  p12Password?: string;
}

/** createCertificate() makes a pair in memory: the options that shape the pair, not the files. */
/** The `certs` options as given: the library's, or the flags, which arrive as text. Both go
 *  through the same parsers, so both refuse the same values in the same words. */
export type CertsOptions = Omit<WriteCertificatesOptions, 'hosts' | 'days' | 'keyType' | 'bits'> & {
  hosts?: readonly string[];
  days?: number | string;
  keyType?: string;
  bits?: number | string;
};

export type CreateCertificateOptions = Pick<WriteCertificatesOptions, 'hosts' | 'days' | 'keyType' | 'bits' | 'ca' | 'client'>;

/** A pair once every option has been checked. */
export interface PairRequest {
  kind: LeafKind;
  keyType: KeyType;
  bits: KeyBits;
  /** A server's names (never empty); a client's (may be empty: then CN=user@host, no subjectAltName). */
  hosts: Host[];
  /** --host was given (with --csr the names replace the request's). */
  hostsGiven: boolean;
  days: number;
  /** Signed by the local CA: --ca, --client or --csr. */
  ca: boolean;
}

/**
 * Checks the pair's options with the flags' own messages: --bits is RSA-only, --client and
 * --csr mean --ca, and a client without --host has no names (parseHosts would give the
 * server's defaults).
 */
export function parsePairRequest(options: CertsOptions): PairRequest {
  const keyType = parseKeyType(options.keyType);
  if (keyType === 'ecdsa' && options.bits !== undefined) throw usageError('--bits is for RSA keys; an ECDSA key is P-256');
  const client = options.client === true;
  const hostsGiven = options.hosts !== undefined && options.hosts.length > 0;
  return {
    kind: client ? 'client' : 'server',
    keyType,
    bits: parseBits(options.bits),
    hosts: client && !hostsGiven ? [] : parseHosts(options.hosts),
    hostsGiven,
    days: parseDays(options.days),
    ca: client || options.ca === true || options.csr !== undefined,
  };
}

/** What --json and the library say about an issued leaf and its key, made here or sent in a --csr. */
/** What a made pair is: the part every document about one shares (certs --json, init, createCertificate). */
export interface PairSummary {
  kind: LeafKind;
  keyType: KeyType;
  curve?: string;
  bits: number;
  /** 'RSA-2048', 'ECDSA P-256' */
  keyLabel: string;
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

export function pairSummary(kind: LeafKind, publicKey: KeyObject, leaf: IssuedLeaf, hosts: Host[], commonName: string, days: number): PairSummary {
  const key = describeKey(publicKey);
  return {
    kind,
    keyType: (key.type === 'ecdsa' ? 'ecdsa' : 'rsa') as KeyType,
    ...(key.type === 'ecdsa' && 'curve' in key ? { curve: key.curve } : {}),
    bits: key.bits ?? 0,
    keyLabel: key.label,
    hosts,
    commonName,
    serial: leaf.serialHex,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    days,
    fingerprintSha256: new X509Certificate(leaf.certPem).fingerprint256,
    signatureAlgorithm: leaf.signatureAlgorithm,
    keyUsage: leaf.keyUsage,
    extendedKeyUsage: leaf.extendedKeyUsage,
  };
}
