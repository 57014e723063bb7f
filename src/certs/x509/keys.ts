import { createPublicKey, generateKeyPair, generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import type { KeyBits } from '../profile/index.js';

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Generates the RSA key with Node's OpenSSL, not node-forge: forge's pure-JavaScript
 * prime search takes seconds for 2048 bits, OpenSSL takes tens of milliseconds, and
 * the async form runs in libuv's thread pool so the caller can load the local CA
 * while the primes are being found.
 */
export function startRsaKeyGeneration(bits: KeyBits): Promise<RsaKeyPair> {
  return new Promise((resolvePair, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolvePair({ privateKey, publicKey });
    });
  });
}

/** PKCS#8 PEM ("BEGIN PRIVATE KEY"), the format every TLS stack and Node's `key:` accept;
 *  OpenSSL writes it with LF line endings on every platform. */
export function privateKeyToPem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function publicKeyToPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * A key as a person and `--check` talk about it: RSA with its size, ECDSA with its curve
 * under its NIST name (OpenSSL says prime256v1, browsers and RFC 8446 say P-256).
 */
export type KeyDescription =
  | { type: 'rsa'; bits: number; label: string }
  | { type: 'ecdsa'; curve: string; bits: number | null; label: string }
  | { type: string; bits: number | null; label: string };

const CURVE_NAMES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
};

/** Works for a private or a public key (a private key is described by its public half). */
export function describeKey(key: KeyObject): KeyDescription {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const type = publicKey.asymmetricKeyType ?? 'unknown';
  const details = publicKey.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    return { type: 'rsa', bits, label: `${type === 'rsa' ? 'RSA' : 'RSA-PSS'}-${bits}` };
  }
  if (type === 'ec') {
    const raw = details.namedCurve ?? 'unknown curve';
    const known = CURVE_NAMES[raw];
    return { type: 'ecdsa', curve: known?.name ?? raw, bits: known?.bits ?? null, label: `ECDSA ${known?.name ?? raw}` };
  }
  return { type, bits: null, label: type.toUpperCase() };
}

/**
 * Whether the private key is the one the certificate's public key belongs to, for RSA and
 * EC alike: OpenSSL's X509_check_private_key compares the public halves. A key of another
 * type is simply not a match (OpenSSL would raise a type-mismatch error).
 */
export function keyMatchesCertificate(privateKey: KeyObject, certificate: X509Certificate): boolean {
  if (privateKey.asymmetricKeyType !== certificate.publicKey.asymmetricKeyType) return false;
  try {
    return certificate.checkPrivateKey(privateKey);
  } catch {
    return false;
  }
}

/**
 * A P-256 key pair from OpenSSL. Synchronous on purpose: it takes well under a millisecond
 * (no prime search, unlike RSA), less than handing it to the thread pool would cost.
 * P-256 because every TLS client supports it (RFC 8446 makes it mandatory to implement)
 * and it is what most TLS servers negotiate today.
 */
export function generateEcdsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}
