import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { H2SetupError, shellQuote, usageError } from '../../common/index.js';
import {
  checkDirectoryPath,
  LOCK_FILE,
  pathExists,
  readRegularFile,
  sweepStaleTemporaryFiles,
  UnreadableFileError,
  userAtHost,
  withLockFile,
  writeNewFiles,
} from '../../system/index.js';
import { CA_CERT_FILE, CA_KEY_FILE, CLOCK_SKEW_MS, DAY_MS } from '../profile/index.js';
import {
  basicConstraints,
  buildSignedCertificate,
  type CertificateFields,
  distinguishedName,
  keyUsage,
  OID,
  privateKeyToPem,
  readCertificateFields,
  startRsaKeyGeneration,
} from '../x509/index.js';
import { caPermittedSubtrees, nameConstraintsOf } from './name-constraints.js';
import { caRootDirectory } from './root.js';

/** Ten years: a development CA is installed into trust stores by hand, and every
 *  renewal means doing that again. Leaves stay at 825 days or less. */
const CA_VALIDITY_DAYS = 3650;
/** RSA-3072: the CA outlives its leaves by years, so it gets the stronger key. */
const CA_KEY_BITS = 3072;
/** The organizationName of every CA h2-setup makes: how --uninstall-ca knows ours in a trust store. */
export const CA_ORGANIZATION = 'h2-setup development CA';

export interface LocalCa {
  directory: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  privateKey: KeyObject;
  certificate: X509Certificate;
  created: boolean;
}

/** How to start over, said with every refusal of an existing CA. */
function startOver(directory: string): string {
  return `to start a new CA, move ${directory} aside (mv ${shellQuote(directory)} ${shellQuote(`${directory}.old`)}) and run again, then \`h2-setup certs --install-ca\` (and --uninstall-ca the old one first)`;
}

function refuse(directory: string, message: string): H2SetupError {
  return usageError(`the local CA in ${directory} ${message}`, startOver(directory));
}

/** A CA certificate or key is a few KiB; this bounds what a planted file can make us read. */
const MAX_CA_FILE_BYTES = 64 * 1024;

function readCaFile(directory: string, path: string): Buffer {
  try {
    return readRegularFile(path, MAX_CA_FILE_BYTES);
  } catch (error) {
    throw refuse(directory, `cannot be read: ${error instanceof UnreadableFileError ? error.message : String(error)}`);
  }
}

/**
 * Refuses a CA root someone else could have planted or could change: it must be a directory
 * owned by this user and writable by nobody else, and the CA key readable by nobody else. A
 * CA in a world-writable directory could be swapped for an attacker's, which --install-ca
 * would then make every browser on the machine trust.
 */
export function checkCaRootOwnership(directory: string): void {
  const uid = process.getuid?.();
  const stats = statSync(directory, { throwIfNoEntry: false });
  if (!stats || uid === undefined) return;
  if (!stats.isDirectory()) throw usageError(`the local CA directory ${directory} is not a directory; expected a directory (set H2_SETUP_CAROOT to another)`);
  if (stats.uid !== uid) {
    throw usageError(
      `the local CA directory ${directory} belongs to user ${stats.uid}, not to you (${uid}); expected a directory of your own (set H2_SETUP_CAROOT)`,
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    throw usageError(
      `the local CA directory ${directory} is writable by ${stats.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(stats.mode & 0o777).toString(8)}); expected 0700`,
      `run chmod 700 ${shellQuote(directory)} if the CA in it is yours, or set H2_SETUP_CAROOT to a directory of your own`,
    );
  }
  const key = statSync(join(directory, CA_KEY_FILE), { throwIfNoEntry: false });
  if (key && (key.mode & 0o077) !== 0) {
    throw usageError(
      `the local CA key ${join(directory, CA_KEY_FILE)} is readable by others (mode ${(key.mode & 0o777).toString(8)}); expected 0400 or 0600`,
      `anyone who read it can sign certificates your browsers trust: ${startOver(directory)}`,
    );
  }
  if (key && key.uid !== uid) throw usageError(`the local CA key ${join(directory, CA_KEY_FILE)} belongs to user ${key.uid}, not to you; expected your own`);
}

/** Refuses, before anything is written, a CA that does not hold together: a leaf it
 *  signed would fail every verification, or could not be signed at all. */
function readCa(directory: string, created: boolean): LocalCa {
  checkCaRootOwnership(directory);
  const certPath = join(directory, CA_CERT_FILE);
  const keyPath = join(directory, CA_KEY_FILE);
  const certPem = readCaFile(directory, certPath).toString('utf8');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch {
    throw refuse(directory, `has a ${CA_CERT_FILE} that is not a PEM certificate (damaged?)`);
  }
  if (!existsSync(keyPath)) throw refuse(directory, `has ${CA_CERT_FILE} but no ${CA_KEY_FILE}`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readCaFile(directory, keyPath));
  } catch (error) {
    if (error instanceof H2SetupError) throw error;
    throw refuse(directory, `has a ${CA_KEY_FILE} that is not a PEM private key (damaged?)`);
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa' || privateKey.asymmetricKeyType !== 'rsa') {
    throw refuse(directory, `has a ${certificate.publicKey.asymmetricKeyType?.toUpperCase() ?? 'unknown'} key; h2-setup signs with RSA CAs only`);
  }
  if (!certificate.checkPrivateKey(privateKey)) throw refuse(directory, `has a key (${CA_KEY_FILE}) that is not the key of its certificate (${CA_CERT_FILE})`);
  const now = Date.now();
  if (new Date(certificate.validTo).getTime() <= now) throw refuse(directory, `expired on ${new Date(certificate.validTo).toISOString()}`);
  if (new Date(certificate.validFrom).getTime() > now) throw refuse(directory, `is not valid until ${new Date(certificate.validFrom).toISOString()}`);
  let fields: CertificateFields;
  try {
    fields = readCertificateFields(certificate.raw);
  } catch {
    throw refuse(directory, `has a ${CA_CERT_FILE} h2-setup cannot read`);
  }
  // Read from the extensions themselves: Node's X509Certificate.ca folds keyUsage in too.
  if (!fields.basicConstraints?.ca) throw refuse(directory, 'has a certificate without basicConstraints CA:TRUE, so no client accepts what it signs');
  if (fields.keyUsage && !fields.keyUsage.includes('keyCertSign')) {
    throw refuse(directory, 'has a certificate whose keyUsage lacks keyCertSign, so no client accepts what it signs');
  }
  if (!fields.subjectKeyIdentifier) throw refuse(directory, 'has no subjectKeyIdentifier');
  return {
    directory,
    certPath,
    keyPath,
    certPem,
    privateKey,
    certificate,
    created,
  };
}

/**
 * Loads the local development CA, creating it on first use: RSA-3072, ten years,
 * basicConstraints CA:TRUE pathlen:0 (it signs leaves only, never another CA) and
 * keyUsage keyCertSign + cRLSign, both critical, plus a subjectKeyIdentifier that
 * every leaf names as its authorityKeyIdentifier. The key is mode 0400 and never
 * copied out of the CA directory. An existing CA is never replaced: its files are
 * linked into place, and only one run at a time (the lock) makes one.
 */
export async function loadOrCreateLocalCa(env: NodeJS.ProcessEnv = process.env): Promise<LocalCa> {
  const directory = caRootDirectory(env);
  const certPath = join(directory, CA_CERT_FILE);
  if (pathExists(certPath)) return readCa(directory, false);
  checkDirectoryPath(directory, 'the local CA directory (H2_SETUP_CAROOT)');
  checkCaRootOwnership(directory);
  // Read H2_SETUP_CA_PERMIT before anything is made, so a bad entry is a usage error that writes nothing.
  const permitted = caPermittedSubtrees(env);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  checkCaRootOwnership(directory);
  return withLockFile(join(directory, LOCK_FILE), { what: `the local CA in ${directory}` }, async () => {
    sweepStaleTemporaryFiles(directory, [CA_CERT_FILE, CA_KEY_FILE, LOCK_FILE]);
    if (pathExists(certPath)) return readCa(directory, false);
    if (pathExists(join(directory, CA_KEY_FILE))) throw refuse(directory, `has ${CA_KEY_FILE} but no ${CA_CERT_FILE} (a run was killed while making it?)`);
    const { privateKey, publicKey } = await startRsaKeyGeneration(CA_KEY_BITS);
    const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
    const notAfter = new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS);
    // Self-signed: the builder adds the subjectKeyIdentifier, and no authorityKeyIdentifier.
    const { pem } = buildSignedCertificate({
      subjectPublicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }),
      subject: distinguishedName([
        [OID.commonName, `h2-setup development CA ${userAtHost()}`],
        [OID.organizationName, CA_ORGANIZATION],
        [OID.organizationalUnitName, userAtHost()],
      ]),
      signer: { privateKey },
      notBefore,
      notAfter,
      extensions: [basicConstraints({ ca: true, pathLength: 0 }), keyUsage(['keyCertSign', 'cRLSign']), nameConstraintsOf(permitted)],
    });
    // Key first: a CA certificate on disk always has its key beside it.
    writeNewFiles([
      { path: join(directory, CA_KEY_FILE), contents: privateKeyToPem(privateKey), mode: 0o400 },
      { path: certPath, contents: pem, mode: 0o644 },
    ]);
    return readCa(directory, true);
  });
}

/** Reads the CA certificate only (for --install-ca, which must not need the key). */
export function readLocalCaCertificate(
  env: NodeJS.ProcessEnv = process.env,
): { directory: string; certPath: string; certificate: X509Certificate } | undefined {
  const directory = caRootDirectory(env);
  const certPath = join(directory, CA_CERT_FILE);
  if (!pathExists(certPath)) return undefined;
  checkCaRootOwnership(directory);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readCaFile(directory, certPath));
  } catch (error) {
    if (error instanceof H2SetupError) throw error;
    throw refuse(directory, `has a ${CA_CERT_FILE} that is not a PEM certificate (damaged?)`);
  }
  return { directory, certPath, certificate };
}
