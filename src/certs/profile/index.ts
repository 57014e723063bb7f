/**
 * The certificate profile: what a pair h2-setup makes may be. Key sizes, validity and size
 * limits, the --host names and how they are read, the file names, and when a certificate is
 * due for renewal. Depends on nothing else in certs/.
 */
export {
  CA_CERT_BESIDE_PAIR,
  CA_CERT_FILE,
  CA_KEY_FILE,
  CLIENT_CERT_FILE,
  CLIENT_KEY_FILE,
  DEFAULT_CERT_FILE,
  DEFAULT_KEY_FILE,
  P12_FILE,
  P12_PASSWORD_VARIABLE,
} from './file-names.js';
export { certificateHostNames, type Host, parseHost, parseHosts } from './hosts.js';
export {
  CLOCK_SKEW_MS,
  DAY_MS,
  DEFAULT_HOSTS,
  DEFAULT_OUT_DIR,
  type KeyBits,
  type KeyType,
  MAX_CERTIFICATE_BYTES,
  MAX_DAYS,
  parseBits,
  parseDays,
  parseKeyType,
} from './limits.js';
export { needsRenewal, RENEWAL_CAP_MS, renewalThresholdMs } from './renewal.js';
