import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { sweepStaleTemporaryFiles, writeFilesAtomically, writeNewFiles } from '../files.js';
import { LOCK_FILE, withLockFile } from '../lock-file.js';
import { checkDirectoryPath, pathExists, pathKind } from '../paths.js';
import { caRootDirectory } from './ca-root.js';
import { CA_CERT_BESIDE_PAIR } from './file-names.js';
import { type Host, parseHosts } from './hosts.js';
import { privateKeyToPem, publicKeyToPem, startRsaKeyGeneration } from './keys.js';
import { loadOrCreateLocalCa } from './local-ca.js';
import { assertHostsPermittedByLocalCa, leafCommonName } from './name-constraints.js';
import { CLOCK_SKEW_MS, DEFAULT_CERT_FILE, DEFAULT_KEY_FILE, DEFAULT_OUT_DIR, type KeyBits, MAX_CERTIFICATE_BYTES, parseBits, parseDays } from './profile.js';
import { buildSignedCertificate, loadForge, serverLeafExtensions } from './x509-builder.js';

export interface GenerateOptions {
  outDir?: string;
  hosts?: readonly string[];
  days?: string | number;
  bits?: string | number;
  keyFile?: string;
  certFile?: string;
  force?: boolean;
  /** Sign with the local development CA (created on first use) instead of self-signing. */
  ca?: boolean;
}

export interface CertificateSummary {
  keyPath: string;
  certPath: string;
  hosts: Host[];
  commonName: string;
  bits: number;
  serial: string;
  notBefore: string;
  notAfter: string;
  days: number;
  fingerprintSha256: string;
  signatureAlgorithm: 'sha256WithRSAEncryption';
  /** Set when the leaf was signed by the local CA. */
  ca?: {
    /** The CA certificate written beside the pair (public part only). */
    certPath: string;
    /** Where the CA itself lives (its key never leaves it). */
    directory: string;
    subject: string;
    created: boolean;
    fingerprintSha256: string;
  };
}

export { CA_CERT_BESIDE_PAIR } from './file-names.js';

interface GeneratePlan {
  hosts: Host[];
  days: number;
  bits: KeyBits;
  keyPath: string;
  certPath: string;
  caCertPath: string | undefined;
  outDir: string;
  /** identityOf() each target at planning time, in the order key, cert, CA cert */
  seen: string[];
}

/** Everything that can be wrong with the input is found here, before any file or
 *  directory is touched. */
export function planGeneration(options: GenerateOptions): GeneratePlan {
  const hosts = parseHosts(options.hosts);
  const days = parseDays(options.days);
  const bits = parseBits(options.bits);
  const outDir = checkDirectoryPath(options.outDir ?? DEFAULT_OUT_DIR, '--out-dir');
  const keyPath = resolve(outDir, checkFileName(options.keyFile ?? DEFAULT_KEY_FILE, '--key'));
  const certPath = resolve(outDir, checkFileName(options.certFile ?? DEFAULT_CERT_FILE, '--cert'));
  if (keyPath === certPath) throw usageError('--key and --cert name the same file; expected two different file names');
  const caCertPath = options.ca ? resolve(outDir, CA_CERT_BESIDE_PAIR) : undefined;
  if (caCertPath !== undefined && (caCertPath === keyPath || caCertPath === certPath)) {
    throw usageError(`--key and --cert must not be ${CA_CERT_BESIDE_PAIR} with --ca: that name is kept for the CA certificate`);
  }
  for (const [flag, path] of [
    ['--key', keyPath],
    ['--cert', certPath],
  ] as const) {
    checkDirectoryPath(resolve(path, '..'), flag);
    const kind = pathKind(path);
    if (kind === 'directory' || kind === 'other') {
      throw usageError(`${flag} ${JSON.stringify(path)} is a directory; expected a file path`);
    }
  }
  if (!options.force) {
    const existing = [keyPath, certPath, ...(caCertPath ? [caCertPath] : [])].filter(pathExists);
    if (existing.length > 0) {
      throw usageError(
        `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace ${existing.length === 1 ? 'it' : 'them'}`,
      );
    }
  }
  if (options.ca) {
    refuseCaRootInProject(outDir);
    assertHostsPermittedByLocalCa(hosts); // issue 12: a host the CA may not vouch for is refused before anything is made
  }
  const targets = [keyPath, certPath, ...(caCertPath ? [caCertPath] : [])];
  return { hosts, days, bits, keyPath, certPath, caCertPath, outDir, seen: targets.map(identityOf) };
}

/** The project --out-dir belongs to: the nearest directory up from it with a package.json or
 *  .git, short of the home directory itself (a home kept in git is not a project). */
function projectRootOf(outDir: string): string {
  const home = resolve(process.env.HOME || homedir());
  for (let dir = outDir; dir !== dirname(dir) && dir !== home; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return dir;
  }
  return outDir;
}

/** The CA key can sign for any name: never in a directory that may be committed or shipped. */
function refuseCaRootInProject(outDir: string): void {
  const caRoot = caRootDirectory();
  const project = projectRootOf(outDir);
  const inside = relative(project, caRoot);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw usageError(
      `the local CA directory ${caRoot} is inside the project ${project}, where its key could be committed or shipped; expected a directory outside it (unset H2_SETUP_CAROOT to use the per-user one)`,
    );
  }
}

/** What is at a path (device and inode, or nothing), so --force replaces only the files
 *  the user saw, not ones another run put there meanwhile. */
function identityOf(path: string): string {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  return stats ? `${stats.dev}:${stats.ino}` : 'missing';
}

/** --key and --cert must name a file: not empty, not `.` or `..`, not ending in a slash. */
function checkFileName(name: string, flag: string): string {
  const last = name.split(/[\\/]/).pop();
  if (name.trim() === '' || last === '' || last === '.' || last === '..') {
    throw usageError(
      `${flag} ${JSON.stringify(name)} does not name a file; expected a file name such as ${flag === '--key' ? DEFAULT_KEY_FILE : DEFAULT_CERT_FILE}`,
    );
  }
  return name;
}

/** Directories made for the pair: 0755 at most whatever the umask (0700 when the key is all it
 *  will hold), so a world-writable directory never holds a key. */
function makeDirectories(plan: GeneratePlan): void {
  const keyDir = dirname(plan.keyPath);
  const keyOnly = keyDir !== dirname(plan.certPath) && (!plan.caCertPath || keyDir !== dirname(plan.caCertPath));
  for (const path of [plan.certPath, ...(plan.caCertPath ? [plan.caCertPath] : []), plan.keyPath]) {
    const dir = dirname(path);
    const first = mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (first === undefined) continue;
    // mkdir's mode is cut by the umask but never widened by it; chmod so umask 000 cannot
    // leave a world-writable directory.
    for (let made = dir; made.length >= first.length; made = dirname(made)) chmodSync(made, 0o755);
    if (dir === keyDir && keyOnly) chmodSync(dir, 0o700);
  }
}

/**
 * `h2-setup certs`: a fresh RSA key and an X.509 v3 certificate for the given hosts,
 * self-signed or (with `ca`) signed by the local development CA, written as
 * private-key.pem (PKCS#8, 0600) and public-cert.pem (plus ca-cert.pem with `ca`).
 */
export async function generateCertificates(options: GenerateOptions): Promise<CertificateSummary> {
  const plan = planGeneration(options);
  // Start OpenSSL's prime search first; node-forge loads while it runs.
  const keyPairPromise = startRsaKeyGeneration(plan.bits);
  const forge = await loadForge();

  const ca = options.ca ? await loadOrCreateLocalCa(forge) : undefined;
  const { privateKey, publicKey } = await keyPairPromise;

  const now = Date.now();
  const notBefore = new Date(now - CLOCK_SKEW_MS);
  // The validity period (notAfter - notBefore) is what Apple's 825-day limit counts,
  // so it is measured from the back-dated notBefore.
  const notAfter = new Date(notBefore.getTime() + plan.days * 86_400_000);
  const commonName = leafCommonName(plan.hosts); // issue 12: never an IP-as-hostname under a constrained CA
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'h2-setup development certificate' },
  ];
  const extensions = serverLeafExtensions(plan.hosts);
  if (ca) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ca.subjectKeyIdentifier) });
  const { pem: certPem, serialHex } = buildSignedCertificate(forge, {
    subjectPublicKeyPem: publicKeyToPem(publicKey),
    subject,
    issuer: ca?.subject,
    signingKey: ca?.privateKey ?? privateKey,
    notBefore,
    notAfter,
    extensions,
  });

  const certDer = new X509Certificate(certPem).raw;
  if (certDer.length > MAX_CERTIFICATE_BYTES) {
    throw usageError(
      `the certificate for ${plan.hosts.length} hosts would be ${certDer.length} bytes; TLS clients refuse one over ${MAX_CERTIFICATE_BYTES} bytes: expected fewer or shorter --host names`,
    );
  }

  makeDirectories(plan);
  const files = [
    { path: plan.keyPath, contents: privateKeyToPem(privateKey), mode: 0o600 },
    { path: plan.certPath, contents: certPem, mode: 0o644 },
    ...(ca && plan.caCertPath ? [{ path: plan.caCertPath, contents: ca.certPem, mode: 0o644 }] : []),
  ];
  // One run at a time places files in this directory, so with --force the key and the
  // certificate on disk are always one pair and the fingerprint printed is the one there.
  await withLockFile(join(dirname(plan.keyPath), LOCK_FILE), { what: dirname(plan.keyPath) }, () => {
    for (const dir of new Set(files.map((file) => dirname(file.path)))) {
      sweepStaleTemporaryFiles(dir, [...files.map((file) => basename(file.path)), LOCK_FILE]);
    }
    if (!options.force) {
      writeNewFiles(files);
      return;
    }
    const changed = files.find((file, index) => identityOf(file.path) !== plan.seen[index]);
    if (changed) {
      throw usageError(`${changed.path} changed while the new pair was being made (another h2-setup certs?); run again to replace it`);
    }
    writeFilesAtomically(files);
  });

  return {
    keyPath: plan.keyPath,
    certPath: plan.certPath,
    hosts: plan.hosts,
    commonName,
    bits: plan.bits,
    serial: serialHex,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    days: plan.days,
    fingerprintSha256: new X509Certificate(certPem).fingerprint256,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    ...(ca && plan.caCertPath
      ? {
          ca: {
            certPath: plan.caCertPath,
            directory: ca.directory,
            subject: ca.certificate.subject.replace(/\n/g, ', '),
            created: ca.created,
            fingerprintSha256: ca.certificate.fingerprint256,
          },
        }
      : {}),
  };
}
