import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { usageError } from '../common/index.js';
import {
  checkDirectoryPath,
  displayPath,
  LOCK_FILE,
  pathExists,
  pathKind,
  readRegularFile,
  sweepStaleTemporaryFiles,
  UnreadableFileError,
  withLockFile,
  writeFilesAtomically,
  writeNewFiles,
} from '../system/index.js';
import type { CaConstraintsReport, LocalCa } from './ca/index.js';
import { checkCertificateSize, makePair } from './create.js';
import type { Host } from './profile/index.js';
import {
  CA_CERT_BESIDE_PAIR,
  CLIENT_CERT_FILE,
  CLIENT_KEY_FILE,
  DEFAULT_CERT_FILE,
  DEFAULT_KEY_FILE,
  DEFAULT_OUT_DIR,
  P12_FILE,
  P12_PASSWORD_VARIABLE,
} from './profile/index.js';
import { type CertsOptions, type PairRequest, type PairSummary, pairSummary, parsePairRequest } from './request.js';
// x509's parts, not its index.ts, so a pair without --csr or --p12 loads neither csr.js nor
// pkcs12.js (each module on the path costs every `certs` run CPU, bench/ecdsa.mjs).
import { privateKeyToPem } from './x509/keys.js';

// Not an import: see system/index.ts (an ES module import of node:fs costs every command CPU).
const { chmodSync, existsSync, lstatSync, mkdirSync } = process.getBuiltinModule('node:fs');

export const P12_NEEDS_PASSWORD = `--p12 needs a password: set ${P12_PASSWORD_VARIABLE} or run at a terminal; there is no default password`;

export interface CertificateSummary extends PairSummary {
  /** Absent with --csr: the key is the requester's. */
  keyPath?: string;
  certPath: string;
  /** Set with --csr. */
  csr?: {
    path: string;
    signatureAlgorithm: string;
    key: string;
    commonName?: string;
    requestedHosts: Host[];
    ignoredNames: string[];
  };
  /** Set with --p12 (never the password). */
  p12?: { path: string; friendlyName: string; includesCa: boolean; encryption: string };
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
  /** Set when the leaf was signed by the local CA: whether that CA is name-constrained (one made
   *  before h2-setup constrained its CAs is not, and says how to replace it). */
  caConstraints?: CaConstraintsReport;
}

interface GeneratePlan {
  request: PairRequest;
  /** Absent with --csr. */
  keyPath: string | undefined;
  certPath: string;
  caCertPath: string | undefined;
  p12Path: string | undefined;
  csr: { path: string; text: string } | undefined;
  outDir: string;
  /** identityOf() each target at planning time */
  seen: Map<string, string>;
}

/** A certificate request is a few KiB. */
const MAX_CSR_BYTES = 64 * 1024;

/** Flags that make or package a key, which --csr (the requester has the key) cannot use. */
function refuseWithCsr(options: CertsOptions): void {
  const given = [
    ['--key-type', options.keyType !== undefined],
    ['--bits', options.bits !== undefined],
    ['--key', options.key !== undefined],
    ['--client', options.client === true],
    ['--p12', options.p12 === true],
  ].filter(([, set]) => set);
  if (given.length > 0) {
    throw usageError(
      `--csr cannot be used with ${given.map(([flag]) => flag).join(', ')}: the request's key is already made and stays with whoever made it; expected --csr with --cert, --host, --days, --out-dir`,
    );
  }
}

function readCsrFile(path: string): string {
  try {
    return readRegularFile(path, MAX_CSR_BYTES).toString('utf8');
  } catch (error) {
    throw usageError(`--csr ${displayPath(path)} cannot be read: ${error instanceof UnreadableFileError ? error.reason : String(error)}`);
  }
}

/** Everything that can be wrong with the input is found here, before any file or
 *  directory is touched. Async only to load the local CA's modules when the pair uses it: a
 *  self-signed pair never needs them (~3 ms of CPU less, bench/ecdsa.mjs). */
export async function planGeneration(options: CertsOptions): Promise<GeneratePlan> {
  if (options.csr !== undefined) refuseWithCsr(options);
  const request = parsePairRequest(options);
  const client = request.kind === 'client';
  const outDir = checkDirectoryPath(options.outDir ?? DEFAULT_OUT_DIR, '--out-dir');
  const keyPath = options.csr !== undefined ? undefined : resolve(outDir, checkFileName(options.key ?? (client ? CLIENT_KEY_FILE : DEFAULT_KEY_FILE), '--key'));
  const certPath = resolve(outDir, checkFileName(options.cert ?? (client ? CLIENT_CERT_FILE : DEFAULT_CERT_FILE), '--cert'));
  if (keyPath === certPath) throw usageError('--key and --cert name the same file; expected two different file names');
  const caCertPath = request.ca ? resolve(outDir, CA_CERT_BESIDE_PAIR) : undefined;
  if (caCertPath !== undefined && (caCertPath === keyPath || caCertPath === certPath)) {
    throw usageError(`--key and --cert must not be ${CA_CERT_BESIDE_PAIR} with --ca: that name is kept for the CA certificate`);
  }
  const p12Path = options.p12 ? resolve(outDir, P12_FILE) : undefined;
  if (p12Path !== undefined && (p12Path === keyPath || p12Path === certPath)) {
    throw usageError(`--key and --cert must not be ${P12_FILE} with --p12: that name is kept for the PKCS#12 bundle`);
  }
  for (const [flag, path] of [
    ['--key', keyPath],
    ['--cert', certPath],
  ] as const) {
    if (path === undefined) continue;
    checkDirectoryPath(resolve(path, '..'), flag);
    const kind = pathKind(path);
    if (kind === 'directory' || kind === 'other') {
      throw usageError(`${flag} ${JSON.stringify(path)} is a directory; expected a file path`);
    }
  }
  const targets = [keyPath, certPath, caCertPath, p12Path].filter((path): path is string => path !== undefined);
  if (!options.force) {
    const existing = targets.filter(pathExists);
    if (existing.length > 0) {
      throw usageError(
        `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace ${existing.length === 1 ? 'it' : 'them'}`,
      );
    }
  }
  const csr = options.csr !== undefined ? { path: resolve(options.csr), text: readCsrFile(resolve(options.csr)) } : undefined;
  // A request is checked whole (format, key, signature) before anything is made.
  const requested = csr ? (await import('./x509/csr.js')).readCertificateRequest(csr.text, displayPath(csr.path)) : undefined;
  if (request.ca) {
    const { assertHostsPermittedByLocalCa, caRootDirectory } = await import('./ca/index.js');
    refuseCaRootInProject(outDir, caRootDirectory());
    // A name the CA may not vouch for is refused before anything is made: the names the
    // leaf will carry, which for --csr without --host are the request's own.
    assertHostsPermittedByLocalCa(requested && !request.hostsGiven ? requested.hosts : request.hosts);
  }
  return {
    request,
    keyPath,
    certPath,
    caCertPath,
    p12Path,
    csr,
    outDir,
    seen: new Map(targets.map((path) => [path, identityOf(path)])),
  };
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
function refuseCaRootInProject(outDir: string, caRoot: string): void {
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
  const keyDir = plan.keyPath ? dirname(plan.keyPath) : undefined;
  const keyOnly = keyDir !== dirname(plan.certPath) && (!plan.caCertPath || keyDir !== dirname(plan.caCertPath));
  for (const path of [
    plan.certPath,
    ...(plan.caCertPath ? [plan.caCertPath] : []),
    ...(plan.p12Path ? [plan.p12Path] : []),
    ...(plan.keyPath ? [plan.keyPath] : []),
  ]) {
    const dir = dirname(path);
    const first = mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (first === undefined) continue;
    // mkdir's mode is cut by the umask but never widened by it; chmod so umask 000 cannot
    // leave a world-writable directory.
    for (let made = dir; made.length >= first.length; made = dirname(made)) chmodSync(made, 0o755);
    if (dir === keyDir && keyOnly) chmodSync(dir, 0o700);
  }
}

/** The password for --p12, asked for only once every flag has been checked. */
export type PasswordSource = () => Promise<string>;

/**
 * `h2-setup certs`: a fresh key (RSA or ECDSA) and an X.509 v3 certificate, a server's or
 * (with `client`) a client's for mutual TLS, self-signed or signed by the local CA, written
 * as private-key.pem (PKCS#8, 0600) and public-cert.pem (plus ca-cert.pem with `ca`, and
 * bundle.p12 with `p12`); or (with `csr`) the local CA's certificate for someone else's key.
 */
export async function generateCertificates(options: CertsOptions, p12Password?: PasswordSource): Promise<CertificateSummary> {
  const plan = await planGeneration(options);
  const password = plan.p12Path ? await askP12Password(options.p12Password, p12Password) : undefined;
  const issued = plan.csr ? await signRequest(plan.csr, plan) : await makePairFor(plan, password);
  const files = [
    ...(issued.keyPem && plan.keyPath ? [{ path: plan.keyPath, contents: issued.keyPem, mode: 0o600 }] : []),
    { path: plan.certPath, contents: issued.certPem, mode: 0o644 },
    ...(issued.localCa && plan.caCertPath ? [{ path: plan.caCertPath, contents: issued.localCa.certPem, mode: 0o644 }] : []),
    ...(issued.p12 && plan.p12Path ? [{ path: plan.p12Path, contents: issued.p12, mode: 0o600 }] : []),
  ];
  makeDirectories(plan);
  // One run at a time places files in this directory, so with --force the key and the
  // certificate on disk are always one pair and the fingerprint printed is the one there.
  const lockDir = dirname(plan.keyPath ?? plan.certPath);
  await withLockFile(join(lockDir, LOCK_FILE), { what: lockDir }, () => {
    for (const dir of new Set(files.map((file) => dirname(file.path)))) {
      sweepStaleTemporaryFiles(dir, [...files.map((file) => basename(file.path)), LOCK_FILE]);
    }
    if (!options.force) {
      writeNewFiles(files);
      return;
    }
    const changed = files.find((file) => identityOf(file.path) !== plan.seen.get(file.path));
    if (changed) {
      throw usageError(`${changed.path} changed while the new pair was being made (another h2-setup certs?); run again to replace it`);
    }
    writeFilesAtomically(files);
  });

  const localCa = issued.localCa;
  return {
    ...(plan.keyPath ? { keyPath: plan.keyPath } : {}),
    certPath: plan.certPath,
    ...issued.summary,
    ...(issued.csr ? { csr: issued.csr } : {}),
    ...(issued.p12Summary && plan.p12Path ? { p12: { path: plan.p12Path, ...issued.p12Summary } } : {}),
    ...(localCa && plan.caCertPath
      ? {
          ca: {
            certPath: plan.caCertPath,
            directory: localCa.directory,
            subject: localCa.certificate.subject.replace(/\n/g, ', '),
            created: localCa.created,
            fingerprintSha256: localCa.certificate.fingerprint256,
          },
          // Loaded already: the local CA signed the pair.
          caConstraints: (await import('./ca/index.js')).caConstraintsOf(localCa.certificate),
        }
      : {}),
  };
}

interface Issued {
  keyPem?: string;
  certPem: string;
  localCa?: LocalCa;
  p12?: Buffer;
  p12Summary?: Omit<NonNullable<CertificateSummary['p12']>, 'path'>;
  csr?: CertificateSummary['csr'];
  summary: Omit<CertificateSummary, 'keyPath' | 'certPath' | 'ca' | 'csr' | 'p12'>;
}

const P12_ENCRYPTION = 'PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC';

/** An option given by the caller beats the environment, which beats asking. */
async function askP12Password(given: string | undefined, source: PasswordSource | undefined): Promise<string> {
  if (given !== undefined) {
    if (given === '') throw usageError('the p12Password option is empty; expected a password (there is no default)');
    return given;
  }
  const fromEnvironment = process.env[P12_PASSWORD_VARIABLE];
  if (fromEnvironment) return fromEnvironment;
  if (!source) throw usageError(P12_NEEDS_PASSWORD);
  return source();
}

async function makePairFor(plan: GeneratePlan, password: string | undefined): Promise<Issued> {
  const { request } = plan;
  const made = await makePair(request);
  const summary = pairSummary(request.kind, made.publicKey, made.leaf, request.hosts, made.commonName, request.days);
  const p12 =
    password === undefined
      ? undefined
      : await (async () => {
          const { buildPkcs12 } = await import('./x509/pkcs12.js');
          const friendlyName = `h2-setup ${made.commonName}`;
          const bundle = buildPkcs12({
            privateKey: made.privateKey,
            certPem: made.leaf.certPem,
            caCertPems: made.localCa ? [made.localCa.certPem] : [],
            friendlyName,
            password,
          });
          return { bundle, summary: { friendlyName, includesCa: made.localCa !== undefined, encryption: P12_ENCRYPTION } };
        })();
  return {
    keyPem: privateKeyToPem(made.privateKey),
    certPem: made.leaf.certPem,
    ...(made.localCa ? { localCa: made.localCa } : {}),
    ...(p12 ? { p12: p12.bundle, p12Summary: p12.summary } : {}),
    summary,
  };
}

async function signRequest(csr: { path: string; text: string }, plan: GeneratePlan): Promise<Issued> {
  const source = displayPath(csr.path);
  const { readCertificateRequest, signCertificateRequest } = await import('./x509/csr.js');
  const certificateRequest = readCertificateRequest(csr.text, source);
  const { loadOrCreateLocalCa } = await import('./ca/index.js');
  const localCa = await loadOrCreateLocalCa();
  const leaf = signCertificateRequest(certificateRequest, {
    ca: localCa,
    days: plan.request.days,
    ...(plan.request.hostsGiven ? { hosts: plan.request.hosts } : {}),
    source,
  });
  checkCertificateSize(leaf.certPem, leaf.hosts.length);
  const commonName = certificateRequest.commonName ?? leaf.hosts[0]?.value ?? '';
  return {
    certPem: leaf.certPem,
    localCa,
    csr: {
      path: csr.path,
      signatureAlgorithm: certificateRequest.signatureAlgorithm,
      key: certificateRequest.key.label,
      ...(certificateRequest.commonName !== undefined ? { commonName: certificateRequest.commonName } : {}),
      requestedHosts: certificateRequest.hosts,
      ignoredNames: certificateRequest.ignoredNames,
    },
    summary: pairSummary('server', certificateRequest.publicKey, leaf, leaf.hosts, commonName, plan.request.days),
  };
}
