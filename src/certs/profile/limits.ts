import { usageError, wholeNumber } from '../../common/index.js';

/** The two kinds of key h2-setup makes. */
export const KEY_TYPES = ['rsa', 'ecdsa'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** --key-type: rsa or ecdsa (ec accepted as another name for ecdsa). */
export function parseKeyType(raw: string | undefined): KeyType {
  if (raw === undefined) return 'rsa';
  const value = raw.trim().toLowerCase();
  if (value === 'rsa') return 'rsa';
  if (value === 'ecdsa' || value === 'ec') return 'ecdsa';
  throw usageError(`--key-type ${JSON.stringify(raw)} is not allowed; expected rsa or ecdsa`);
}

/** RSA sizes we make. 2048 is the floor every client accepts and the fastest to
 *  generate; 3072 and 4096 are there for policies that ask for more. */
export const ALLOWED_BITS = [2048, 3072, 4096] as const;
export type KeyBits = (typeof ALLOWED_BITS)[number];
export const DEFAULT_BITS: KeyBits = 2048;

/** A day, in the milliseconds Date counts in. */
export const DAY_MS = 86_400_000;

/** A year, like most development CAs; renewing is one command. */
export const DEFAULT_DAYS = 365;
/** Apple's platforms reject TLS server certificates whose validity period is longer
 *  than 825 days (https://support.apple.com/en-us/103769), and so will Safari and
 *  every client built on Apple's TLS stack; mkcert uses the same ceiling. */
export const MAX_DAYS = 825;
/** Back-date notBefore so a client whose clock runs a little behind (a VM just
 *  resumed, a container without NTP) does not see a "not yet valid" certificate. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

/** localhost and both loopback addresses: what `https://localhost` resolves to on
 *  any machine, whichever address family the client tries first. */
export const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

/** The current directory, as the tutorial expects the files beside its program. */
export const DEFAULT_OUT_DIR = '.';
/** Node's TLS client (OpenSSL's max_cert_list) refuses a Certificate message over 100 KiB:
 *  measured, a leaf of 100,920 bytes was accepted and one of 113,420 refused with
 *  ERR_SSL_EXCESSIVE_MESSAGE_SIZE. 96 KiB leaves room for the message's framing and a CA
 *  certificate sent along. */
export const MAX_CERTIFICATE_BYTES = 96 * 1024;
/** --host names per certificate: with names up to 253 bytes this still stays far under
 *  MAX_CERTIFICATE_BYTES for ordinary names, and keeps --check's per-host work bounded. */
export const MAX_HOSTS = 1000;

export function parseDays(raw: string | number | undefined): number {
  if (raw === undefined) return DEFAULT_DAYS;
  const days = wholeNumber(raw);
  if (days === null || days < 1 || days > MAX_DAYS) {
    throw usageError(
      `--days ${JSON.stringify(String(raw))} is not allowed; expected a whole number of days from 1 to ${MAX_DAYS} (Apple's limit for TLS server certificates)`,
    );
  }
  return days;
}

export function parseBits(raw: string | number | undefined): KeyBits {
  if (raw === undefined) return DEFAULT_BITS;
  const bits = wholeNumber(raw);
  const allowed = ALLOWED_BITS.find((value) => value === bits);
  if (allowed === undefined) {
    throw usageError(`--bits ${JSON.stringify(String(raw))} is not allowed; expected one of ${ALLOWED_BITS.join(', ')}`);
  }
  return allowed;
}
