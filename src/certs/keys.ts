import { generateKeyPair, type KeyObject } from 'node:crypto';
import type { KeyBits } from './profile.js';

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Generates the RSA key with Node's OpenSSL, not node-forge: forge's pure-JavaScript
 * prime search takes seconds for 2048 bits, OpenSSL takes tens of milliseconds, and
 * the async form runs in libuv's thread pool so the caller can load node-forge
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
